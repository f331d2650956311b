#include "vigil/eval/experiment.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>

#include "vigil/core/error.hpp"
#include "vigil/core/text_format.hpp"
#include "vigil/eval/protocol.hpp"
#include "vigil/eval/report.hpp"
#include "vigil/eval/training.hpp"
#include "vigil/io/atomic_file.hpp"
#include "vigil/models/anomaly.hpp"
#include "vigil/models/classifier.hpp"
#include "vigil/models/feature_importance.hpp"

namespace vigil::eval {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::vector<std::int32_t> labels_of(const data::Dataset& data,
                                    const std::vector<std::size_t>& rows) {
  std::vector<std::int32_t> out;
  out.reserve(rows.size());
  for (auto i : rows) out.push_back(data.labels[i]);
  return out;
}

// The parameters a classifier or an anomaly detector declares.
std::vector<ParamSpec> param_specs_of(const std::string& name) {
  for (const auto& d : models::anomaly_detector_names()) {
    if (d == name) return models::anomaly_param_specs(name);
  }
  return models::builtin_registry().info(name).params;
}

// A parameter assignment as it applies to one model: "name=value" applies to every
// model that declares `name`; "model.name=value" to that model only. Empty when
// the assignment is not for `model`.
std::string assignment_for(const std::string& model, const std::string& assignment) {
  const auto eq = assignment.find('=');
  const auto dot = assignment.find('.');
  std::string own = assignment;
  if (dot != std::string::npos && dot < eq) {
    if (assignment.substr(0, dot) != model) return {};
    own = assignment.substr(dot + 1);
  }
  const auto key = own.substr(0, own.find('='));
  for (const auto& spec : param_specs_of(model)) {
    if (spec.name == key) return own;
  }
  return {};
}

std::unique_ptr<models::Classifier> make_model(const std::string& name,
                                               const std::vector<std::string>& assignments) {
  std::vector<std::string> own;
  for (const auto& a : assignments) {
    if (auto mine = assignment_for(name, a); !mine.empty()) own.push_back(std::move(mine));
  }
  return models::builtin_registry().create(name, own);
}

// Every fold's test probabilities, classes and anomaly flags, pooled for the ROC
// curves and the hybrids.
struct PooledScores {
  std::vector<Matrix> proba;                         // per model
  std::vector<std::vector<std::int32_t>> predicted;  // per model
  std::vector<std::vector<float>> anomaly_scores;    // per detector
  std::vector<std::vector<std::uint8_t>> flagged;    // per detector
  std::vector<std::int32_t> actual;
};

// Fits every detector on the benign training rows and scores the test rows.
void run_detectors(const PreparedSplit& p, const ExperimentConfig& config, std::int32_t benign,
                   ExperimentResult& result, Progress* progress, bool first_fold,
                   PooledScores& pooled) {
  pooled.anomaly_scores.resize(config.anomaly.size());
  pooled.flagged.resize(config.anomaly.size());
  // Benign rows, or every real training row (unlabelled traffic holds no
  // rows SMOTE made).
  const std::vector<std::size_t> rows =
      detector_training_rows(p.train_y, p.train_synthetic, benign, config.anomaly_on_all_rows);
  if (rows.empty())
    throw InputError("anomaly detection: no training rows of the benign class '" + config.benign +
                     "'");
  const Matrix benign_x = p.train_x.select_rows(rows);
  for (std::size_t d = 0; d < config.anomaly.size(); ++d) {
    std::vector<std::string> own;
    for (const auto& a : config.model_params) {
      if (auto mine = assignment_for(config.anomaly[d], a); !mine.empty())
        own.push_back(std::move(mine));
    }
    auto detector = models::make_anomaly_detector(config.anomaly[d], own);
    if (first_fold) {
      result.anomaly.emplace_back();
      result.anomaly.back().detector = config.anomaly[d];
    }
    AnomalyResult& r = result.anomaly[d];
    auto t = Clock::now();
    detector->fit(benign_x, progress);
    r.fit_seconds += seconds_since(t);
    r.training_rows += benign_x.rows();
    r.threshold = detector->threshold();
    r.training_flag_rate = detector->training_flag_rate();
    r.notes = detector->fit_notes();
    t = Clock::now();
    const std::vector<float> scores = detector->score(p.test_x);
    r.score_seconds += seconds_since(t);
    pooled.anomaly_scores[d].insert(pooled.anomaly_scores[d].end(), scores.begin(), scores.end());
    for (float s : scores) pooled.flagged[d].push_back(s > detector->threshold());
  }
}

// Fits and scores every model on one prepared split, adding into `result.models`.
void run_models(const PreparedSplit& p, const ExperimentConfig& config, ExperimentResult& result,
                Progress* progress, bool first_fold, PooledScores& pooled) {
  pooled.proba.resize(config.models.size());
  pooled.predicted.resize(config.models.size());
  pooled.actual.insert(pooled.actual.end(), p.test_y.begin(), p.test_y.end());
  const int classes = static_cast<int>(result.class_names.size());
  for (std::size_t m = 0; m < config.models.size(); ++m) {
    auto model = make_model(config.models[m], config.model_params);
    if (first_fold) {
      ModelResult r;
      r.model = config.models[m];
      r.confusion = ConfusionMatrix(result.class_names);
      result.models.push_back(std::move(r));
    }
    ModelResult& r = result.models[m];
    auto t = Clock::now();
    model->fit(p.train_x, p.train_y, classes, progress);
    r.fit_seconds += seconds_since(t);
    {
      ByteWriter state;
      model->save_state(state);
      r.model_bytes = state.bytes().size();
    }
    for (const auto& note : model->fit_notes()) result.notes.push_back(note);
    r.feature_importances = model->feature_importances();
    t = Clock::now();
    const models::Classifier::Scored scored = model->predict_scored(p.test_x);
    r.predict_seconds += seconds_since(t);
    for (std::size_t row = 0; row < scored.proba.rows(); ++row)
      pooled.proba[m].append_row(scored.proba.row(row));
    pooled.predicted[m].insert(pooled.predicted[m].end(), scored.classes.begin(),
                               scored.classes.end());
    const ConfusionMatrix fold =
        ConfusionMatrix::from(p.test_y, scored.classes, result.class_names);
    for (std::size_t i = 0; i < fold.classes(); ++i) {
      for (std::size_t j = 0; j < fold.classes(); ++j) {
        r.confusion.add(static_cast<std::int32_t>(i), static_cast<std::int32_t>(j), fold.at(i, j));
      }
    }
    if (config.protocol == Protocol::kCrossValidation || config.protocol == Protocol::kGroup) {
      r.folds.push_back(compute_metrics(fold));
    }
  }
  if (!config.anomaly.empty()) {
    const auto& names = result.class_names;
    const auto benign = static_cast<std::int32_t>(
        std::find(names.begin(), names.end(), config.benign) - names.begin());
    run_detectors(p, config, benign, result, progress, first_fold, pooled);
  }
}

}  // namespace

