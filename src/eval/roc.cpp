#include "vigil/eval/roc.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

#include "vigil/core/error.hpp"

namespace vigil::eval {

RocCurve roc_curve(std::span<const float> scores, std::span<const std::uint8_t> positive) {
  VIGIL_CHECK(scores.size() == positive.size(), "roc_curve shapes");
  RocCurve curve;
  for (auto p : positive) (p ? curve.positives : curve.negatives) += 1;
  if (!curve.defined()) return curve;
  std::vector<std::uint32_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return scores[a] > scores[b]; });
  const auto pos = static_cast<double>(curve.positives);
  const auto neg = static_cast<double>(curve.negatives);
  curve.fpr.push_back(0);
  curve.tpr.push_back(0);
  curve.thresholds.push_back(std::numeric_limits<double>::infinity());
  std::uint64_t tp = 0, fp = 0;
  double area = 0;  // in (false positives x true positives) units, divided out at the end
  for (std::size_t i = 0; i < order.size();) {
    const float score = scores[order[i]];
    const std::uint64_t tp0 = tp, fp0 = fp;
    for (; i < order.size() && scores[order[i]] == score; ++i) (positive[order[i]] ? tp : fp) += 1;
    // A trapezoid: rows tied in score are flagged together.
    area += static_cast<double>(fp - fp0) * 0.5 * static_cast<double>(tp + tp0);
    curve.fpr.push_back(static_cast<double>(fp) / neg);
    curve.tpr.push_back(static_cast<double>(tp) / pos);
    curve.thresholds.push_back(score);
  }
  curve.auc = area / (pos * neg);
  return curve;
}

RocCurve thin_curve(const RocCurve& curve, std::size_t points) {
  if (curve.fpr.size() <= points || points < 2) return curve;
  RocCurve out;
  out.auc = curve.auc;
  out.positives = curve.positives;
  out.negatives = curve.negatives;
  const std::size_t last = curve.fpr.size() - 1;
  for (std::size_t k = 0; k < points; ++k) {
    const std::size_t i = k * last / (points - 1);
    out.fpr.push_back(curve.fpr[i]);
    out.tpr.push_back(curve.tpr[i]);
    out.thresholds.push_back(curve.thresholds[i]);
  }
  return out;
}

RocReport roc_report(const Matrix& proba, std::span<const std::int32_t> actual,
                     const std::vector<std::string>& class_names, const std::string& benign) {
  VIGIL_CHECK(proba.rows() == actual.size() && proba.cols() == class_names.size(),
              "roc_report shapes");
  RocReport report;
  report.class_names = class_names;
  const std::size_t rows = proba.rows(), k = class_names.size();
  std::vector<float> scores(rows);
  std::vector<std::uint8_t> positive(rows);
  std::size_t defined = 0;
  for (std::size_t c = 0; c < k; ++c) {
    for (std::size_t r = 0; r < rows; ++r) {
      scores[r] = proba(r, c);
      positive[r] = actual[r] == static_cast<std::int32_t>(c);
    }
    report.per_class.push_back(roc_curve(scores, positive));
    if (report.per_class.back().defined()) {
      report.macro_auc += report.per_class.back().auc;
      ++defined;
    }
  }
  if (defined) report.macro_auc /= static_cast<double>(defined);
  std::vector<std::uint8_t> pooled(rows * k);
  for (std::size_t r = 0; r < rows; ++r) pooled[r * k + static_cast<std::size_t>(actual[r])] = 1;
  report.micro = roc_curve(proba.values(), pooled);
  const auto it = std::find(class_names.begin(), class_names.end(), benign);
  if (it != class_names.end()) {
    const auto b = static_cast<std::size_t>(it - class_names.begin());
    report.has_binary = true;
    report.benign = benign;
    for (std::size_t r = 0; r < rows; ++r) {
      scores[r] = 1.0f - proba(r, b);
      positive[r] = actual[r] != static_cast<std::int32_t>(b);
    }
    report.binary = roc_curve(scores, positive);
  }
  return report;
}

namespace {

nlohmann::json curve_json(const RocCurve& full, std::size_t points) {
  if (!full.defined())
    return {{"auc", nullptr}, {"positives", full.positives}, {"negatives", full.negatives}};
  const RocCurve c = thin_curve(full, points);
  std::vector<double> thresholds = c.thresholds;
  thresholds.front() = std::numeric_limits<double>::max();  // JSON has no infinity
  return {{"auc", c.auc}, {"positives", c.positives}, {"negatives", c.negatives}, {"fpr", c.fpr},
          {"tpr", c.tpr}, {"thresholds", thresholds}};
}

}  // namespace

nlohmann::json to_json(const RocReport& report, std::size_t points) {
  nlohmann::json per_class = nlohmann::json::object();
  for (std::size_t c = 0; c < report.per_class.size(); ++c) {
    per_class[report.class_names[c]] = curve_json(report.per_class[c], points);
  }
  nlohmann::json out = {{"macro_auc", report.macro_auc},
                        {"micro", curve_json(report.micro, points)},
                        {"per_class", per_class}};
  if (report.has_binary) {
    out["binary"] = curve_json(report.binary, points);
    out["binary"]["benign_class"] = report.benign;
  }
  return out;
}

}  // namespace vigil::eval
