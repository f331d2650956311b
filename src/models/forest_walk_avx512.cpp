#include "models/forest_walk_avx512.hpp"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <vector>

// GCC 12's AVX-512 shift intrinsics start from _mm512_undefined_epi32(), which
// it then reports as maybe used uninitialised (a known false positive).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace vigil::models::forest_layout {
namespace {

constexpr int kLanes = 16;
// Groups of lanes stepped in turn: their loads are independent, so their
// cache misses overlap. Measured best among 2, 4 and 8 for the walk by rows,
// whose lanes gather their feature values; 8 (of 4, 8 and 12) for the walk
// by trees, which takes them from registers.
constexpr int kRowGroups = 4;
constexpr int kTreeGroups = 8;
static_assert(kLanes == WalkRecord::kLanes);

#define VIGIL_AVX512_INLINE __attribute__((target("avx512f"), always_inline)) inline

// A group's current nodes. `split` has the walking lanes at a split; the
// others walking are at their leaf, whose value `value` holds.
struct Nodes {
  __m512 value;
  __m512i meta;
  __mmask16 split;
};

// Whole 8-byte nodes, eight a gather (half the loads of gathering the two
// words apart), then split into values and metas. `at` is in words.
VIGIL_AVX512_INLINE Nodes gather_nodes(const int* words, __m512i at, __mmask16 walking) {
  const __m512i zero = _mm512_setzero_si512();
  const __m512i low_eight = _mm512_mask_i32gather_epi64(zero, static_cast<__mmask8>(walking),
                                                        _mm512_castsi512_si256(at), words, 4);
  const __m512i high_eight = _mm512_mask_i32gather_epi64(
      zero, static_cast<__mmask8>(walking >> 8), _mm512_extracti64x4_epi64(at, 1), words, 4);
  const __m512i even_words =
      _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd_words =
      _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  Nodes n;
  n.value = _mm512_castsi512_ps(_mm512_permutex2var_epi32(low_eight, even_words, high_eight));
  n.meta = _mm512_permutex2var_epi32(low_eight, odd_words, high_eight);
  n.split = _mm512_mask_cmpneq_epi32_mask(walking, _mm512_srli_epi32(n.meta, 12), zero);
  return n;
}

VIGIL_AVX512_INLINE __m512i features_of(const Nodes& n) {
  return _mm512_and_si512(n.meta, _mm512_set1_epi32(static_cast<int>(kCompactFeatures - 1)));
}

// Moves the lanes at a split to the child their row goes to, as the scalar
// walk does (x holds each lane's value of its split's feature): the far child
// unless x <= threshold, swapped where flipped. The lanes whose child is a
// leaf the split holds end there: they are left out of the returned mask, and
// their leaf values are put in `leaf`.
VIGIL_AVX512_INLINE __mmask16 step(const Nodes& n, __m512 x, __m512i& at, __m512& leaf) {
  const __mmask16 low = _mm512_mask_cmp_ps_mask(n.split, x, n.value, _CMP_LE_OQ);
  const __mmask16 flipped =
      _mm512_mask_test_epi32_mask(n.split, n.meta, _mm512_set1_epi32(kFlippedBit));
  const __mmask16 go_far = static_cast<__mmask16>((n.split & ~low) ^ flipped);
  const __mmask16 far_held =
      _mm512_mask_test_epi32_mask(n.split, n.meta, _mm512_set1_epi32(kFarHeldBit));
  const __mmask16 near_held =
      _mm512_mask_test_epi32_mask(n.split, n.meta, _mm512_set1_epi32(kNearHeldBit));
  const __mmask16 ended =
      static_cast<__mmask16>((go_far & far_held) | (n.split & ~go_far & near_held));
  const __m512i far = _mm512_srli_epi32(n.meta, 12);
  // A held leaf's code: `far`, or the near or far half of it where the split
  // holds both. Computed whether or not a lane ends: lanes end at random, and
  // a branch on it would be mispredicted.
  __m512i code =
      _mm512_mask_and_epi32(far, near_held & go_far, far, _mm512_set1_epi32(kPairCodeMask));
  code = _mm512_mask_srli_epi32(code, near_held & ~go_far, far, kPairCodeBits);
  // leaf_of_code: odd codes are pure classes, -((code + 1) >> 1); even ones rows, (code >> 1) - 1.
  const __mmask16 pure = _mm512_test_epi32_mask(code, _mm512_set1_epi32(1));
  const __m512i half = _mm512_srli_epi32(code, 1);
  const __m512i row = _mm512_sub_epi32(half, _mm512_set1_epi32(1));
  const __m512i value = _mm512_mask_sub_epi32(row, pure, _mm512_setzero_si512(),
                                              _mm512_add_epi32(half, _mm512_set1_epi32(1)));
  leaf = _mm512_mask_mov_ps(leaf, ended, _mm512_castsi512_ps(value));
  const __m512i near = _mm512_mask_add_epi32(at, n.split, at, _mm512_set1_epi32(2));
  at = _mm512_mask_add_epi32(near, go_far, at, _mm512_slli_epi32(far, 1));
  return static_cast<__mmask16>(n.split & ~ended);
}

// Where a lane's feature values come from. Lanes of different rows gather
// them from the rows (row_offset: each lane's row, in floats from the first).
template <int G>
struct GatheredValues {
  const float* xs;
  __m512i row_offset[G];
  // Group g's lanes all take row `row` of the cols-wide rows at xs.
  VIGIL_AVX512_INLINE void load(int g, const float* rows, std::size_t row, std::size_t cols) {
    xs = rows;
    row_offset[g] = _mm512_set1_epi32(static_cast<int>(row * cols));
  }
  VIGIL_AVX512_INLINE __m512 operator()(int g, const Nodes& n) const {
    return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), n.split,
                                    _mm512_add_epi32(row_offset[g], features_of(n)), xs, 4);
  }
};

