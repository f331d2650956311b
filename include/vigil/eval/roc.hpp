// ROC curves and the area under them: per class one-vs-rest, their macro and
// micro averages, and attack-vs-benign, as scikit-learn's roc_curve and
// roc_auc_score compute them (ties in score form one step, drawn diagonally).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "vigil/core/matrix.hpp"

namespace vigil::eval {

struct RocCurve {
  // Points from (0,0) to (1,1), one per distinct score, highest score first;
  // thresholds[i] is the least score flagged at point i (+inf at the origin).
  std::vector<double> fpr, tpr, thresholds;
  double auc = 0;
  std::uint64_t positives = 0, negatives = 0;
  bool defined() const { return positives > 0 && negatives > 0; }
};

// The curve of `scores` (higher: more likely positive) against `positive`.
// Without positives or without negatives the curve is undefined (auc 0).
RocCurve roc_curve(std::span<const float> scores, std::span<const std::uint8_t> positive);

// At most `points` points of `curve` (its first and last kept), for reports;
// the AUC stays the one of the full curve.
RocCurve thin_curve(const RocCurve& curve, std::size_t points);

struct RocReport {
  std::vector<std::string> class_names;
  std::vector<RocCurve> per_class;  // one-vs-rest, scored by the class's probability
  double macro_auc = 0;             // mean over classes whose curve is defined
  RocCurve micro;                   // every (row, class) pair pooled
  bool has_binary = false;
  std::string benign;
  RocCurve binary;  // attack vs `benign`, scored by 1 - P(benign)
};

// `proba` is rows x classes, `actual` the true class of each row. `benign` names
// the class that is not an attack; when no class has that name the binary curve
// is left out.
RocReport roc_report(const Matrix& proba, std::span<const std::int32_t> actual,
                     const std::vector<std::string>& class_names,
                     const std::string& benign = "Normal");

// Curves thinned to `points` points each.
nlohmann::json to_json(const RocReport& report, std::size_t points = 200);

}  // namespace vigil::eval
