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
// Groups of lanes stepped in turn: their gathers are independent, so their
// cache misses overlap (4 measured best among 2, 4 and 8).
constexpr int kGroups = 4;
static_assert(kLanes == WalkRecord::kLanes && kGroups == WalkRecord::kGroups);

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
  const __m512i low_eight =
      _mm512_mask_i32gather_epi64(zero, static_cast<__mmask8>(walking), _mm512_castsi512_si256(at), words, 4);
  const __m512i high_eight = _mm512_mask_i32gather_epi64(zero, static_cast<__mmask8>(walking >> 8),
                                                         _mm512_extracti64x4_epi64(at, 1), words, 4);
  const __m512i even_words = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd_words = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
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
// walk does: the far child unless x <= threshold, swapped where flipped.
VIGIL_AVX512_INLINE __m512i step(const Nodes& n, __m512i at, __m512i row_offset, const float* xs) {
  const __m512 x =
      _mm512_mask_i32gather_ps(_mm512_setzero_ps(), n.split, _mm512_add_epi32(row_offset, features_of(n)), xs, 4);
  const __mmask16 low = _mm512_mask_cmp_ps_mask(n.split, x, n.value, _CMP_LE_OQ);
  const __mmask16 flipped = _mm512_mask_test_epi32_mask(n.split, n.meta, _mm512_set1_epi32(1 << 11));
  const __mmask16 go_far = static_cast<__mmask16>((n.split & ~low) ^ flipped);
  const __m512i near = _mm512_mask_add_epi32(at, n.split, at, _mm512_set1_epi32(2));
  return _mm512_mask_add_epi32(near, go_far, at, _mm512_slli_epi32(_mm512_srli_epi32(n.meta, 12), 1));
}

// The lanes of group g of a chunk: rows (or trees) lo + 16g on, as many as remain.
VIGIL_AVX512_INLINE __mmask16 lanes_of(int rows, int first_row) {
  const int n = std::clamp(rows - first_row, 0, kLanes);
  return static_cast<__mmask16>((1u << n) - 1);
}

VIGIL_AVX512_INLINE __m512i row_offsets(int first_row, int cols) {
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  return _mm512_mullo_epi32(_mm512_add_epi32(_mm512_set1_epi32(first_row), iota), _mm512_set1_epi32(cols));
}

// kGroups groups of lanes, each lane walking one tree for one row.
struct Chunk {
  __m512i at[kGroups];          // each lane's node, in words from the first node
  __m512i row_offset[kGroups];  // each lane's row, in floats from the first row
  __mmask16 used[kGroups];      // the lanes given a walk
};

// Where a recording walk writes: each group's steps, one vector of lanes a step.
struct Recording {
  std::uint32_t* steps[kGroups];
  std::int32_t* step_counts[kGroups];
  __m512i root;  // the tree's first node, in words
};

// Walks every lane to its leaf and stores the leaves' values. Every lane of a
// group steps together, a lane that reached its leaf masked off so that it
// loads nothing more while the others finish; the groups step in turn, so
// their gathers' cache misses overlap. With a recording, each step's nodes
// (position << 11 | feature) are stored too, and each lane's step count.
template <bool kRecord>
VIGIL_AVX512_INLINE void walk_chunk(const int* words, const float* xs, Chunk& chunk,
                                    std::int32_t (&leaves)[kGroups][kLanes], const Recording* recording) {
  __m512 leaf[kGroups];
  __mmask16 walking[kGroups];
  [[maybe_unused]] __m512i taken[kGroups];
  [[maybe_unused]] std::uint32_t* written[kGroups];
  for (int g = 0; g < kGroups; ++g) {
    walking[g] = chunk.used[g];
    leaf[g] = _mm512_setzero_ps();
    if constexpr (kRecord) {
      taken[g] = _mm512_setzero_si512();
      written[g] = recording->steps[g];
    }
  }
  for (bool any = true; any;) {
    any = false;
    for (int g = 0; g < kGroups; ++g) {
      if (walking[g] == 0) continue;
      const Nodes n = gather_nodes(words, chunk.at[g], walking[g]);
      leaf[g] = _mm512_mask_mov_ps(leaf[g], walking[g] & ~n.split, n.value);
      if constexpr (kRecord) {
        // Lanes at their leaf store too; their step count leaves it out.
        const __m512i position = _mm512_slli_epi32(_mm512_sub_epi32(chunk.at[g], recording->root), 10);
        _mm512_storeu_si512(written[g], _mm512_or_si512(position, features_of(n)));
        written[g] += kLanes;
        taken[g] = _mm512_mask_add_epi32(taken[g], n.split, taken[g], _mm512_set1_epi32(1));
      }
      chunk.at[g] = step(n, chunk.at[g], chunk.row_offset[g], xs);
      walking[g] = n.split;
      any |= n.split != 0;
    }
  }
  for (int g = 0; g < kGroups; ++g) {
    _mm512_storeu_si512(leaves[g], _mm512_castps_si512(leaf[g]));
    if constexpr (kRecord) _mm512_storeu_si512(recording->step_counts[g], taken[g]);
  }
}

