// Candidate search for k-nearest neighbours. Both searches return, for each
// query, the `cap` rows nearest by float arithmetic (a few more than k, so the
// caller can settle the exact order with double distances).
//
// brute_candidates: every query against every row, as blocked matrix products.
// ClusterIndex: rows grouped by a few rounds of k-means; a block of nearby
// queries skips every cluster whose ball (centroid, radius) lies farther away
// than each query's current candidates, by the triangle inequality. Exact, like
// brute force, and much faster on flow data, whose rows bunch together.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "vigil/core/matrix.hpp"

namespace vigil::models::knn {

inline constexpr std::uint32_t kNoRow = std::numeric_limits<std::uint32_t>::max();

// queries x cap row indices into `rows`, padded with kNoRow when rows < cap.
// `norms` are the rows' squared norms (used by the Euclidean product form).
std::vector<std::uint32_t> brute_candidates(const Matrix& rows, std::span<const float> norms, const Matrix& queries,
                                            std::size_t cap, bool manhattan);

class ClusterIndex {
 public:
  // Euclidean only. `clusters` 0 picks about sqrt(rows).
  ClusterIndex(const Matrix& rows, std::size_t clusters, std::uint64_t seed);

  // As brute_candidates (Euclidean), with indices into the rows given above.
  std::vector<std::uint32_t> candidates(const Matrix& queries, std::size_t cap) const;

  std::size_t clusters() const { return start_.size() - 1; }

 private:
  Matrix sorted_;                        // the rows less their centroid, cluster after cluster
  std::vector<float> norms_;             // squared norms of sorted_
  std::vector<std::uint32_t> original_;  // sorted_ row -> index in the rows given
  std::vector<std::size_t> start_;       // cluster c is sorted_ rows [start_[c], start_[c + 1])
  Matrix centroids_;
  std::vector<float> centroid_norms_;
  std::vector<double> radius_;           // farthest member from the centroid, exact
};

}  // namespace vigil::models::knn