// Lanes of one row per group (each walking its own tree) pick them from
// registers by permutation, which is much faster than a gather: rows of up to
// kMostRegisterColumns values.
inline constexpr std::size_t kMostRegisterColumns = 64;
template <int G>
struct RegisterValues {
  __m512 part[G][4];
  VIGIL_AVX512_INLINE void load(int g, const float* rows, std::size_t row, std::size_t cols) {
    for (std::size_t i = 0; i < 4; ++i) {
      const std::size_t lo = i * 16;
      const std::size_t n = cols > lo ? std::min<std::size_t>(16, cols - lo) : 0;
      part[g][i] =
          _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << n) - 1), rows + row * cols + lo);
    }
  }
  VIGIL_AVX512_INLINE __m512 operator()(int g, const Nodes& n) const {
    const __m512i feature = features_of(n);
    const __m512 low = _mm512_permutex2var_ps(part[g][0], feature, part[g][1]);   // features 0-31
    const __m512 high = _mm512_permutex2var_ps(part[g][2], feature, part[g][3]);  // features 32-63
    return _mm512_mask_blend_ps(_mm512_test_epi32_mask(feature, _mm512_set1_epi32(32)), low, high);
  }
};

// The lanes of group g of a chunk: rows (or trees) lo + 16g on, as many as remain.
VIGIL_AVX512_INLINE __mmask16 lanes_of(int rows, int first_row) {
  const int n = std::clamp(rows - first_row, 0, kLanes);
  return static_cast<__mmask16>((1u << n) - 1);
}

VIGIL_AVX512_INLINE __m512i row_offsets(int first_row, int cols) {
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  return _mm512_mullo_epi32(_mm512_add_epi32(_mm512_set1_epi32(first_row), iota),
                            _mm512_set1_epi32(cols));
}

// G groups of lanes, each lane walking one tree for one row.
template <int G>
struct Chunk {
  __m512i at[G];      // each lane's node, in words from the first node
  __mmask16 used[G];  // the lanes given a walk
};

// Where a recording walk writes: each group's steps, one vector of lanes a
// step, its step counts, and its lanes' roots.
template <int G>
struct Recording {
  std::uint32_t* steps[G];
  std::int32_t* step_counts[G];
  __m512i root[G];  // each lane's tree's first node, in words
};

// Walks every lane to its leaf and stores the leaves' values. Every lane of a
// group steps together, a lane that reached its leaf masked off so that it
// loads nothing more while the others finish; the groups step in turn, so
// their gathers' cache misses overlap. With a recording, each step's nodes
// (position << 11 | feature) are stored too, and each lane's step count.
template <bool kRecord, int G, class Values>
VIGIL_AVX512_INLINE void walk_chunk(const int* words, const Values& values, Chunk<G>& chunk,
                                    std::int32_t (&leaves)[G][kLanes],
                                    const Recording<G>* recording) {
  __m512 leaf[G];
  __mmask16 walking[G];
  [[maybe_unused]] __m512i taken[G];
  [[maybe_unused]] std::uint32_t* written[G];
  for (int g = 0; g < G; ++g) {
    walking[g] = chunk.used[g];
    leaf[g] = _mm512_setzero_ps();
    if constexpr (kRecord) {
      taken[g] = _mm512_setzero_si512();
      written[g] = recording->steps[g];
    }
  }
  for (bool any = true; any;) {
    any = false;
    for (int g = 0; g < G; ++g) {
      if (walking[g] == 0) continue;
      const Nodes n = gather_nodes(words, chunk.at[g], walking[g]);
      leaf[g] = _mm512_mask_mov_ps(leaf[g], walking[g] & ~n.split, n.value);
      if constexpr (kRecord) {
        // Lanes at their leaf store too; their step count leaves it out.
        const __m512i position =
            _mm512_slli_epi32(_mm512_sub_epi32(chunk.at[g], recording->root[g]), 10);
        _mm512_storeu_si512(written[g], _mm512_or_si512(position, features_of(n)));
        written[g] += kLanes;
        taken[g] = _mm512_mask_add_epi32(taken[g], n.split, taken[g], _mm512_set1_epi32(1));
      }
      walking[g] = step(n, values(g, n), chunk.at[g], leaf[g]);
      any |= walking[g] != 0;
    }
  }
  for (int g = 0; g < G; ++g) {
    _mm512_storeu_si512(leaves[g], _mm512_castps_si512(leaf[g]));
    // A group given no walk may share its place in the record with one given one.
    if constexpr (kRecord) {
      if (chunk.used[g] != 0) _mm512_storeu_si512(recording->step_counts[g], taken[g]);
    }
  }
}