PreparedSplit prepare_official(const data::Dataset& train, const data::Dataset& test,
                               const std::vector<std::string>& class_names,
                               const ExperimentConfig& config, ExperimentResult& result,
                               Progress* progress) {
  TrainingRows fitted =
      fit_training_rows(train.features, train.labels, static_cast<int>(class_names.size()),
                        config.pipeline, progress);
  result.reduction_seconds += fitted.reduction_seconds;
  PreparedSplit p;
  p.train_x = std::move(fitted.x);
  p.train_y = std::move(fitted.labels);
  p.train_synthetic = std::move(fitted.synthetic);
  p.test_x = fitted.pipeline.transform(test.features);
  std::vector<std::string> names = class_names;
  p.test_y = data::map_labels(test, names);
  if (names.size() != class_names.size()) {
    throw InputError(test.features.source + ": class '" + names[class_names.size()] +
                     "' does not occur in the training file");
  }
  result.synthetic_train_rows = fitted.synthetic_rows;
  result.notes.insert(result.notes.end(), fitted.notes.begin(), fitted.notes.end());
  result.pipeline = fitted.pipeline.describe();
  result.feature_names = fitted.pipeline.output_names();
  return p;
}

PreparedSplit prepare_holdout(const data::Dataset& data, const data::Split& split,
                              const ExperimentConfig& config, ExperimentResult& result,
                              Progress* progress) {
  const int classes = static_cast<int>(data.class_names.size());
  TrainingRows fitted =
      fit_training_rows(data.features.select_rows(split.train), labels_of(data, split.train),
                        classes, config.pipeline, progress);
  result.reduction_seconds += fitted.reduction_seconds;
  PreparedSplit p;
  p.train_x = std::move(fitted.x);
  p.train_y = std::move(fitted.labels);
  p.train_synthetic = std::move(fitted.synthetic);
  p.test_x = fitted.pipeline.transform(data.features.select_rows(split.test));
  p.test_y = labels_of(data, split.test);
  result.synthetic_train_rows += fitted.synthetic_rows;
  result.notes.insert(result.notes.end(), fitted.notes.begin(), fitted.notes.end());
  result.pipeline = fitted.pipeline.describe();
  result.feature_names = fitted.pipeline.output_names();
  return p;
}