// Sixteen rows a vector, tree after tree. With a record (at most 64 rows,
// so one chunk a tree), every walk is kept in it, leaves included.
__attribute__((target("avx512f"))) void vote_by_rows(const VoteJob& job, WalkRecord* record) {
  const auto* words = reinterpret_cast<const int*>(job.nodes);  // a node is two 32-bit words: value, meta
  const auto cols = static_cast<int>(job.cols);
  const auto rows = static_cast<int>(job.rows);
  const std::size_t k = job.classes;
  for (std::size_t tree = 0; tree < job.trees; ++tree) {
    const __m512i root = _mm512_set1_epi32(static_cast<int>(job.first[tree] * 2));
    for (int lo = 0; lo < rows; lo += kLanes * kGroups) {
      Chunk chunk;
      Recording recording;
      recording.root = root;
      for (int g = 0; g < kGroups; ++g) {
        chunk.used[g] = lanes_of(rows, lo + kLanes * g);
        chunk.at[g] = root;
        chunk.row_offset[g] = row_offsets(lo + kLanes * g, cols);
        if (record) {
          const auto first_row = static_cast<std::size_t>(g) * kLanes;
          recording.steps[g] = record->steps.data() + record->first[tree] + static_cast<std::size_t>(g) * record->stride(tree);
          recording.step_counts[g] = record->step_counts.data() + record->lane(tree, first_row);
        }
      }
      alignas(64) std::int32_t own_leaves[kGroups][kLanes];
      std::int32_t(&leaves)[kGroups][kLanes] =
          record ? *reinterpret_cast<std::int32_t(*)[kGroups][kLanes]>(record->leaves.data() + record->lane(tree, 0))
                 : own_leaves;
      if (record) {
        walk_chunk<true>(words, job.x, chunk, leaves, &recording);
      } else {
        walk_chunk<false>(words, job.x, chunk, leaves, nullptr);
      }
      for (int g = 0; g < kGroups; ++g) {
        for (int l = 0; l < kLanes && (chunk.used[g] >> l & 1); ++l) {
          const auto row = static_cast<std::size_t>(lo + kLanes * g + l);
          add_vote(job.votes + row * k, leaves[g][l], job.leaf_shares[tree], k);
        }
      }
    }
  }
}

// For a few rows: each row walks sixteen trees a vector, one tree a lane.
__attribute__((target("avx512f"))) void vote_by_trees(const VoteJob& job) {
  const auto* words = reinterpret_cast<const int*>(job.nodes);
  const auto trees = static_cast<int>(job.trees);
  const std::size_t k = job.classes;
  // Every tree's root, in words, padded to whole vectors.
  std::vector<std::int32_t> roots((job.trees + kLanes - 1) / kLanes * kLanes, 0);
  for (std::size_t t = 0; t < job.trees; ++t) roots[t] = static_cast<std::int32_t>(job.first[t] * 2);
  for (std::size_t r = 0; r < job.rows; ++r) {
    const __m512i row_offset = _mm512_set1_epi32(static_cast<int>(r * job.cols));
    for (int lo = 0; lo < trees; lo += kLanes * kGroups) {
      Chunk chunk;
      for (int g = 0; g < kGroups; ++g) {
        chunk.used[g] = lanes_of(trees, lo + kLanes * g);
        chunk.at[g] = _mm512_maskz_loadu_epi32(chunk.used[g], roots.data() + lo + kLanes * g);
        chunk.row_offset[g] = row_offset;
      }
      alignas(64) std::int32_t leaves[kGroups][kLanes];
      walk_chunk<false>(words, job.x, chunk, leaves, nullptr);
      for (int g = 0; g < kGroups; ++g) {
        for (int l = 0; l < kLanes && (chunk.used[g] >> l & 1); ++l) {
          const auto tree = static_cast<std::size_t>(lo + kLanes * g + l);
          add_vote(job.votes + r * k, leaves[g][l], job.leaf_shares[tree], k);
        }
      }
    }
  }
}

}  // namespace

void WalkRecord::reserve_for(const std::vector<std::uint32_t>& tree_depths) {
  if (depth == tree_depths) return;
  depth = tree_depths;
  first.assign(depth.size(), 0);
  std::size_t total = 0;
  for (std::size_t t = 0; t < depth.size(); ++t) {
    first[t] = total;
    total += stride(t) * kGroups;
  }
  steps.assign(total, 0);
  step_counts.assign(depth.size() * kGroups * kLanes, 0);
  leaves.assign(depth.size() * kGroups * kLanes, 0);
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
  if (!has_avx512() || job.total_nodes >= (std::size_t{1} << 30) || job.rows * job.cols >= (std::size_t{1} << 31)) {
    return false;
  }
  if (job.rows >= kLanes) {
    vote_by_rows(job, nullptr);
  } else {
    vote_by_trees(job);
  }
  return true;
}

bool vote_and_record_avx512(const VoteJob& job, WalkRecord& record) {
  if (!has_avx512() || job.total_nodes >= (std::size_t{1} << 30) || job.rows * job.cols >= (std::size_t{1} << 31) ||
      job.rows > WalkRecord::kRows || record.depth.size() != job.trees) {
    return false;
  }
  for (std::size_t t = 0; t < job.trees; ++t) {
    const std::size_t end = t + 1 < job.trees ? job.first[t + 1] : job.total_nodes;
    if (end - job.first[t] >= kRecordedPositions) return false;
  }
  vote_by_rows(job, &record);
  return true;
}

}  // namespace vigil::models::forest_layout
