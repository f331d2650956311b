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
#include <vector>

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

// What a recording vote walk keeps of each walk, so that reasons can be named
// afterwards without walking again. Rows go in groups of 16, a vector's lanes.
// For tree t and group g, step s holds each lane's node at that step as
// position << 11 | feature (position counted from the tree's first node),
// for as many steps as the lane took before its leaf; then the lane's step
// count and leaf value.
struct WalkRecord {
  static constexpr std::size_t kLanes = 16, kGroups = 4;
  static constexpr std::size_t kRows = kLanes * kGroups;  // the most rows one recording walk takes
  std::vector<std::size_t> first;       // per tree, where its steps start (group g's at first[t] + g * stride(t))
  std::vector<std::uint32_t> depth;     // per tree, the most splits on a path
  std::vector<std::uint32_t> steps;     // as above
  std::vector<std::int32_t> step_counts;  // [(t * kGroups + g) * 16 + lane]
  std::vector<std::int32_t> leaves;       // the same, each walk's leaf value

  // Sized for trees of these depths (most splits on a path).
  void reserve_for(const std::vector<std::uint32_t>& tree_depths);
  // A group's steps in tree t: one vector per split passed, and one at the leaf.
  std::size_t stride(std::size_t tree) const { return (depth[tree] + 1) * kLanes; }
  std::size_t lane(std::size_t tree, std::size_t row) const { return (tree * kGroups + row / kLanes) * kLanes + row % kLanes; }
  // Step s of row `row` (of the recorded job) in tree t.
  std::uint32_t step(std::size_t tree, std::size_t row, std::size_t s) const {
    return steps[first[tree] + (row / kLanes) * stride(tree) + s * kLanes + row % kLanes];
  }
};
inline constexpr std::uint32_t kRecordedFeatureBits = 11;
inline constexpr std::size_t kRecordedPositions = std::size_t{1} << (32 - kRecordedFeatureBits);

// Whether the vector walk runs here: the CPU has AVX-512 and it is not turned off.
bool has_avx512();
// Turns the vector walk off (or back on) for the whole process, so that tests
// can check the scalar walk on a machine with AVX-512 against it.
void use_vector_walks(bool on);
// Adds every tree's vote for every row; false, doing nothing, where this CPU
// has no AVX-512 or the forest is too large for 32-bit node indices.
bool vote_avx512(const VoteJob& job);
// The same votes for at most WalkRecord::kRows rows, every walk kept in
// `record` (sized by reserve_for). False, doing nothing, where vote_avx512
// would be, or where a tree has kRecordedPositions nodes or more.
bool vote_and_record_avx512(const VoteJob& job, WalkRecord& record);

}  // namespace vigil::models::forest_layout