PreparedSplit prepare_paper(const data::Dataset& data, const ExperimentConfig& config,
                            ExperimentResult& result, Progress* progress) {
  const int classes = static_cast<int>(data.class_names.size());
  preprocess::Pipeline pipeline(config.pipeline);
  Matrix all = pipeline.fit_prepare(data.features, data.labels, classes);
  std::vector<std::int32_t> labels = data.labels;
  const std::size_t originals = all.rows();
  if (config.pipeline.smote) {
    preprocess::Resampled r =
        preprocess::smote(all, labels, classes, config.pipeline.smote_config, progress);
    all = std::move(r.x);
    labels = std::move(r.labels);
    result.notes.insert(result.notes.end(), r.notes.begin(), r.notes.end());
  }
  const data::Split split = data::random_split(all.rows(), config.test_fraction, config.seed);
  PreparedSplit p;
  p.train_x = all.select_rows(split.train);
  p.test_x = all.select_rows(split.test);
  for (auto i : split.train) {
    p.train_y.push_back(labels[i]);
    p.train_synthetic.push_back(i >= originals);
    result.synthetic_train_rows += i >= originals;
  }
  for (auto i : split.test) {
    p.test_y.push_back(labels[i]);
    result.synthetic_test_rows += i >= originals;
  }
  pipeline.fit_scale(p.train_x);
  pipeline.scale(p.test_x);
  const auto reduction_start = Clock::now();
  p.train_x = models::fit_reduction(pipeline, std::move(p.train_x), p.train_y, classes, progress);
  result.reduction_seconds += seconds_since(reduction_start);
  if (config.pipeline.reduces()) p.test_x = pipeline.reduce(p.test_x);
  result.pipeline = pipeline.describe() + " (all rows, before the split)";
  result.feature_names = pipeline.output_names();
  return p;
}

