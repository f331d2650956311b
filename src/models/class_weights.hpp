// Class weights for imbalanced training data (scikit-learn's class_weight):
// an alternative or complement to SMOTE that changes what a mistake costs
// rather than adding synthetic rows.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace vigil::models {

enum class ClassWeight { kNone, kBalanced };

// The names the `class_weight` parameter takes, for ParamFields::choice.
std::vector<std::pair<ClassWeight, std::string>> class_weight_choices();
inline constexpr const char* kClassWeightDoc =
    "none: every row counts once; balanced: a row of class c counts n / (classes x rows of c), "
    "as scikit-learn's class_weight=\"balanced\"";

// Per class index in [0, classes): 1 for kNone; for kBalanced, rows /
// (classes present x rows of the class), and 0 for a class with no rows.
std::vector<double> class_weights(ClassWeight kind, std::span<const std::int32_t> labels,
                                  int classes);

}  // namespace vigil::models
