// The forest's walk on AVX-512: sixteen rows walk a tree at once, their nodes
// and feature values gathered into vector registers; or, for fewer rows than
// that, each row walks sixteen trees at once.
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

// Adds a leaf's vote to a row's votes (one per class): a pure leaf (-(c+1))
// its whole vote to its class, an impure leaf its shares. Scaling by a power
// of two is exact, and the cut to an integer is the same every time.
inline void add_vote(std::int64_t* votes, std::int32_t leaf, const float* leaf_shares, std::size_t classes) {
  if (leaf < 0) {
    votes[static_cast<std::size_t>(-leaf - 1)] += kWholeVote;
    return;
  }
  const float* p = leaf_shares + static_cast<std::size_t>(leaf) * classes;
  for (std::size_t c = 0; c < classes; ++c) votes[c] += static_cast<std::int64_t>(p[c] * 4294967296.0f);
}

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

// Whether the vector walk runs here: the CPU has AVX-512 and it is not turned off.
bool has_avx512();
// Turns the vector walk off (or back on) for the whole process, so that tests
// can check the scalar walk on a machine with AVX-512 against it.
void use_vector_walks(bool on);
// Adds every tree's vote for every row; false, doing nothing, where this CPU
// has no AVX-512 or the forest is too large for 32-bit node indices.
bool vote_avx512(const VoteJob& job);

}  // namespace vigil::models::forest_layout
