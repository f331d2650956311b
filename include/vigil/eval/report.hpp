// Evaluation results as aligned text tables and as JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "vigil/eval/metrics.hpp"

namespace vigil::eval {

// The confusion matrix with class names on both axes (rows actual, columns predicted).
std::string confusion_table(const ConfusionMatrix& cm);
// Per class: support, precision, recall, F1, FPR, FNR; then accuracy and averages.
std::string metrics_table(const Metrics& m);

nlohmann::json to_json(const ConfusionMatrix& cm);
nlohmann::json to_json(const Metrics& m);

}  // namespace vigil::eval
