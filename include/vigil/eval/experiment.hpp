// Experiment protocols: how rows are split, resampled and scored, so that the
// published (leaky) order and the honest one run side by side.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vigil/core/progress.hpp"
#include "vigil/data/dataset.hpp"
#include "vigil/data/split.hpp"
#include "vigil/eval/anomaly.hpp"
#include "vigil/eval/calibration.hpp"
#include "vigil/eval/data_quality.hpp"
#include "vigil/eval/dedup.hpp"
#include "vigil/eval/metrics.hpp"
#include "vigil/eval/roc.hpp"
#include "vigil/preprocess/pipeline.hpp"

namespace vigil::eval {

enum class Protocol {
  kHoldout,   // stratified split first; imputation, SMOTE and scaling fitted on training rows
  kPaper,     // the published order: impute by class and SMOTE the whole file, then split
  kOfficial,  // a dataset's own train and test files
  kCrossValidation,  // stratified k-fold, each fold as kHoldout
  kGroup,            // folds by group (Dataset::groups, e.g. capture), each fold as kHoldout
};

Protocol parse_protocol(const std::string& name);
std::string to_string(Protocol p);

struct ExperimentConfig {
  Protocol protocol = Protocol::kHoldout;
  double test_fraction = 0.2;
  int folds = 5;  // kCrossValidation; kGroup: 0 (or at least the groups) is one group per fold
  std::uint64_t seed = 42;
  preprocess::PipelineConfig pipeline;  // smote on by default in the CLI
  std::vector<std::string> models = {"nb"};
  std::string benign =
      "Normal";  // the class that is not an attack (ROC, anomaly detection, hybrids)
  std::vector<std::string>
      anomaly;  // detectors fitted on benign training rows; hybrids with every model
  bool anomaly_on_all_rows =
      false;                  // fit detectors on every training row, labels unused (real ones only)
  std::string holdout_class;  // a class whose rows are all kept out of training (holdout and cv)
  std::vector<std::string>
      model_params;  // "name=value" for every model declaring name; "model.name=value" for one
  // When set, a directory where train.csv and test.csv receive the rows exactly
  // as the models get them (imputed, scaled, balanced, reduced), for feeding
  // other tools the same matrices (holdout, paper and official protocols).
  std::string export_prepared;
  // Duplicate hygiene (holdout, cv and group): see dedup.hpp.
  Dedup dedup = Dedup::kNone;
};

struct ModelResult {
  std::string model;
  ConfusionMatrix confusion{{}};
  Metrics metrics;
  double fit_seconds = 0;  // summed over folds under cross-validation
  double predict_seconds = 0;
  std::size_t model_bytes = 0;  // the fitted model's saved state (the last fold's)
  std::vector<Metrics> folds;   // per fold, under cross-validation
  RocReport roc;                // over every test row (all folds pooled under cross-validation)
  Reliability reliability;      // of the probabilities, over the same rows
  // The model's own feature importances (the last fold's), over
  // ExperimentResult::feature_names; empty when the model has none.
  std::vector<double> feature_importances;
};

struct ExperimentResult {
  Protocol protocol = Protocol::kHoldout;
  std::string pipeline;
  std::size_t train_rows = 0, test_rows = 0;
  std::size_t synthetic_train_rows = 0, synthetic_test_rows = 0;
  double reduction_seconds = 0;  // fitting feature selection and PCA (summed over folds)
  int folds = 0;
  DataQuality quality;
  DedupCounts dedup;  // what --dedup dropped (mode kNone: nothing asked)
  std::vector<std::string> class_names;
  std::vector<std::string> feature_names;  // the models' input columns (the last fold's)
  std::vector<std::string> notes;
  std::vector<ModelResult> models;
  std::string benign, holdout_class;
  bool anomaly_on_all_rows = false;
  std::vector<AnomalyResult> anomaly;
  std::vector<HybridResult> hybrids;
};

// Runs every model of `config` under its protocol. kOfficial tests on `test_data`
// (its classes mapped onto the training file's by name); the others split `data`.
ExperimentResult run_experiment(const data::Dataset& data, const ExperimentConfig& config,
                                Progress* progress = nullptr,
                                const data::Dataset* test_data = nullptr);

// The training and test matrices a protocol hands to the models (one fold's, for
// cross-validation), exposed so tests can check what each protocol promises.
struct PreparedSplit {
  Matrix train_x, test_x;
  std::vector<std::int32_t> train_y, test_y;
  std::vector<std::uint8_t> train_synthetic;  // per training row: made by SMOTE
};
PreparedSplit prepare_holdout(const data::Dataset& data, const data::Split& split,
                              const ExperimentConfig& config, ExperimentResult& result,
                              Progress* progress);
PreparedSplit prepare_paper(const data::Dataset& data, const ExperimentConfig& config,
                            ExperimentResult& result, Progress* progress);
PreparedSplit prepare_official(const data::Dataset& train, const data::Dataset& test,
                               const std::vector<std::string>& class_names,
                               const ExperimentConfig& config, ExperimentResult& result,
                               Progress* progress);

// Writes `x` with a last column `class` (the class name of each row) as CSV,
// features named f0, f1, ...; floats as %.9g, which reads back bit for bit.
void write_prepared_csv(const std::string& path, const Matrix& x,
                        std::span<const std::int32_t> labels,
                        const std::vector<std::string>& class_names);

std::string experiment_text(const ExperimentResult& result);
nlohmann::json to_json(const ExperimentResult& result);

}  // namespace vigil::eval
