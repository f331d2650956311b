// The fitted chain from a Table to a model's input: encode ▸ impute ▸ [SMOTE,
// training only] ▸ scale ▸ [select the best K features] ▸ [PCA]. Every statistic comes from
// training rows; the pipeline owns that fitted state and saves it to the model file.
//
// SMOTE runs on encoded, imputed but unscaled values and the scaler is fitted on
// the balanced rows, as the published study and the scikit-learn reference do,
// so that results compare.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vigil/core/bytes.hpp"
#include "vigil/core/matrix.hpp"
#include "vigil/core/progress.hpp"
#include "vigil/data/table.hpp"
#include "vigil/preprocess/feature_scores.hpp"
#include "vigil/preprocess/imputer.hpp"
#include "vigil/preprocess/label_encoder.hpp"
#include "vigil/preprocess/pca.hpp"
#include "vigil/preprocess/scaler.hpp"
#include "vigil/preprocess/smote.hpp"

namespace vigil::preprocess {

struct PipelineConfig {
  ImputeStrategy impute = ImputeStrategy::kMean;
  double impute_constant = 0.0;
  ScaleKind scale = ScaleKind::kStandard;
  bool smote = false;
  SmoteConfig smote_config;
  std::size_t select = 0;  // keep the best this many features (0: all)
  SelectBy select_by = SelectBy::kMutualInfo;
  double pca = 0;  // components (>= 1) or explained-variance share (< 1); 0: none
  bool reduces() const { return select > 0 || pca > 0; }
};

struct TrainingData {
  Matrix x;
  std::vector<std::int32_t> labels;
  std::size_t synthetic = 0;
  std::vector<std::string> notes;
};

class Pipeline {
 public:
  Pipeline() = default;
  explicit Pipeline(PipelineConfig config) : config_(config) {}

  // Fits every step on the training rows and returns them ready for a model.
  TrainingData fit_transform(const data::Table& train, std::span<const std::int32_t> labels,
                             int classes, Progress* progress = nullptr);
  // Applies the fitted steps (never SMOTE) to rows of unknown class.
  Matrix transform(const data::Table& rows) const;

  // The steps one at a time, for protocols that resample before splitting:
  // fit encoder and imputer and return the training rows imputed by class...
  Matrix fit_prepare(const data::Table& train, std::span<const std::int32_t> labels, int classes);
  // ...then fit the scaler on (already resampled) rows and scale them.
  void fit_scale(Matrix& x);
  // Encode and impute rows of unknown class, unscaled.
  Matrix prepare(const data::Table& rows) const;
  void scale(Matrix& x) const { scaler_.transform(x); }
  // Feature selection then PCA, fitted on scaled training rows; `scores` rank
  // the scaled features (higher: kept first). Returns the training rows reduced.
  Matrix fit_reduction(const Matrix& scaled, std::span<const double> scores);
  // The fitted selection and PCA (the identity when the config asks for neither).
  Matrix reduce(const Matrix& scaled) const;
  const std::vector<std::uint32_t>& selected() const { return selected_; }  // empty: every feature
  const std::vector<double>& feature_scores() const { return scores_; }
  const Pca& pca() const { return pca_; }
  // The width of the model's input.
  std::size_t output_width() const;
  // The model's input columns by name: the input columns kept by the selection,
  // or pc1, pc2, ... after PCA.
  std::vector<std::string> output_names() const;

  const PipelineConfig& config() const { return config_; }
  const std::vector<InputColumn>& input_columns() const { return encoder_.columns(); }
  const TableEncoder& encoder() const { return encoder_; }
  const Imputer& imputer() const { return imputer_; }
  const Scaler& scaler() const { return scaler_; }
  // One line naming the steps, for reports.
  std::string describe() const;

  void save(ByteWriter& w) const;
  void load(ByteReader& r);
  // The selection and PCA, kept in a section of their own in the model file.
  void save_reduction(ByteWriter& w) const;
  void load_reduction(ByteReader& r);

 private:
  PipelineConfig config_;
  TableEncoder encoder_;
  Imputer imputer_;
  Scaler scaler_;
  std::vector<std::uint32_t> selected_;
  std::vector<double> scores_;
  Pca pca_;
};

}  // namespace vigil::preprocess
