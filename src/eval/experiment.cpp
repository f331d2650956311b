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
#include "vigil/eval/report.hpp"
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

// The official protocol: fit on one file, test on the other.
PreparedSplit prepare_official(const data::Dataset& train, const data::Dataset& test,
                               const std::vector<std::string>& class_names,
                               const ExperimentConfig& config, ExperimentResult& result,
                               Progress* progress) {
  preprocess::Pipeline pipeline(config.pipeline);
  preprocess::TrainingData fitted = pipeline.fit_transform(
      train.features, train.labels, static_cast<int>(class_names.size()), progress);
  PreparedSplit p;
  const auto reduction_start = Clock::now();
  p.train_x = models::fit_reduction(pipeline, std::move(fitted.x), fitted.labels,
                                    static_cast<int>(class_names.size()), progress);
  result.reduction_seconds += seconds_since(reduction_start);
  p.train_y = std::move(fitted.labels);
  p.train_synthetic.assign(p.train_y.size(), 0);
  std::fill(p.train_synthetic.end() - static_cast<std::ptrdiff_t>(fitted.synthetic),
            p.train_synthetic.end(), 1);
  p.test_x = pipeline.transform(test.features);
  std::vector<std::string> names = class_names;
  p.test_y = data::map_labels(test, names);
  if (names.size() != class_names.size()) {
    throw InputError(test.features.source + ": class '" + names[class_names.size()] +
                     "' does not occur in the training file");
  }
  result.synthetic_train_rows = fitted.synthetic;
  result.notes.insert(result.notes.end(), fitted.notes.begin(), fitted.notes.end());
  result.pipeline = pipeline.describe();
  result.feature_names = pipeline.output_names();
  return p;
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
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < p.train_y.size(); ++i) {
    if (config.anomaly_on_all_rows ? !p.train_synthetic[i] : p.train_y[i] == benign)
      rows.push_back(i);
  }
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

// The split less every training row of `cls`.
data::Split without_class(data::Split split, const std::vector<std::int32_t>& labels,
                          std::int32_t cls) {
  std::erase_if(split.train, [&](std::size_t i) { return labels[i] == cls; });
  return split;
}

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

struct Spread {
  double mean = 0, sd = 0;
};

template <typename Get>
Spread spread(const std::vector<Metrics>& folds, Get get) {
  Spread s;
  if (folds.empty()) return s;
  for (const auto& m : folds) s.mean += get(m);
  s.mean /= static_cast<double>(folds.size());
  for (const auto& m : folds) s.sd += (get(m) - s.mean) * (get(m) - s.mean);
  s.sd = folds.size() > 1 ? std::sqrt(s.sd / static_cast<double>(folds.size() - 1)) : 0.0;
  return s;
}

}  // namespace

// Which groups each fold tests on, so that a reader sees what was held out.
std::string group_fold_note(const std::vector<std::string>& groups,
                            const std::vector<data::Split>& folds) {
  std::string note = "folds by group:";
  for (std::size_t f = 0; f < folds.size(); ++f) {
    std::set<std::string> names;
    for (auto i : folds[f].test) names.insert(groups[i]);
    note += (f ? "; " : " ") + std::to_string(f + 1) + ":";
    for (const auto& n : names) note += " " + n;
  }
  return note;
}

