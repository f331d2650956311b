#include "models/class_weights.hpp"

#include "vigil/core/error.hpp"

namespace vigil::models {

std::vector<std::pair<ClassWeight, std::string>> class_weight_choices() {
  return {{ClassWeight::kNone, "none"}, {ClassWeight::kBalanced, "balanced"}};
}

std::vector<double> class_weights(ClassWeight kind, std::span<const std::int32_t> labels,
                                  int classes) {
  const auto k = static_cast<std::size_t>(classes);
  std::vector<double> out(k, 1.0);
  if (kind == ClassWeight::kNone) return out;
  std::vector<std::size_t> count(k, 0);
  for (auto y : labels) {
    VIGIL_CHECK(y >= 0 && static_cast<std::size_t>(y) < k, "class weights: label out of range");
    ++count[static_cast<std::size_t>(y)];
  }
  std::size_t present = 0;
  for (auto c : count) present += c > 0;
  for (std::size_t c = 0; c < k; ++c) {
    out[c] = count[c] == 0 ? 0.0
                           : static_cast<double>(labels.size()) /
                                 (static_cast<double>(present) * static_cast<double>(count[c]));
  }
  return out;
}

}  // namespace vigil::models
