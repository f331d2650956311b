// The experiment's report: the text `vigil experiment` prints and the JSON of --json.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "vigil/eval/experiment.hpp"
#include "vigil/eval/report.hpp"

namespace vigil::eval {
namespace {

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
  out << "\n== calibration (Brier score; expected calibration error of the top class's "
         "probability, 15 bins)\nmodel      Brier      ECE\n";
  for (const auto& m : result.models) {
    char line[120];
    std::snprintf(line, sizeof line, "%-6s  %8.4f  %7.4f\n", m.model.c_str(), m.reliability.brier,
                  m.reliability.ece);
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
                      {"reliability", to_json(m.reliability)},
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
          {"dedup",
           {{"mode", dedup_modes().name(result.dedup.mode)},
            {"train_rows", result.dedup.train_rows},
            {"train_dropped", result.dedup.train_dropped},
            {"test_rows", result.dedup.test_rows},
            {"test_dropped", result.dedup.test_dropped}}},
          {"classes", result.class_names},
          {"features", result.feature_names},
          {"notes", result.notes},
          {"models", models}};
}

}  // namespace vigil::eval
