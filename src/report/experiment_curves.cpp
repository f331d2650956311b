// An experiment's curves: ROC per class and attack vs benign, precision-recall
// (derived from the same points: at a point with true-positive rate t and
// false-positive rate f, recall is t and precision tP / (tP + fN)), and the
// threshold sweep (alerts raised against attack recall).
#include <algorithm>
#include <cmath>

#include "report/charts.hpp"
#include "report/experiment_sections.hpp"
#include "report/svg.hpp"

namespace vigil::report {
namespace {

constexpr const char* kBinaryColor = "#111";
constexpr const char* kMicroColor = "#777";

bool defined(const nlohmann::json& curve) {
  return curve.contains("fpr") && curve.contains("tpr") && !curve.at("auc").is_null();
}

std::string auc_text(const nlohmann::json& curve) {
  return defined(curve) ? "AUC " + number(curve.at("auc").get<double>(), 4) : "AUC n/a";
}

Series roc_series(const std::string& name, const nlohmann::json& curve) {
  Series s;
  s.name = name + " (" + auc_text(curve) + ")";
  s.x = curve.at("fpr").get<std::vector<double>>();
  s.y = curve.at("tpr").get<std::vector<double>>();
  return s;
}

// Precision and recall at each point of a ROC curve; the origin, where
// nothing is flagged, has no precision and is left out.
Series precision_recall_series(const std::string& name, const nlohmann::json& curve) {
  Series s;
  s.name = name;
  const auto fpr = curve.at("fpr").get<std::vector<double>>();
  const auto tpr = curve.at("tpr").get<std::vector<double>>();
  const double positives = curve.at("positives").get<double>();
  const double negatives = curve.at("negatives").get<double>();
  for (std::size_t i = 0; i < fpr.size() && i < tpr.size(); ++i) {
    const double tp = tpr[i] * positives, fp = fpr[i] * negatives;
    if (tp + fp <= 0) continue;
    s.x.push_back(tpr[i]);
    s.y.push_back(tp / (tp + fp));
  }
  return s;
}

bool has_binary(const nlohmann::json& model) {
  const auto& roc = model.at("roc");
  return roc.contains("binary") && defined(roc.at("binary"));
}

}  // namespace

void roc_section(HtmlPage& page, const nlohmann::json& e, const std::string& prefix) {
  page.heading("ROC curves", prefix + "roc");
  page.paragraph(
      "One-vs-rest per class (scored by the class's probability), every (row, class) "
      "pair pooled (micro), and attack vs benign (scored by 1 - P(benign)). The dashed "
      "diagonal is a random guess.");
  std::vector<std::string> figs;
  for (const auto& m : e.at("models")) {
    const auto& roc = m.at("roc");
    XyChart chart;
    chart.title = m.at("model").get<std::string>() + ": ROC, macro AUC " +
                  number(roc.at("macro_auc").get<double>(), 4);
    chart.x = {"false-positive rate", 0, 1};
    chart.y = {"true-positive rate", 0, 1};
    chart.diagonal = true;
    for (const auto& [name, curve] : roc.at("per_class").items()) {
      if (defined(curve)) chart.series.push_back(roc_series(name, curve));
    }
    if (defined(roc.at("micro"))) {
      Series micro = roc_series("micro average", roc.at("micro"));
      micro.color = kMicroColor;
      micro.dashed = true;
      chart.series.push_back(micro);
    }
    if (has_binary(m)) {
      Series binary = roc_series("attack vs benign", roc.at("binary"));
      binary.color = kBinaryColor;
      binary.width = 2.5;
      chart.series.push_back(binary);
    }
    figs.push_back(xy_chart(chart));
  }
  page.figures(figs);
}

void precision_recall_section(HtmlPage& page, const nlohmann::json& e, const std::string& prefix) {
  page.heading("Precision-recall curves", prefix + "pr");
  page.paragraph(
      "From the ROC curves' points and the class counts: rare classes, whose ROC "
      "curves look good, show here how many false alarms each caught row costs.");
  std::vector<std::string> figs;
  for (const auto& m : e.at("models")) {
    const auto& roc = m.at("roc");
    XyChart chart;
    chart.title = m.at("model").get<std::string>() + ": precision against recall";
    chart.x = {"recall", 0, 1};
    chart.y = {"precision", 0, 1};
    for (const auto& [name, curve] : roc.at("per_class").items()) {
      if (defined(curve)) chart.series.push_back(precision_recall_series(name, curve));
    }
    if (has_binary(m)) {
      Series binary = precision_recall_series("attack vs benign", roc.at("binary"));
      binary.color = kBinaryColor;
      binary.width = 2.5;
      chart.series.push_back(binary);
    }
    figs.push_back(xy_chart(chart));
  }
  page.figures(figs);
}

void threshold_section(HtmlPage& page, const nlohmann::json& e, const std::string& prefix) {
  page.heading("Threshold sweep", prefix + "threshold");
  XyChart chart;
  chart.title = "Alerts raised against attack recall, as the alert threshold moves";
  chart.x = {"alerts raised (share of test rows)", 0, 1, false, true};
  chart.y = {"attack recall", 0, 1, false, true};
  std::vector<std::vector<std::string>> table = {{"model", "recall at 1% false alarms",
                                                  "alerts then", "recall at 5% false alarms",
                                                  "alerts then"}};
  for (const auto& m : e.at("models")) {
    if (!has_binary(m)) continue;
    const auto& curve = m.at("roc").at("binary");
    const auto fpr = curve.at("fpr").get<std::vector<double>>();
    const auto tpr = curve.at("tpr").get<std::vector<double>>();
    const double p = curve.at("positives").get<double>(), n = curve.at("negatives").get<double>();
    Series s;
    s.name = m.at("model").get<std::string>();
    for (std::size_t i = 0; i < fpr.size() && i < tpr.size(); ++i) {
      s.x.push_back((tpr[i] * p + fpr[i] * n) / (p + n));
      s.y.push_back(tpr[i]);
    }
    chart.series.push_back(s);
    std::vector<std::string> row = {s.name};
    for (double budget : {0.01, 0.05}) {
      // The last point within the false-alarm budget (points rise in both rates).
      std::size_t best = 0;
      for (std::size_t i = 0; i < fpr.size() && i < tpr.size(); ++i) {
        if (fpr[i] <= budget) best = i;
      }
      row.push_back(percent(tpr[best]));
      row.push_back(percent(s.x[best]));
    }
    table.push_back(row);
  }
  if (chart.series.empty()) {
    page.paragraph("No attack-vs-benign curve: the data has no class named as benign.");
    return;
  }
  page.paragraph(
      "Each point is one threshold on 1 - P(benign): how many test rows it would "
      "alert on, and how many of the attacks it would catch. The table reads the "
      "recall off at a false-alarm budget (false-positive rate among benign rows, "
      "on the curve's points).");
  page.table(table);
  page.figures({xy_chart(chart)});
}

}  // namespace vigil::report
