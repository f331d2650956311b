// SMOTE (Chawla et al. 2002): synthetic minority rows on the segments between a
// row and one of its k nearest neighbours of the same class. Training rows only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vigil/core/matrix.hpp"
#include "vigil/core/progress.hpp"

namespace vigil::preprocess {

struct SmoteConfig {
  int k = 5;               // neighbours per row
  std::size_t target = 0;  // rows per class after resampling; 0 = the largest class's count
  std::uint64_t seed = 42;
};

struct Resampled {
  Matrix x;  // the original rows first, then the synthetic ones
  std::vector<std::int32_t> labels;
  std::size_t synthetic = 0;       // how many rows were made
  std::vector<std::string> notes;  // classes too small for k neighbours, etc.
};

// Raises every class below the target to the target. Classes at or above it are
// left as they are (SMOTE never removes rows). A class of fewer than k + 1 rows
// uses all its other rows as neighbours; a class of one row is repeated.
// Neighbours come from a k-d tree per class (nanoflann), searched in parallel.
Resampled smote(const Matrix& x, std::span<const std::int32_t> labels, int classes,
                const SmoteConfig& config, Progress* progress = nullptr);

}  // namespace vigil::preprocess