// Sixteen rows a vector, tree after tree: for rows too wide for registers.
__attribute__((target("avx512f"))) void vote_by_rows(const VoteJob& job) {
  const auto* words =
      reinterpret_cast<const int*>(job.nodes);  // a node is two 32-bit words: value, meta
  const auto cols = static_cast<int>(job.cols);
  const auto rows = static_cast<int>(job.rows);
  const std::size_t k = job.classes;
  for (std::size_t tree = 0; tree < job.trees; ++tree) {
    const __m512i root = _mm512_set1_epi32(static_cast<int>(job.first[tree] * 2));
    for (int lo = 0; lo < rows; lo += kLanes * kRowGroups) {
      Chunk<kRowGroups> chunk;
      GatheredValues<kRowGroups> values{job.x, {}};
      for (int g = 0; g < kRowGroups; ++g) {
        chunk.used[g] = lanes_of(rows, lo + kLanes * g);
        chunk.at[g] = root;
        values.row_offset[g] = row_offsets(lo + kLanes * g, cols);
      }
      alignas(64) std::int32_t leaves[kRowGroups][kLanes];
      walk_chunk<false>(words, values, chunk, leaves,
                        static_cast<const Recording<kRowGroups>*>(nullptr));
      for (int g = 0; g < kRowGroups; ++g) {
        for (int l = 0; l < kLanes && (chunk.used[g] >> l & 1); ++l) {
          const auto row = static_cast<std::size_t>(lo + kLanes * g + l);
          add_vote(job.votes + row * k, leaves[g][l], job.leaf_shares[tree], k);
        }
      }
    }
  }
}

// Sixteen trees a vector, each group of lanes one row: the walks are
// (block of 16 trees, row) pairs, block after block, so a block's trees stay
// in cache while every row walks them, and a lone row walks kTreeGroups
// blocks at once. Each group's row values come from registers where rows are
// short enough, otherwise from memory. With a record (at most kRows rows),
// every walk is kept in it, leaves included.
template <template <int> class Values>
__attribute__((target("avx512f"))) void vote_by_trees(const VoteJob& job, WalkRecord* record) {
  const auto* words = reinterpret_cast<const int*>(job.nodes);
  const std::size_t k = job.classes;
  const std::size_t blocks = (job.trees + kLanes - 1) / kLanes;
  // Every tree's root, in words, padded to whole vectors.
  std::vector<std::int32_t> roots(blocks * kLanes, 0);
  for (std::size_t t = 0; t < job.trees; ++t)
    roots[t] = static_cast<std::int32_t>(job.first[t] * 2);
  const std::size_t walks = blocks * job.rows;
  for (std::size_t lo = 0; lo < walks; lo += kTreeGroups) {
    Chunk<kTreeGroups> chunk;
    Values<kTreeGroups> values;
    Recording<kTreeGroups> recording;
    std::size_t block_of[kTreeGroups], row_of[kTreeGroups];
    for (int g = 0; g < kTreeGroups; ++g) {
      const std::size_t walk = std::min(lo + static_cast<std::size_t>(g), walks - 1);
      block_of[g] = walk / job.rows;
      row_of[g] = walk % job.rows;
      const std::size_t first_tree = block_of[g] * kLanes;
      chunk.used[g] = lo + static_cast<std::size_t>(g) < walks
                          ? lanes_of(static_cast<int>(job.trees), static_cast<int>(first_tree))
                          : 0;
      chunk.at[g] = _mm512_maskz_loadu_epi32(chunk.used[g], roots.data() + first_tree);
      values.load(g, job.x, row_of[g], job.cols);
      if (record) {
        recording.steps[g] = record->steps.data() + record->block_first[block_of[g]] +
                             row_of[g] * record->block_stride[block_of[g]];
        recording.step_counts[g] = record->step_counts.data() + record->lane(first_tree, row_of[g]);
        recording.root[g] = chunk.at[g];
      }
    }
    alignas(64) std::int32_t leaves[kTreeGroups][kLanes];
    if (record) {
      walk_chunk<true>(words, values, chunk, leaves, &recording);
    } else {
      walk_chunk<false>(words, values, chunk, leaves,
                        static_cast<const Recording<kTreeGroups>*>(nullptr));
    }
    for (int g = 0; g < kTreeGroups; ++g) {
      std::int64_t* votes = job.votes + row_of[g] * k;
      for (int l = 0; l < kLanes && (chunk.used[g] >> l & 1); ++l) {
        const std::size_t tree = block_of[g] * kLanes + static_cast<std::size_t>(l);
        add_vote(votes, leaves[g][l], job.leaf_shares[tree], k);
        if (record) record->leaves[record->lane(tree, row_of[g])] = leaves[g][l];
      }
    }
  }
}

}  // namespace

