// Experiment protocols: how rows are split, resampled and scored, so that the
// published (leaky) order and the honest one run side by side.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vigil/core/progress.hpp"
#include "vigil/data/dataset.hpp"
#include "vigil/eval/metrics.hpp"
#include "vigil/preprocess/pipeline.hpp"

namespace vigil::eval {

enum class Protocol {
  kHoldout,  // stratified split first; imputation, SMOTE and scaling fitted on training rows
  kPaper,    // the published order: impute by class and SMOTE the whole file, then split
};

Protocol parse_protocol(const std::string& name);
std::string to_string(Protocol p);

struct ExperimentConfig {
  Protocol protocol = Protocol::kHoldout;
  double test_fraction = 0.2;
  std::uint64_t seed = 42;
  preprocess::PipelineConfig pipeline;  // smote on by default in the CLI
  std::vector<std::string> models = {"nb"};
  std::vector<std::string> model_params;  // "name=value", applied to the models that declare them
};

struct ModelResult {
  std::string model;
  ConfusionMatrix confusion{{}};
  Metrics metrics;
  double fit_seconds = 0;
  double predict_seconds = 0;
};

struct ExperimentResult {
  Protocol protocol = Protocol::kHoldout;
  std::string pipeline;
  std::size_t train_rows = 0, test_rows = 0;
  std::size_t synthetic_train_rows = 0, synthetic_test_rows = 0;
  std::vector<std::string> class_names;
  std::vector<std::string> notes;
  std::vector<ModelResult> models;
};

ExperimentResult run_experiment(const data::Dataset& data, const ExperimentConfig& config,
                                Progress* progress = nullptr);

std::string experiment_text(const ExperimentResult& result);
nlohmann::json to_json(const ExperimentResult& result);

}  // namespace vigil::eval
