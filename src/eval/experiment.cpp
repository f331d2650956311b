#include "vigil/eval/experiment.hpp"

#include <chrono>
#include <cstdio>
#include <sstream>

#include "vigil/core/error.hpp"
#include "vigil/data/split.hpp"
#include "vigil/eval/report.hpp"
#include "vigil/models/classifier.hpp"

namespace vigil::eval {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct PreparedSplit {
  Matrix train_x, test_x;
  std::vector<std::int32_t> train_y, test_y;
};

// Honest order: split first, then fit every step on the training part.
PreparedSplit prepare_holdout(const data::Dataset& data, const ExperimentConfig& config,
                              ExperimentResult& result, Progress* progress) {
  const int classes = static_cast<int>(data.class_names.size());
  const data::Split split = data::stratified_split(data.labels, config.test_fraction, config.seed);
  preprocess::Pipeline pipeline(config.pipeline);
  const data::Table train = data.features.select_rows(split.train);
  std::vector<std::int32_t> train_y;
  for (auto i : split.train) train_y.push_back(data.labels[i]);
  preprocess::TrainingData fitted = pipeline.fit_transform(train, train_y, classes, progress);
  PreparedSplit p;
  p.train_x = std::move(fitted.x);
  p.train_y = std::move(fitted.labels);
  p.test_x = pipeline.transform(data.features.select_rows(split.test));
  for (auto i : split.test) p.test_y.push_back(data.labels[i]);
  result.synthetic_train_rows = fitted.synthetic;
  result.notes.insert(result.notes.end(), fitted.notes.begin(), fitted.notes.end());
  result.pipeline = pipeline.describe();
  return p;
}

// The published order: impute by class and SMOTE the whole file, then a plain
// random split, so synthetic rows made from test rows' neighbours land in training.
PreparedSplit prepare_paper(const data::Dataset& data, const ExperimentConfig& config,
                            ExperimentResult& result, Progress* progress) {
  const int classes = static_cast<int>(data.class_names.size());
  preprocess::Pipeline pipeline(config.pipeline);
  Matrix all = pipeline.fit_prepare(data.features, data.labels, classes);
  std::vector<std::int32_t> labels = data.labels;
  std::size_t originals = all.rows();
  if (config.pipeline.smote) {
    preprocess::Resampled r = preprocess::smote(all, labels, classes, config.pipeline.smote_config, progress);
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
    result.synthetic_train_rows += i >= originals;
  }
  for (auto i : split.test) {
    p.test_y.push_back(labels[i]);
    result.synthetic_test_rows += i >= originals;
  }
  pipeline.fit_scale(p.train_x);
  pipeline.scale(p.test_x);
  result.pipeline = pipeline.describe() + " (all rows, before the split)";
  return p;
}

std::unique_ptr<models::Classifier> make_model(const std::string& name,
                                               const std::vector<std::string>& assignments) {
  const auto& registry = models::builtin_registry();
  std::vector<std::string> own;
  for (const auto& a : assignments) {
    const auto key = a.substr(0, a.find('='));
    for (const auto& spec : registry.info(name).params) {
      if (spec.name == key) own.push_back(a);
    }
  }
  return registry.create(name, own);
}

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

Protocol parse_protocol(const std::string& name) {
  if (name == "holdout") return Protocol::kHoldout;
  if (name == "paper") return Protocol::kPaper;
  throw ParamError("unknown protocol '" + name + "' (expected holdout or paper)");
}

std::string to_string(Protocol p) { return p == Protocol::kPaper ? "paper" : "holdout"; }

ExperimentResult run_experiment(const data::Dataset& data, const ExperimentConfig& config,
                                Progress* progress) {
  if (data.labels.empty()) throw InputError(data.features.source + ": no labels to evaluate against");
  // Every parameter must belong to at least one chosen model, so a typo is caught.
  for (const auto& a : config.model_params) {
    const auto key = a.substr(0, a.find('='));
    bool known = false;
    for (const auto& m : config.models) {
      for (const auto& spec : models::builtin_registry().info(m).params) known |= spec.name == key;
    }
    if (!known) throw ParamError("parameter '" + key + "' belongs to none of the chosen models");
  }
  ExperimentResult result;
  result.protocol = config.protocol;
  result.class_names = data.class_names;
  PreparedSplit p = config.protocol == Protocol::kPaper ? prepare_paper(data, config, result, progress)
                                                        : prepare_holdout(data, config, result, progress);
  result.train_rows = p.train_x.rows();
  result.test_rows = p.test_x.rows();
  const int classes = static_cast<int>(data.class_names.size());
  for (const auto& name : config.models) {
    auto model = make_model(name, config.model_params);
    ModelResult r;
    r.model = name;
    auto t = Clock::now();
    model->fit(p.train_x, p.train_y, classes, progress);
    r.fit_seconds = seconds_since(t);
    for (const auto& note : model->fit_notes()) result.notes.push_back(note);
    t = Clock::now();
    const std::vector<std::int32_t> predicted = model->predict(p.test_x);
    r.predict_seconds = seconds_since(t);
    r.confusion = ConfusionMatrix::from(p.test_y, predicted, data.class_names);
    r.metrics = compute_metrics(r.confusion);
    result.models.push_back(std::move(r));
  }
  return result;
}

std::string experiment_text(const ExperimentResult& result) {
  std::ostringstream out;
  out << "protocol " << to_string(result.protocol) << ": " << result.pipeline << '\n';
  out << "train rows " << result.train_rows << " (" << result.synthetic_train_rows
      << " synthetic), test rows " << result.test_rows << " (" << result.synthetic_test_rows
      << " synthetic)\n";
  for (const auto& m : result.models) {
    out << "\n== " << m.model << ": confusion matrix (rows actual, columns predicted)\n"
        << confusion_table(m.confusion) << '\n'
        << metrics_table(m.metrics);
  }
  out << "\n== summary\nmodel   accuracy  macro-P  macro-R  macro-F1   fit s  predict s\n";
  for (const auto& m : result.models) {
    char line[160];
    std::snprintf(line, sizeof line, "%-6s  %8.4f  %7.4f  %7.4f  %8.4f  %6.2f  %9.3f\n", m.model.c_str(),
                  m.metrics.accuracy, m.metrics.macro_precision, m.metrics.macro_recall,
                  m.metrics.macro_f1, m.fit_seconds, m.predict_seconds);
    out << line;
  }
  if (result.synthetic_test_rows > 0) {
    out << "\nnote: this protocol resampled before splitting: " << result.synthetic_test_rows
        << " of the " << result.test_rows << " test rows ("
        << fixed(100.0 * static_cast<double>(result.synthetic_test_rows) / static_cast<double>(result.test_rows), 1)
        << "%) are synthetic, made from rows whose neighbours are in training. Its scores "
           "overstate what the model does on real traffic; compare --protocol holdout.\n";
  }
  for (const auto& n : result.notes) out << "note: " << n << '\n';
  return out.str();
}

nlohmann::json to_json(const ExperimentResult& result) {
  nlohmann::json models = nlohmann::json::array();
  for (const auto& m : result.models) {
    models.push_back({{"model", m.model},
                      {"fit_seconds", m.fit_seconds},
                      {"predict_seconds", m.predict_seconds},
                      {"metrics", to_json(m.metrics)},
                      {"confusion_matrix", to_json(m.confusion)}});
  }
  return {{"protocol", to_string(result.protocol)},
          {"pipeline", result.pipeline},
          {"train_rows", result.train_rows},
          {"test_rows", result.test_rows},
          {"synthetic_train_rows", result.synthetic_train_rows},
          {"synthetic_test_rows", result.synthetic_test_rows},
          {"classes", result.class_names},
          {"notes", result.notes},
          {"models", models}};
}

}  // namespace vigil::eval
