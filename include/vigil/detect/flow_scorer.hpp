// The per-flow path from a finished flow to class probabilities: the model's
// fitted pipeline (encode, impute, scale) applied to one FlowRecord without
// building a Table, then the classifier on a batch of such rows. Also says
// which features pushed a verdict most, for the alert's "why".
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vigil/capture/flow_record.hpp"
#include "vigil/core/matrix.hpp"
#include "vigil/io/model_file.hpp"

namespace vigil::detect {

// One feature's share in a verdict. For models that trace a decision to its
// features (the random forest: Saabas's path contributions), the feature's
// part in raising the class's probability from the model's prior; for the
// others, how much the class's probability falls when the feature is replaced
// by its training baseline.
struct Contribution {
  std::size_t feature = 0;  // index into FlowScorer::feature_names()
  float delta = 0;
};

class FlowScorer {
 public:
  // Binds every model input column to a field of FlowRecord; throws InputError
  // naming a column that flows do not carry (e.g. a model trained on another schema).
  explicit FlowScorer(const io::ModelBundle& bundle);

  std::size_t width() const { return fields_.size(); }
  const std::vector<std::string>& feature_names() const { return names_; }
  const io::ModelBundle& bundle() const { return *bundle_; }

  // The model's input row for one flow: encoded, imputed and scaled. No allocation.
  void encode(const capture::FlowRecord& flow, std::span<float> row) const;
  // Class probabilities for encoded rows (rows x classes).
  // The bundle's anomaly detector's scores for rows as encode() writes them
  // (call only when bundle().anomaly is set).
  std::vector<float> anomaly_scores(const Matrix& rows) const {
    return bundle_->anomaly->score(
        bundle_->pipeline.config().reduces() ? bundle_->pipeline.reduce(rows) : rows);
  }
  // Rows as encode() writes them (scaled, every input feature); the pipeline's
  // feature selection and PCA, when it has them, are applied here.
  Matrix predict_proba(const Matrix& rows) const {
    return bundle_->model->predict_proba(
        bundle_->pipeline.config().reduces() ? bundle_->pipeline.reduce(rows) : rows);
  }

  // For each listed row, the `top` features that pushed the probability of
  // `classes[i]` most: by the model's own contributions when it has them (one
  // walk per row), otherwise by occlusion, the features whose replacement by
  // the training baseline (the imputer's fill value, scaled) lowers it most,
  // in one batched prediction of (listed rows x features) rows. `proba` is
  // predict_proba(rows).
  std::vector<std::vector<Contribution>> explain(const Matrix& rows, const Matrix& proba,
                                                 std::span<const std::size_t> which,
                                                 std::span<const std::int32_t> classes,
                                                 std::size_t top) const;

  // predict_proba and explain at once: `which(i, p)` picks, from row i's
  // probabilities, the class to name reasons for, or -1 for none. A model
  // that can credit features from the walk it predicted with (the random
  // forest) walks each row once; the others predict, then explain.
  struct Explained {
    Matrix proba;                                    // every row's
    std::vector<std::size_t> rows;                   // the rows explained, in order
    std::vector<std::vector<Contribution>> reasons;  // each one's `top`, as explain() names them
  };
  Explained predict_explained(const Matrix& rows, const models::Classifier::ExplainWhich& which,
                              std::size_t top) const;

  // The flow's value of a feature as it was before encoding ("tcp", "254").
  std::string raw_value(const capture::FlowRecord& flow, std::size_t feature) const;

 private:
  struct Field {
    capture::RecordColumn source;                       // where the value sits in a flow
    const preprocess::LabelEncoder* encoder = nullptr;  // categorical inputs
    float fill = 0;                                     // imputer's value for missing
    double offset = 0, scale = 1;                       // scaler (identity when unscaled)
    float baseline = 0;                                 // fill, scaled
  };
  float value(const capture::FlowRecord& flow, const Field& f) const;
  // explain() from the model's contributions; false when it has none.
  bool explain_by_paths(const Matrix& rows, std::span<const std::size_t> which,
                        std::span<const std::int32_t> classes, std::size_t top,
                        std::vector<std::vector<Contribution>>& out) const;
  // The `top` of row i of the model's contributions, in input feature indices.
  std::vector<Contribution> top_of(const Matrix& by_model, std::size_t i, std::size_t top) const;

  const io::ModelBundle* bundle_;
  std::vector<Field> fields_;
  std::vector<std::string> names_;
};

}  // namespace vigil::detect
