#include "vigil/eval/calibration.hpp"

#include <algorithm>
#include <cmath>

#include "vigil/core/error.hpp"

namespace vigil::eval {

Reliability reliability(const Matrix& proba, std::span<const std::int32_t> actual,
                        std::size_t bins) {
  VIGIL_CHECK(proba.rows() == actual.size() && bins > 0, "reliability shapes");
  Reliability out;
  out.bins.resize(bins);
  std::vector<double> confidence_sum(bins, 0.0), correct(bins, 0.0);
  double brier = 0;
  for (std::size_t r = 0; r < proba.rows(); ++r) {
    const auto row = proba.row(r);
    const auto y = static_cast<std::size_t>(actual[r]);
    VIGIL_CHECK(y < row.size(), "reliability: class out of range");
    std::size_t top = 0;
    for (std::size_t k = 0; k < row.size(); ++k) {
      const double target = k == y ? 1.0 : 0.0;
      brier += (row[k] - target) * (row[k] - target);
      if (row[k] > row[top]) top = k;  // ties: the lowest class, as predict()
    }
    const double confidence = row[top];
    const auto bin =
        std::min(bins - 1, static_cast<std::size_t>(confidence * static_cast<double>(bins)));
    ++out.bins[bin].rows;
    confidence_sum[bin] += confidence;
    correct[bin] += top == y ? 1.0 : 0.0;
  }
  const auto n = static_cast<double>(proba.rows());
  out.brier = proba.rows() ? brier / n : 0.0;
  for (std::size_t b = 0; b < bins; ++b) {
    ReliabilityBin& bin = out.bins[b];
    bin.low = static_cast<double>(b) / static_cast<double>(bins);
    bin.high = static_cast<double>(b + 1) / static_cast<double>(bins);
    if (bin.rows == 0) continue;
    const auto rows = static_cast<double>(bin.rows);
    bin.mean_confidence = confidence_sum[b] / rows;
    bin.accuracy = correct[b] / rows;
    out.ece += rows / n * std::abs(bin.accuracy - bin.mean_confidence);
  }
  return out;
}

nlohmann::json to_json(const Reliability& r) {
  nlohmann::json bins = nlohmann::json::array();
  for (const auto& b : r.bins) {
    bins.push_back({{"low", b.low},
                    {"high", b.high},
                    {"rows", b.rows},
                    {"mean_confidence", b.mean_confidence},
                    {"accuracy", b.accuracy}});
  }
  return {{"brier", r.brier}, {"ece", r.ece}, {"bins", bins}};
}

}  // namespace vigil::eval
