// Scoring anomaly detectors and hybrids against labels: attack-vs-benign
// detection metrics, which attack types each catches, and how many flows of a
// type left out of training a hybrid catches beside its classifier alone.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "vigil/eval/roc.hpp"

namespace vigil::eval {

// Attack (positive) vs benign.
struct BinaryScores {
  std::uint64_t tp = 0, fp = 0, fn = 0, tn = 0;
  double precision = 0, recall = 0, f1 = 0, false_positive_rate = 0;
};
BinaryScores binary_scores(std::span<const std::uint8_t> attack,
                           std::span<const std::uint8_t> flagged);

// Per class: rows, and rows flagged (for the benign class, false alarms).
struct CaughtByClass {
  std::vector<std::uint64_t> rows, caught;
};
CaughtByClass caught_by_class(std::span<const std::int32_t> actual,
                              std::span<const std::uint8_t> flagged, std::size_t classes);

struct AnomalyResult {
  std::string detector;
  std::size_t training_rows = 0;  // benign training rows it learned from (summed over folds)
  double threshold = 0;           // the last fold's
  double training_flag_rate = 0;  // the last fold's
  double fit_seconds = 0, score_seconds = 0;
  BinaryScores detection;
  RocCurve roc;  // its score against attack vs benign
  CaughtByClass by_class;
  std::vector<std::string> notes;
};

// A classifier and a detector: a flow the classifier calls benign but the
// detector flags becomes "Unknown/anomaly".
struct HybridResult {
  std::string model, detector;
  BinaryScores classifier_alone, hybrid;
  CaughtByClass alone_by_class, hybrid_by_class;
  std::uint64_t unknown = 0;  // flows the hybrid raised as Unknown/anomaly
};

HybridResult score_hybrid(const std::string& model, const std::string& detector,
                          std::span<const std::int32_t> actual,
                          std::span<const std::int32_t> predicted,
                          std::span<const std::uint8_t> flagged, std::int32_t benign,
                          std::size_t classes);

std::string anomaly_text(const std::vector<AnomalyResult>& detectors,
                         const std::vector<HybridResult>& hybrids,
                         const std::vector<std::string>& class_names, const std::string& benign,
                         const std::string& holdout_class, bool fitted_on_all_rows = false);
nlohmann::json to_json(const AnomalyResult& r, const std::vector<std::string>& class_names);
nlohmann::json to_json(const HybridResult& r, const std::vector<std::string>& class_names);

}  // namespace vigil::eval
