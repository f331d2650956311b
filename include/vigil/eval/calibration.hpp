// How far a model's probabilities can be taken at their word: the Brier score
// and the expected calibration error (ECE) of its top-class confidence, with
// the reliability diagram's bins (as scikit-learn's calibration_curve with
// uniform bins, on the predicted class's probability).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "vigil/core/matrix.hpp"

namespace vigil::eval {

struct ReliabilityBin {
  double low = 0, high = 0;  // confidence range [low, high)
  std::uint64_t rows = 0;
  double mean_confidence = 0;  // of the rows in the bin
  double accuracy = 0;         // share of them whose top class is right
};

struct Reliability {
  // Mean over rows of sum over classes (p_k - [k = actual])^2 (0: perfect, 2: worst).
  double brier = 0;
  // Sum over bins of rows/N x |accuracy - mean confidence|.
  double ece = 0;
  std::vector<ReliabilityBin> bins;  // every bin, empty ones included
};

// Probabilities `proba` (rows x classes) against the actual classes.
Reliability reliability(const Matrix& proba, std::span<const std::int32_t> actual,
                        std::size_t bins = 15);

nlohmann::json to_json(const Reliability& r);

}  // namespace vigil::eval
