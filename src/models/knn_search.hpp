// Candidate search for k-nearest neighbours. Both searches return, for each
// query, the `cap` rows nearest by float arithmetic (a few more than k, so the
// caller can settle the exact order with double distances).
//
// brute_candidates: every query against every row, as blocked matrix products.
// ClusterIndex: rows grouped by k-means, and each group split again into small
// cells; a query skips every group, cell and row that the triangle inequality
// puts farther away than its current candidates. Exact, like brute force, and
// far faster on flow data, whose rows bunch together: one query reads a few
// hundred to a few thousand of UNSW-NB15's 280,000 distinct training rows.
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
  // Euclidean only. `clusters` is the number of groups; 0 picks about sqrt(rows).
  ClusterIndex(const Matrix& rows, std::size_t clusters, std::uint64_t seed);

  // As brute_candidates (Euclidean), with indices into the rows given above.
  std::vector<std::uint32_t> candidates(const Matrix& queries, std::size_t cap) const;

  std::size_t clusters() const { return group_cells_.size() - 1; }
  std::size_t cells() const { return cell_rows_.size() - 1; }

 private:
  struct Scratch;
  void search(const float* query, std::size_t cap, Scratch& scratch, std::uint32_t* out) const;
  void scan_group(std::size_t group, Scratch& scratch) const;

  // Two levels of k-means balls. Groups (about sqrt(rows) of them) split into
  // cells of a few dozen rows; a cell's rows are kept relative to its centroid,
  // nearest to it first, so that a query at distance D from the centroid reads
  // only the rows whose own distance lies within D -+ its current k-th distance.
  Matrix group_centroids_;
  std::vector<float> group_radius_;       // farthest member from the group's centroid, rounded up
  std::vector<std::size_t> group_cells_;  // group g holds cells [group_cells_[g], group_cells_[g + 1])
  Matrix cell_centroids_;
  std::vector<float> cell_radius_;
  std::vector<float> cell_shell_;         // distance from the cell's centroid to its group's
  std::vector<std::size_t> cell_rows_;    // cell c holds rows [cell_rows_[c], cell_rows_[c + 1])
  Matrix sorted_;                         // each row less its cell's centroid
  std::vector<float> row_radius_;         // |sorted_ row|, ascending within a cell
  std::vector<std::uint32_t> original_;   // sorted_ row -> index in the rows given
};

}  // namespace vigil::models::knn