PreparedSplit prepare_holdout(const data::Dataset& data, const data::Split& split,
                              const ExperimentConfig& config, ExperimentResult& result,
                              Progress* progress) {
  const int classes = static_cast<int>(data.class_names.size());
  preprocess::Pipeline pipeline(config.pipeline);
  const std::vector<std::int32_t> train_y = labels_of(data, split.train);
  preprocess::TrainingData fitted =
      pipeline.fit_transform(data.features.select_rows(split.train), train_y, classes, progress);
  PreparedSplit p;
  const auto reduction_start = Clock::now();
  p.train_x =
      models::fit_reduction(pipeline, std::move(fitted.x), fitted.labels, classes, progress);
  result.reduction_seconds += seconds_since(reduction_start);
  p.train_y = std::move(fitted.labels);
  // SMOTE appends its rows after the real ones.
  p.train_synthetic.assign(p.train_y.size(), 0);
  std::fill(p.train_synthetic.end() - static_cast<std::ptrdiff_t>(fitted.synthetic),
            p.train_synthetic.end(), 1);
  p.test_x = pipeline.transform(data.features.select_rows(split.test));
  p.test_y = labels_of(data, split.test);
  result.synthetic_train_rows += fitted.synthetic;
  result.notes.insert(result.notes.end(), fitted.notes.begin(), fitted.notes.end());
  result.pipeline = pipeline.describe();
  result.feature_names = pipeline.output_names();
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

Protocol parse_protocol(const std::string& name) {
  if (name == "holdout") return Protocol::kHoldout;
  if (name == "paper") return Protocol::kPaper;
  if (name == "official") return Protocol::kOfficial;
  if (name == "cv") return Protocol::kCrossValidation;
  if (name == "group") return Protocol::kGroup;
  throw ParamError("unknown protocol '" + name + "' (expected holdout, paper, official or cv)");
}

std::string to_string(Protocol p) {
  switch (p) {
    case Protocol::kHoldout:
      return "holdout";
    case Protocol::kPaper:
      return "paper";
    case Protocol::kOfficial:
      return "official";
    case Protocol::kCrossValidation:
      return "cv";
    case Protocol::kGroup:
      return "group";
  }
  return "?";
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
  const auto drop_holdout = [&](const data::Split& split) {
    return holdout_class < 0 ? split : without_class(split, data.labels, holdout_class);
  };
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
  switch (config.protocol) {
    case Protocol::kPaper: {
      const PreparedSplit p = prepare_paper(data, config, result, progress);
      export_split(p);
      result.train_rows = p.train_x.rows();
      result.test_rows = p.test_x.rows();
      run_models(p, config, result, progress, true, pooled);
      break;
    }
    case Protocol::kHoldout: {
      const data::Split split =
          data::stratified_split(data.labels, config.test_fraction, config.seed);
      const std::vector<std::string> keys = row_keys(data.features);
      std::vector<std::string> train_keys, test_keys;
      for (auto i : split.train) train_keys.push_back(keys[i]);
      for (auto i : split.test) test_keys.push_back(keys[i]);
      count_shared_rows(train_keys, test_keys, result.quality);
      const PreparedSplit p = prepare_holdout(data, drop_holdout(split), config, result, progress);
      export_split(p);
      result.train_rows = p.train_x.rows();
      result.test_rows = p.test_x.rows();
      run_models(p, config, result, progress, true, pooled);
      break;
    }
    case Protocol::kOfficial: {
      count_shared_rows(row_keys(data.features), row_keys(test_data->features), result.quality);
      const PreparedSplit p =
          prepare_official(data, *test_data, data.class_names, config, result, progress);
      export_split(p);
      result.train_rows = p.train_x.rows();
      result.test_rows = p.test_x.rows();
      run_models(p, config, result, progress, true, pooled);
      break;
    }
    case Protocol::kCrossValidation:
    case Protocol::kGroup: {
      const bool grouped = config.protocol == Protocol::kGroup;
      if (grouped && data.groups.empty())
        throw ParamError("--protocol group needs --group-by COLUMN");
      const std::vector<data::Split> folds =
          grouped ? data::group_kfold(data.groups, config.folds)
                  : data::stratified_kfold(data.labels, config.folds, config.seed);
      result.folds = static_cast<int>(folds.size());
      if (grouped) result.notes.push_back(group_fold_note(data.groups, folds));
      for (std::size_t f = 0; f < folds.size(); ++f) {
        const PreparedSplit p =
            prepare_holdout(data, drop_holdout(folds[f]), config, result, progress);
        result.train_rows += p.train_x.rows();
        result.test_rows += p.test_x.rows();
        run_models(p, config, result, progress, f == 0, pooled);
      }
      break;
    }
  }
  for (std::size_t m = 0; m < result.models.size(); ++m) {
    ModelResult& r = result.models[m];
    r.metrics = compute_metrics(r.confusion);
    r.roc = roc_report(pooled.proba[m], pooled.actual, result.class_names, config.benign);
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

std::string experiment_text(const ExperimentResult& result) {
  std::ostringstream out;
  out << data_quality_text(result.quality) << '\n';
  out << "protocol " << to_string(result.protocol);
  if (result.folds) out << " (" << result.folds << " folds; rows summed over folds)";
  out << ": " << result.pipeline << '\n';
  if (result.reduction_seconds > 0)
    out << "feature selection and PCA fitted in " << fixed(result.reduction_seconds, 2) << " s\n";
  out << "train rows " << result.train_rows << " (" << result.synthetic_train_rows
      << " synthetic), test rows " << result.test_rows << " (" << result.synthetic_test_rows
      << " synthetic)\n";
  for (const auto& m : result.models) {
    out << "\n== " << m.model << ": confusion matrix (rows actual, columns predicted"
        << (result.folds ? ", summed over folds" : "") << ")\n"
        << confusion_table(m.confusion) << '\n'
        << metrics_table(m.metrics);
  }
  out << "\n== summary (AUC: macro one-vs-rest over classes, and attack vs benign)\n"
         "model   accuracy  macro-P  macro-R  macro-F1  macro-AUC  attack-AUC    fit s  predict s  "
         "predict us/row  "
         "size KiB\n";
  for (const auto& m : result.models) {
    char line[240];
    const std::string attack_auc =
        m.roc.has_binary && m.roc.binary.defined() ? fixed(m.roc.binary.auc, 4) : "-";
    std::snprintf(
        line, sizeof line,
        "%-6s  %8.4f  %7.4f  %7.4f  %8.4f  %9.4f  %10s  %7.2f  %9.3f  %14.3f  %8.0f\n",
        m.model.c_str(), m.metrics.accuracy, m.metrics.macro_precision, m.metrics.macro_recall,
        m.metrics.macro_f1, m.roc.macro_auc, attack_auc.c_str(), m.fit_seconds, m.predict_seconds,
        result.test_rows ? 1e6 * m.predict_seconds / static_cast<double>(result.test_rows) : 0.0,
        static_cast<double>(m.model_bytes) / 1024.0);
    out << line;
  }
  if (result.folds) {
    out << "\nacross folds (mean ± standard deviation)\nmodel   accuracy           macro-P         "
           "   macro-R            macro-F1\n";
    for (const auto& m : result.models) {
      const auto acc = spread(m.folds, [](const Metrics& x) { return x.accuracy; });
      const auto p = spread(m.folds, [](const Metrics& x) { return x.macro_precision; });
      const auto r = spread(m.folds, [](const Metrics& x) { return x.macro_recall; });
      const auto f = spread(m.folds, [](const Metrics& x) { return x.macro_f1; });
      char line[200];
      std::snprintf(line, sizeof line,
                    "%-6s  %.4f ± %.4f    %.4f ± %.4f    %.4f ± %.4f    %.4f ± %.4f\n",
                    m.model.c_str(), acc.mean, acc.sd, p.mean, p.sd, r.mean, r.sd, f.mean, f.sd);
      out << line;
    }
  }
  out << anomaly_text(result.anomaly, result.hybrids, result.class_names, result.benign,
                      result.holdout_class, result.anomaly_on_all_rows);
  if (!result.holdout_class.empty()) {
    out << "\nnote: every training row of " << result.holdout_class
        << " was left out; its test rows are an attack type the classifiers never saw\n";
  }
  if (result.synthetic_test_rows > 0) {
    out << "\nnote: this protocol resampled before splitting: " << result.synthetic_test_rows
        << " of the " << result.test_rows << " test rows ("
        << fixed(100.0 * static_cast<double>(result.synthetic_test_rows) /
                     static_cast<double>(result.test_rows),
                 1)
        << "%) are synthetic, made from rows whose neighbours are in training. Its scores "
           "overstate what the model does on real traffic; compare --protocol holdout.\n";
  }
  // A balanced test set (the paper protocol's) is bounded by the balanced ceiling.
  const bool balanced = result.protocol == Protocol::kPaper;
  const double ceiling = balanced ? result.quality.balanced_ceiling : result.quality.ceiling;
  for (const auto& m : result.models) {
    if (m.metrics.accuracy > ceiling + 0.005) {
      out << "warning: " << m.model << " scores accuracy " << fixed(m.metrics.accuracy, 4)
          << ", above the " << (balanced ? "balanced " : "") << "ceiling of " << fixed(ceiling, 4)
          << " that the data's conflicting feature vectors allow: a sign of leakage between "
             "training and "
             "test rows (synthetic test rows made from training rows), or of an error\n";
    }
  }
  for (const auto& n : result.notes) out << "note: " << n << '\n';
  return out.str();
}

nlohmann::json to_json(const ExperimentResult& result) {
  nlohmann::json models = nlohmann::json::array();
  for (const auto& m : result.models) {
    nlohmann::json folds = nlohmann::json::array();
    for (const auto& f : m.folds) folds.push_back(to_json(f));
    nlohmann::json importances = nlohmann::json::array();
    if (m.feature_importances.size() == result.feature_names.size()) {
      std::vector<std::size_t> order(m.feature_importances.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return m.feature_importances[a] > m.feature_importances[b];
      });
      for (auto i : order) {
        importances.push_back(
            {{"feature", result.feature_names[i]}, {"importance", m.feature_importances[i]}});
      }
    }
    models.push_back({{"model", m.model},
                      {"fit_seconds", m.fit_seconds},
                      {"predict_seconds", m.predict_seconds},
                      {"model_bytes", m.model_bytes},
                      {"metrics", to_json(m.metrics)},
                      {"confusion_matrix", to_json(m.confusion)},
                      {"roc", to_json(m.roc)},
                      {"feature_importances", importances},
                      {"folds", folds}});
  }
  nlohmann::json anomaly = nlohmann::json::array(), hybrids = nlohmann::json::array();
  for (const auto& a : result.anomaly) anomaly.push_back(to_json(a, result.class_names));
  for (const auto& h : result.hybrids) hybrids.push_back(to_json(h, result.class_names));
  return {{"protocol", to_string(result.protocol)},
          {"benign_class", result.benign},
          {"anomaly_fitted_on", result.anomaly_on_all_rows ? "all" : "benign"},
          {"holdout_class", result.holdout_class.empty() ? nlohmann::json(nullptr)
                                                         : nlohmann::json(result.holdout_class)},
          {"anomaly", anomaly},
          {"hybrids", hybrids},
          {"pipeline", result.pipeline},
          {"train_rows", result.train_rows},
          {"test_rows", result.test_rows},
          {"synthetic_train_rows", result.synthetic_train_rows},
          {"synthetic_test_rows", result.synthetic_test_rows},
          {"reduction_seconds", result.reduction_seconds},
          {"folds", result.folds},
          {"data_quality", to_json(result.quality)},
          {"classes", result.class_names},
          {"features", result.feature_names},
          {"notes", result.notes},
          {"models", models}};
}

}  // namespace vigil::eval