std::size_t WalkRecord::bytes_for(const std::vector<std::uint32_t>& tree_depths) {
  std::size_t steps = 0;
  for (std::size_t lo = 0; lo < tree_depths.size(); lo += kLanes) {
    const auto end = tree_depths.begin() +
                     static_cast<std::ptrdiff_t>(std::min(lo + kLanes, tree_depths.size()));
    steps += (*std::max_element(tree_depths.begin() + static_cast<std::ptrdiff_t>(lo), end) +
              std::size_t{1}) *
             kLanes;
  }
  return steps * kRows * sizeof(std::uint32_t);
}

void WalkRecord::reserve_for(const std::vector<std::uint32_t>& tree_depths) {
  if (depth == tree_depths) return;
  depth = tree_depths;
  const std::size_t blocks = (depth.size() + kLanes - 1) / kLanes;
  padded_trees = blocks * kLanes;
  block_first.assign(blocks, 0);
  block_stride.assign(blocks, 0);
  std::size_t total = 0;
  for (std::size_t b = 0; b < blocks; ++b) {
    const auto lo = depth.begin() + static_cast<std::ptrdiff_t>(b * kLanes);
    const auto hi =
        depth.begin() + static_cast<std::ptrdiff_t>(std::min((b + 1) * kLanes, depth.size()));
    block_first[b] = total;
    block_stride[b] = (*std::max_element(lo, hi) + std::size_t{1}) * kLanes;
    total += block_stride[b] * kRows;
  }
  steps.assign(total, 0);
  step_counts.assign(kRows * padded_trees, 0);
  leaves.assign(kRows * padded_trees, 0);
}

namespace {
std::atomic<bool> vector_walks{true};
}  // namespace

bool has_avx512() {
  static const bool yes = __builtin_cpu_supports("avx512f");
  return yes && vector_walks.load(std::memory_order_relaxed);
}

void use_vector_walks(bool on) { vector_walks.store(on, std::memory_order_relaxed); }

bool vote_avx512(const VoteJob& job) {
  // Indices are 32-bit: node words and row offsets must fit.
  if (!has_avx512() || job.total_nodes >= (std::size_t{1} << 30) ||
      job.rows * job.cols >= (std::size_t{1} << 31)) {
    return false;
  }
  // Rows short enough to hold in registers walk by trees, whatever their
  // number: picking a value from registers costs far less than gathering it
  // (on UNSW-NB15's 42 features, 25-40% more rows a second in batches of 256).
  if (job.cols <= kMostRegisterColumns) {
    vote_by_trees<RegisterValues>(job, nullptr);
  } else if (job.rows >= kLanes) {
    vote_by_rows(job);
  } else {
    vote_by_trees<GatheredValues>(job, nullptr);
  }
  return true;
}

bool vote_and_record_avx512(const VoteJob& job, WalkRecord& record) {
  if (!has_avx512() || job.total_nodes >= (std::size_t{1} << 30) ||
      job.rows * job.cols >= (std::size_t{1} << 31) || job.rows > WalkRecord::kRows ||
      record.depth.size() != job.trees) {
    return false;
  }
  for (std::size_t t = 0; t < job.trees; ++t) {
    const std::size_t end = t + 1 < job.trees ? job.first[t + 1] : job.total_nodes;
    if (end - job.first[t] >= kRecordedPositions) return false;
  }
  if (job.cols <= kMostRegisterColumns) {
    vote_by_trees<RegisterValues>(job, &record);
  } else {
    vote_by_trees<GatheredValues>(job, &record);
  }
  return true;
}

}  // namespace vigil::models::forest_layout
