// The forest's walk on AVX-512, sixteen walks a vector, their nodes gathered
// into vector registers: each row walks sixteen trees at once, its feature
// values held in registers (rows of up to 64 features); or, for wider rows
// and for the walk that records its steps, sixteen rows walk a tree at once,
// their feature values gathered too.
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
inline void add_vote(std::int64_t* votes, std::int32_t leaf, const float* leaf_shares,
                     std::size_t classes) {
  if (leaf < 0) {
    votes[static_cast<std::size_t>(-leaf - 1)] += kWholeVote;
    return;
  }
  const float* p = leaf_shares + static_cast<std::size_t>(leaf) * classes;
  for (std::size_t c = 0; c < classes; ++c)
    votes[c] += static_cast<std::int64_t>(p[c] * 4294967296.0f);
}

struct VoteJob {
  const CompactNode* nodes;  // every tree's, one after another
  const std::size_t* first;  // per tree, its first node
  std::size_t trees;
  std::size_t total_nodes;
  const float* const* leaf_shares;  // per tree, leaves x classes
  std::size_t classes;
  const float* x;  // rows x cols, row-major
  std::size_t rows, cols;
  std::int64_t* votes;  // rows x classes; each tree's leaf is added
};

// What a recording vote walk keeps of each walk, so that reasons can be named
// afterwards without walking again. Trees go in blocks of 16, a vector's
// lanes, each row walking a block at once. For block b and row r, step s
// holds each lane's node at that step as position << 11 | feature (position
// counted from the lane's tree's first node), for as many steps as the lane
// took before its leaf; then the lane's step count and leaf value.
struct WalkRecord {
  static constexpr std::size_t kLanes = 16;
  static constexpr std::size_t kRows = 64;  // the most rows one recording walk takes
  std::vector<std::uint32_t> depth;         // per tree, the most splits on a path
  std::vector<std::size_t> block_first;     // per block, where its rows' steps start
  std::vector<std::size_t>
      block_stride;              // per block, one row's steps: (its deepest tree's depth + 1) x 16
  std::size_t padded_trees = 0;  // trees, up to whole blocks
  std::vector<std::uint32_t> steps;       // as above
  std::vector<std::int32_t> step_counts;  // [row * padded_trees + tree]
  std::vector<std::int32_t> leaves;       // the same, each walk's leaf value

  // The bytes a record for trees of these depths (most splits on a path) takes.
  static std::size_t bytes_for(const std::vector<std::uint32_t>& tree_depths);
  // Sized for trees of these depths.
  void reserve_for(const std::vector<std::uint32_t>& tree_depths);
  std::size_t lane(std::size_t tree, std::size_t row) const { return row * padded_trees + tree; }
  // Step s of row `row` (of the recorded job) in tree t.
  std::uint32_t step(std::size_t tree, std::size_t row, std::size_t s) const {
    const std::size_t b = tree / kLanes;
    return steps[block_first[b] + row * block_stride[b] + s * kLanes + tree % kLanes];
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
