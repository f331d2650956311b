// The forest's walk on AVX-512, for blocks of rows: sixteen rows walk a tree
// at once, their nodes and feature values gathered into vector registers.
// Chosen at run time where the CPU has AVX-512; it reaches the same leaves
// and adds the same fixed-point votes as the scalar walk, so a row's
// probabilities do not depend on which walk ran. (Contributions stay scalar:
// the same walk with a scalar credit per step measured 20% slower.)
#pragma once

#include <cstddef>
#include <cstdint>

#include "models/forest_layout.hpp"

namespace vigil::models::forest_layout {

inline constexpr std::int64_t kWholeVote = std::int64_t{1} << 32;

struct VoteJob {
  const CompactNode* nodes;   // every tree's, one after another
  const std::size_t* first;   // per tree, its first node
  std::size_t trees;
  std::size_t total_nodes;
  const float* const* leaf_shares;  // per tree, leaves x classes
  std::size_t classes;
  const float* x;  // rows x cols, row-major
  std::size_t rows, cols;
  std::int64_t* votes;  // rows x classes; each tree's leaf is added
};

bool has_avx512();
// Adds every tree's vote for every row; false, doing nothing, where this CPU
// has no AVX-512 or the forest is too large for 32-bit node indices.
bool vote_avx512(const VoteJob& job);

}  // namespace vigil::models::forest_layout
