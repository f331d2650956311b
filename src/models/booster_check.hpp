// A structural check of an XGBoost model (UBJSON, as XGBoost saves it) before
// XGBoost's own loader sees it. XGBoost 1.7 trusts the trees it loads: child
// and category indices out of range, found by fuzzing the model file, crash
// it in RegTree::LoadModel or later in prediction. A model file is outside
// input, so Vigil refuses such a booster by name instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "vigil/core/bytes.hpp"

namespace vigil::models {

// Fails `r` (a ModelFormatError naming the model file) unless `booster` is a
// gbtree multi-class model of `classes` classes over `features` features whose
// every tree has consistent arrays, children after their parent and in range,
// split features in range, and no categorical splits (Vigil never trains them).
void check_booster(std::span<const std::uint8_t> booster, std::size_t classes, std::size_t features,
                   const ByteReader& r);

}  // namespace vigil::models
