// An experiment's tables and charts other than its curves.
#include "report/experiment_sections.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "report/charts.hpp"
#include "report/svg.hpp"

namespace vigil::report {
namespace {

using json = nlohmann::json;

std::string text_of(const json& e, const char* key, const std::string& otherwise = "not recorded") {
  if (!e.contains(key) || e.at(key).is_null()) return otherwise;
  const json& v = e.at(key);
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

double num(const json& j, const char* key) { return j.at(key).get<double>(); }

std::vector<std::string> class_names(const json& e) {
  return e.at("classes").get<std::vector<std::string>>();
}

// The per-class metric `key` of every model, [model][class].
std::vector<std::vector<double>> per_class_metric(const json& e, const char* key) {
  std::vector<std::vector<double>> out;
  for (const auto& m : e.at("models")) {
    std::vector<double> row;
    for (const auto& c : m.at("metrics").at("per_class")) row.push_back(num(c, key));
    out.push_back(row);
  }
  return out;
}

std::vector<std::string> model_names(const json& e) {
  std::vector<std::string> out;
  for (const auto& m : e.at("models")) out.push_back(m.at("model").get<std::string>());
  return out;
}

double binary_auc(const json& m) {
  const json& roc = m.at("roc");
  if (!roc.contains("binary") || roc.at("binary").at("auc").is_null()) return NAN;
  return num(roc.at("binary"), "auc");
}

// A log axis from the power of ten below the least value to the one above the most.
Axis log_axis(const std::string& label, const std::vector<double>& values,
              std::string (*format)(double)) {
  double lo = std::numeric_limits<double>::max(), hi = 0;
  for (double v : values) {
    lo = std::min(lo, std::max(v, 1e-7));
    hi = std::max(hi, std::max(v, 1e-7));
  }
  if (values.empty()) lo = hi = 1;
  Axis a{label, std::pow(10.0, std::floor(std::log10(lo))),
         std::pow(10.0, std::ceil(std::log10(hi) + 1e-9)), true};
  a.format = format;
  return a;
}

// Tick labels of log axes, whose ticks are powers of ten: "100 ms", "10 kB".
std::string scaled_tick(double v, const char* const* units, const double* scales, int n) {
  int u = 0;
  while (u + 1 < n && v >= scales[u + 1]) ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g %s", v / scales[u], units[u]);
  return buf;
}

std::string seconds_tick(double s) {
  static const char* const kUnits[] = {"us", "ms", "s"};
  static const double kScales[] = {1e-6, 1e-3, 1};
  return scaled_tick(s, kUnits, kScales, 3);
}

std::string bytes_tick(double b) {
  static const char* const kUnits[] = {"B", "kB", "MB", "GB"};
  static const double kScales[] = {1, 1e3, 1e6, 1e9};
  return scaled_tick(b, kUnits, kScales, 4);
}

std::string seconds_text(double s) { return duration(s); }
std::string bytes_text(double b) { return byte_size(b); }

}  // namespace

void run_section(HtmlPage& page, const json& e, const std::string& prefix) {
  page.heading("Run", prefix + "run");
  const double test_rows = num(e, "test_rows");
  const double synthetic = num(e, "synthetic_test_rows");
  std::vector<std::pair<std::string, std::string>> facts = {
      {"command", text_of(e, "command")},
      {"Vigil version", text_of(e, "vigil_version")},
      {"data", text_of(e, "data")},
      {"data SHA-256", text_of(e, "data_sha256")},
  };
  if (e.contains("test_data")) {
    facts.emplace_back("test data", text_of(e, "test_data"));
    facts.emplace_back("test data SHA-256", text_of(e, "test_data_sha256"));
  }
  facts.insert(facts.end(),
               {{"seed", text_of(e, "seed")},
                {"protocol", text_of(e, "protocol")},
                {"pipeline", text_of(e, "pipeline")},
                {"classes", std::to_string(e.at("classes").size())},
                {"training rows", number(num(e, "train_rows"), 0) + " (" +
                                      number(num(e, "synthetic_train_rows"), 0) + " synthetic)"},
                {"test rows", number(test_rows, 0) + " (" + number(synthetic, 0) + " synthetic, " +
                                  percent(test_rows > 0 ? synthetic / test_rows : 0) + ")"}});
  if (num(e, "folds") > 0) facts.emplace_back("folds", number(num(e, "folds"), 0));
  page.facts(facts);
  if (synthetic > 0) {
    page.paragraph(percent(synthetic / test_rows) +
                       " of the test rows are synthetic (made by SMOTE before the split, from rows "
                       "whose neighbours are in training): these scores overstate what the models "
                       "do on real traffic. Compare the holdout protocol.",
                   "warn");
  }
}

void quality_section(HtmlPage& page, const json& e, const std::string& prefix) {
  page.heading("Data quality", prefix + "quality");
  const json& q = e.at("data_quality");
  const double rows = num(q, "rows");
  const double test_rows = num(q, "test_rows");
  std::vector<std::vector<std::string>> table = {
      {"what", "rows", "share"},
      {"rows", number(rows, 0), ""},
      {"distinct feature vectors", number(num(q, "distinct_vectors"), 0),
       percent(rows > 0 ? num(q, "distinct_vectors") / rows : 0)},
      {"duplicate rows (vector seen before)", number(num(q, "duplicate_rows"), 0),
       percent(rows > 0 ? num(q, "duplicate_rows") / rows : 0)},
      {"vectors seen with more than one class", number(num(q, "conflicting_vectors"), 0), ""},
      {"rows in such conflicts", number(num(q, "rows_in_conflicts"), 0),
       percent(rows > 0 ? num(q, "rows_in_conflicts") / rows : 0)},
      {"accuracy ceiling", "", percent(num(q, "accuracy_ceiling"), 2)},
      {"class-balanced accuracy ceiling", "", percent(num(q, "balanced_accuracy_ceiling"), 2)}};
  if (test_rows > 0) {
    table.push_back({"test rows whose vector is in training",
                     number(num(q, "test_rows_seen_in_training"), 0),
                     percent(num(q, "test_rows_seen_in_training") / test_rows)});
  }
  page.table(table);
  page.paragraph(
      "The ceilings are the best accuracy any classifier of exact feature vectors can "
      "reach on these rows (each vector predicts its most frequent class; the balanced "
      "one weighs every class equally, as a test set balanced by resampling does). A "
      "model above them has seen its test rows.");
}

void summary_section(HtmlPage& page, const json& e, const std::string& prefix) {
  page.heading("Summary", prefix + "summary");
  std::vector<std::vector<std::string>> table = {
      {"model", "accuracy", "macro precision", "macro recall", "macro F1", "weighted F1",
       "macro AUC", "attack vs benign AUC", "fit", "predict", "model size"}};
  for (const auto& m : e.at("models")) {
    const json& metrics = m.at("metrics");
    const double attack_auc = binary_auc(m);
    table.push_back(
        {m.at("model").get<std::string>(), number(num(metrics, "accuracy"), 4),
         number(num(metrics.at("macro"), "precision"), 4),
         number(num(metrics.at("macro"), "recall"), 4), number(num(metrics.at("macro"), "f1"), 4),
         number(num(metrics.at("weighted"), "f1"), 4), number(num(m.at("roc"), "macro_auc"), 4),
         std::isfinite(attack_auc) ? number(attack_auc, 4) : "n/a", duration(num(m, "fit_seconds")),
         duration(num(m, "predict_seconds")), byte_size(num(m, "model_bytes"))});
  }
  page.table(table);
  bool folds = false;
  for (const auto& m : e.at("models")) folds = folds || !m.at("folds").empty();
  if (!folds) return;
  std::vector<std::vector<std::string>> per_fold = {{"model"}};
  for (const auto& m : e.at("models")) {
    std::vector<std::string> row = {m.at("model").get<std::string>()};
    for (std::size_t f = 0; f < m.at("folds").size(); ++f) {
      if (per_fold[0].size() <= f + 1) per_fold[0].push_back("fold " + std::to_string(f + 1));
      row.push_back(number(num(m.at("folds")[f].at("macro"), "f1"), 4));
    }
    per_fold.push_back(row);
  }
  page.paragraph("Macro-F1 of each fold:");
  page.table(per_fold);
}

void per_class_section(HtmlPage& page, const json& e, const std::string& prefix) {
  page.heading("Per-class precision, recall and F1", prefix + "per-class");
  page.paragraph("Every model side by side for each class, as the study's Figure 5.");
  std::vector<std::string> figs;
  for (const auto& [key, title] :
       {std::pair{"precision", "Precision"}, {"recall", "Recall"}, {"f1", "F1"}}) {
    BarChart chart;
    chart.title = std::string(title) + " per class";
    chart.groups = class_names(e);
    chart.series = model_names(e);
    chart.values = per_class_metric(e, key);
    chart.y = {title, 0, 1};
    figs.push_back(bar_chart(chart));
  }
  page.figures(figs);
}

void confusion_section(HtmlPage& page, const json& e, const std::string& prefix) {
  page.heading("Confusion matrices", prefix + "confusion");
  page.paragraph(
      "Rows are the actual class, columns the predicted one: counts (shaded on a log "
      "scale), and each row as shares of its class (its recall on the diagonal).");
  for (const auto& m : e.at("models")) {
    const json& cm = m.at("confusion_matrix");
    const auto names = cm.at("classes").get<std::vector<std::string>>();
    const auto rows =
        cm.at("rows_actual_columns_predicted").get<std::vector<std::vector<double>>>();
    double most = 1;
    for (const auto& r : rows) {
      for (double v : r) most = std::max(most, v);
    }
    Heatmap counts, shares;
    counts.title = m.at("model").get<std::string>() + ": counts";
    shares.title = m.at("model").get<std::string>() + ": share of each actual class";
    for (Heatmap* h : {&counts, &shares}) {
      h->row_axis = "actual";
      h->column_axis = "predicted";
      h->rows = h->columns = names;
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      double total = 0;
      for (double v : rows[i]) total += v;
      std::vector<double> count_shade, share_shade;
      std::vector<std::string> count_text, share_text, count_tip, share_tip;
      for (std::size_t j = 0; j < rows[i].size(); ++j) {
        const double v = rows[i][j];
        const double share = total > 0 ? v / total : 0;
        const std::string tip = "actual " + names[i] + ", predicted " + names[j] + ": " +
                                number(v, 0) + " (" + percent(share, 2) + " of " + names[i] + ")";
        count_shade.push_back(std::log1p(v) / std::log1p(most));
        share_shade.push_back(share);
        count_text.push_back(number(v, 0));
        share_text.push_back(v > 0 ? number(share * 100, share < 0.1 ? 1 : 0) : "0");
        count_tip.push_back(tip);
        share_tip.push_back(tip);
      }
      counts.shade.push_back(count_shade);
      counts.text.push_back(count_text);
      counts.tooltip.push_back(count_tip);
      shares.shade.push_back(share_shade);
      shares.text.push_back(share_text);
      shares.tooltip.push_back(share_tip);
    }
    page.heading(m.at("model").get<std::string>(),
                 prefix + "confusion-" + m.at("model").get<std::string>(), 3);
    page.figures({heatmap(counts), heatmap(shares)});
  }
}

void cost_section(HtmlPage& page, const json& e, const std::string& prefix) {
  page.heading("Cost against accuracy", prefix + "cost");
  std::vector<double> fit, predict, size, f1;
  for (const auto& m : e.at("models")) {
    fit.push_back(num(m, "fit_seconds"));
    predict.push_back(num(m, "predict_seconds"));
    size.push_back(num(m, "model_bytes"));
    f1.push_back(num(m.at("metrics").at("macro"), "f1"));
  }
  const auto [lo, hi] = std::minmax_element(f1.begin(), f1.end());
  const Axis y{"macro F1", f1.empty() ? 0 : std::max(0.0, std::floor((*lo - 0.05) * 20) / 20),
               f1.empty() ? 1 : std::min(1.0, std::ceil((*hi + 0.05) * 20) / 20)};
  const auto names = model_names(e);
  const auto scatter = [&](const std::string& title, const Axis& x, const std::vector<double>& xs,
                           std::string (*fmt)(double)) {
    XyChart chart;
    chart.title = title;
    chart.x = x;
    chart.y = y;
    chart.points = true;
    for (std::size_t i = 0; i < names.size(); ++i) {
      Series s;
      s.name = names[i];
      s.tooltip = names[i] + ": " + fmt(xs[i]) + ", macro F1 " + number(f1[i], 4);
      s.x = {std::max(xs[i], 1e-7)};
      s.y = {f1[i]};
      chart.series.push_back(s);
    }
    return xy_chart(chart);
  };
  page.paragraph(
      "What each model's accuracy costs: time to fit, time to predict every test "
      "row, and the size of its saved state (log scales).");
  page.figures(
      {scatter("Fit time", log_axis("fit time", fit, seconds_tick), fit, seconds_text),
       scatter("Predict time", log_axis("predict time (all test rows)", predict, seconds_tick),
               predict, seconds_text),
       scatter("Model size", log_axis("saved model size", size, bytes_tick), size, bytes_text)});
}

void importance_section(HtmlPage& page, const json& e, const std::string& prefix) {
  std::vector<std::string> figs;
  for (const auto& m : e.at("models")) {
    if (!m.contains("feature_importances") || m.at("feature_importances").empty()) continue;
    HorizontalBars bars;
    bars.title = m.at("model").get<std::string>() + ": feature importance (top 20)";
    for (const auto& f : m.at("feature_importances")) {
      if (bars.labels.size() == 20) break;
      bars.labels.push_back(f.at("feature").get<std::string>());
      bars.values.push_back(num(f, "importance"));
      bars.value_text.push_back(number(num(f, "importance"), 4));
    }
    figs.push_back(horizontal_bars(bars));
  }
  if (figs.empty()) return;
  page.heading("Feature importance", prefix + "importance");
  page.paragraph(
      "Where a model has its own measure: the random forest's mean decrease in "
      "impurity, as scikit-learn's feature_importances_ (shares summing to 1), of the "
      "model's input columns after the pipeline.");
  page.figures(figs);
}

void anomaly_section(HtmlPage& page, const json& e, const std::string& prefix) {
  if (!e.contains("anomaly") || e.at("anomaly").empty()) return;
  page.heading("Anomaly detectors and hybrids", prefix + "anomaly");
  std::vector<std::vector<std::string>> detectors = {
      {"detector", "training rows", "precision", "recall", "F1", "false-positive rate", "AUC"}};
  for (const auto& a : e.at("anomaly")) {
    const json& d = a.at("detection");
    detectors.push_back({a.at("detector").get<std::string>(), number(num(a, "training_rows"), 0),
                         number(num(d, "precision"), 4), number(num(d, "recall"), 4),
                         number(num(d, "f1"), 4), percent(num(d, "false_positive_rate"), 2),
                         a.at("auc").is_null() ? "n/a" : number(num(a, "auc"), 4)});
  }
  page.table(detectors);
  std::vector<std::vector<std::string>> hybrids = {
      {"model", "detector", "attack recall alone", "with the detector", "false-positive rate alone",
       "with the detector", "flows called Unknown"}};
  for (const auto& h : e.at("hybrids")) {
    hybrids.push_back({h.at("model").get<std::string>(), h.at("detector").get<std::string>(),
                       percent(num(h.at("classifier_alone"), "recall"), 2),
                       percent(num(h.at("hybrid"), "recall"), 2),
                       percent(num(h.at("classifier_alone"), "false_positive_rate"), 2),
                       percent(num(h.at("hybrid"), "false_positive_rate"), 2),
                       number(num(h, "unknown_flows"), 0)});
  }
  if (hybrids.size() > 1) page.table(hybrids);
}

void protocols_section(HtmlPage& page, const std::vector<json>& results) {
  page.heading("Protocols side by side", "protocols");
  page.paragraph(
      "The same models under each protocol. A protocol that resamples before the split "
      "(paper) tests on synthetic rows made from training rows; its scores rise above "
      "what the honest protocols measure, and can pass the data's accuracy ceilings.");
  std::vector<std::vector<std::string>> table = {
      {"protocol", "model", "accuracy", "macro F1", "synthetic test rows", "accuracy ceiling"}};
  std::vector<std::string> models;
  for (const auto& e : results) {
    for (const auto& name : model_names(e)) {
      if (std::find(models.begin(), models.end(), name) == models.end()) models.push_back(name);
    }
  }
  BarChart accuracy, f1;
  accuracy.title = "Accuracy by protocol";
  f1.title = "Macro F1 by protocol";
  accuracy.groups = f1.groups = models;
  accuracy.y = {"accuracy", 0, 1};
  f1.y = {"macro F1", 0, 1};
  for (const auto& e : results) {
    const std::string protocol = e.at("protocol").get<std::string>();
    const double test_rows = num(e, "test_rows");
    const double synthetic = test_rows > 0 ? num(e, "synthetic_test_rows") / test_rows : 0;
    const bool balanced = protocol == "paper";
    const double ceiling =
        num(e.at("data_quality"), balanced ? "balanced_accuracy_ceiling" : "accuracy_ceiling");
    std::vector<double> acc(models.size(), NAN), mf1(models.size(), NAN);
    for (const auto& m : e.at("models")) {
      const auto at = std::find(models.begin(), models.end(), m.at("model").get<std::string>());
      const auto i = static_cast<std::size_t>(at - models.begin());
      acc[i] = num(m.at("metrics"), "accuracy");
      mf1[i] = num(m.at("metrics").at("macro"), "f1");
      table.push_back({protocol, models[i], number(acc[i], 4), number(mf1[i], 4),
                       percent(synthetic), percent(ceiling, 2) + (balanced ? " (balanced)" : "")});
    }
    accuracy.series.push_back(protocol);
    f1.series.push_back(protocol);
    accuracy.values.push_back(acc);
    f1.values.push_back(mf1);
    accuracy.reference_lines.emplace_back(
        protocol + (balanced ? " balanced ceiling " : " ceiling ") + percent(ceiling, 1), ceiling);
  }
  page.table(table);
  page.figures({bar_chart(accuracy), bar_chart(f1)});
}

}  // namespace vigil::report