ExperimentResult run_experiment(const data::Dataset& data, const ExperimentConfig& config,
                                Progress* progress, const data::Dataset* test_data) {
  if (data.labels.empty())
    throw InputError(data.features.source + ": no labels to evaluate against");
  data::require_classes_to_learn(data);
  // Every parameter must belong to at least one chosen model, so a typo is caught.
  for (const auto& a : config.model_params) {
    bool known = false;
    for (const auto& m : config.models) known |= !assignment_for(m, a).empty();
    for (const auto& d : config.anomaly) known |= !assignment_for(d, a).empty();
    if (!known) {
      throw ParamError("parameter '" + a.substr(0, a.find('=')) +
                       "' belongs to none of the chosen models");
    }
  }
  if ((config.protocol == Protocol::kOfficial) != (test_data != nullptr)) {
    throw ParamError("the official protocol, and only it, takes a separate test file (--test)");
  }
  const auto class_index = [&](const std::string& name, const char* what) {
    const auto& names = data.class_names;
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      std::string known;
      for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
      throw ParamError(std::string(what) + " '" + name + "' is not a class of " +
                       data.features.source + " (classes: " + known + ")");
    }
    return static_cast<std::int32_t>(it - names.begin());
  };
  if (!config.anomaly.empty()) {
    for (const auto& d : config.anomaly) models::anomaly_param_specs(d);  // fail early on a typo
    class_index(config.benign, "the benign class (--benign)");
  }
  std::int32_t holdout_class = -1;
  if (!config.holdout_class.empty()) {
    if (config.protocol != Protocol::kHoldout && config.protocol != Protocol::kCrossValidation &&
        config.protocol != Protocol::kGroup) {
      throw ParamError("--holdout-class works with --protocol holdout, cv or group");
    }
    holdout_class = class_index(config.holdout_class, "the held-out class (--holdout-class)");
    if (config.holdout_class == config.benign)
      throw ParamError("the held-out class cannot be the benign class");
  }
  ExperimentResult result;
  result.protocol = config.protocol;
  result.class_names = data.class_names;
  result.benign = config.benign;
  result.anomaly_on_all_rows = config.anomaly_on_all_rows;
  result.holdout_class = config.holdout_class;
  const int classes = static_cast<int>(data.class_names.size());
  result.quality = assess_data_quality(data.features, data.labels, classes);

  if (!config.export_prepared.empty() &&
      (config.protocol == Protocol::kCrossValidation || config.protocol == Protocol::kGroup)) {
    throw ParamError(
        "exporting the prepared rows works with the holdout, paper and official protocols, not cv");
  }
  const auto export_split = [&](const PreparedSplit& p) {
    if (config.export_prepared.empty()) return;
    std::filesystem::create_directories(config.export_prepared);
    write_prepared_csv(config.export_prepared + "/train.csv", p.train_x, p.train_y,
                       data.class_names);
    write_prepared_csv(config.export_prepared + "/test.csv", p.test_x, p.test_y, data.class_names);
  };
  PooledScores pooled;
  const auto protocol = make_protocol(config.protocol);
  const ProtocolInput input{data, test_data, config, holdout_class};
  std::vector<data::Split> rounds = protocol->splits(input, result);
  if (config.dedup != Dedup::kNone) {
    if (config.protocol != Protocol::kHoldout && config.protocol != Protocol::kCrossValidation &&
        config.protocol != Protocol::kGroup) {
      throw ParamError("--dedup works with --protocol holdout, cv or group");
    }
    const std::vector<std::string> keys = row_keys(data.features);
    for (auto& round : rounds) {
      round = drop_duplicates(round, keys, keys, config.dedup, result.dedup);
      if (round.test.empty() || round.train.empty()) {
        throw InputError("--dedup " + dedup_modes().name(config.dedup) + " left no " +
                         (round.test.empty() ? "test" : "training") + " rows in " +
                         data.features.source + " (" + result.dedup.text() + ")");
      }
    }
    result.notes.push_back(result.dedup.text());
  }
  if (protocol->folded()) result.folds = static_cast<int>(rounds.size());
  for (std::size_t f = 0; f < rounds.size(); ++f) {
    const PreparedSplit p = protocol->prepare(input, rounds[f], result, progress);
    if (!protocol->folded()) export_split(p);
    result.train_rows += p.train_x.rows();
    result.test_rows += p.test_x.rows();
    run_models(p, config, result, progress, f == 0, pooled);
  }
  for (std::size_t m = 0; m < result.models.size(); ++m) {
    ModelResult& r = result.models[m];
    r.metrics = compute_metrics(r.confusion);
    r.roc = roc_report(pooled.proba[m], pooled.actual, result.class_names, config.benign);
    r.reliability = reliability(pooled.proba[m], pooled.actual);
  }
  if (!config.anomaly.empty()) {
    const auto benign = class_index(config.benign, "the benign class");
    std::vector<std::uint8_t> attack(pooled.actual.size());
    for (std::size_t i = 0; i < attack.size(); ++i) attack[i] = pooled.actual[i] != benign;
    for (std::size_t d = 0; d < config.anomaly.size(); ++d) {
      AnomalyResult& a = result.anomaly[d];
      a.detection = binary_scores(attack, pooled.flagged[d]);
      a.roc = roc_curve(pooled.anomaly_scores[d], attack);
      a.by_class = caught_by_class(pooled.actual, pooled.flagged[d], result.class_names.size());
      for (std::size_t m = 0; m < config.models.size(); ++m) {
        result.hybrids.push_back(score_hybrid(config.models[m], config.anomaly[d], pooled.actual,
                                              pooled.predicted[m], pooled.flagged[d], benign,
                                              result.class_names.size()));
      }
    }
  }
  return result;
}

void write_prepared_csv(const std::string& path, const Matrix& x,
                        std::span<const std::int32_t> labels,
                        const std::vector<std::string>& class_names) {
  std::string text;
  for (std::size_t c = 0; c < x.cols(); ++c) text += "f" + std::to_string(c) + ",";
  text += "class\n";
  char number[32];
  for (std::size_t r = 0; r < x.rows(); ++r) {
    for (const float v : x.row(r)) {
      std::snprintf(number, sizeof number, "%.9g,", static_cast<double>(v));
      text += number;
    }
    append_csv_text(text, class_names[static_cast<std::size_t>(labels[r])]);
    text += '\n';
  }
  io::write_file_atomic(path, text);
}

}  // namespace vigil::eval
