// Candidate search for k-nearest neighbours. Both searches return, for each
// query, rows nearest by float arithmetic (a few more than k where rounding
// may misorder them), so that the caller can settle the exact order with
// double distances.
//
// brute_candidates: every query against every row, as blocked matrix products.
// ClusterIndex: rows grouped by k-means, and each group split again into small
// cells; a query skips every group, cell and row that the triangle inequality
// or a bounding box puts farther away than its current candidates. Exact, like
// brute force, and far faster on flow data, whose rows bunch together: one
// query reads a hundred to a few thousand of UNSW-NB15's 280,000 distinct
// training rows.
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
std::vector<std::uint32_t> brute_candidates(const Matrix& rows, std::span<const float> norms,
                                            const Matrix& queries, std::size_t cap, bool manhattan);

class ClusterIndex {
 public:
  // Euclidean only. `clusters` is the number of groups; 0 picks about sqrt(rows).
  ClusterIndex(const Matrix& rows, std::size_t clusters, std::uint64_t seed);

  // As brute_candidates (Euclidean), with indices into the rows given above,
  // except that the rows after the k nearest are only those whose float
  // distance lies within rounding of the k-th's (then kNoRow): all the rows
  // that may be among the k nearest by exact distance, at most `cap`.
  std::vector<std::uint32_t> candidates(const Matrix& queries, std::size_t k,
                                        std::size_t cap) const;

  std::size_t clusters() const { return group_cells_.size() - 1; }
  std::size_t cells() const { return cell_rows_.size() - 1; }

 private:
  struct Scratch;
  void search(const float* query, std::size_t k, std::size_t cap, Scratch& scratch,
              std::uint32_t* out) const;
  void scan_group(std::size_t group, Scratch& scratch) const;
  void quantise_rows();

  // Two levels of k-means groups. Groups (about sqrt(rows) of them) split into
  // cells of a few dozen rows; a cell's rows are kept relative to its centroid,
  // nearest to it first, so that a query at distance D from the centroid reads
  // only the rows whose own distance lies within D -+ its current k-th distance.
  // Each group and cell also keeps its members' bounding box: a query's
  // distance to the box is a lower bound too, and on flow data, whose
  // features are often discrete or pinned, a far tighter one than the ball's
  // (on UNSW-NB15 a typical query needs 3 groups by their boxes, 89 by their
  // balls). The groups' centroids are kept by columns, sixteen to a block,
  // so that a query's distances to them take no horizontal sums; the
  // groups' and cells' box corners likewise, coded (below).
  Matrix group_centroids_;
  std::vector<float> group_columns_;
  // The groups' boxes in 16 bits a feature, corners coded on a grid across
  // all rows (grid_*: low corner and step a feature), rounded outwards.
  std::vector<std::uint16_t> group_low_codes_, group_high_codes_;
  std::vector<float> grid_low_, grid_step_;
  std::vector<float> group_radius_;  // farthest member from the group's centroid, rounded up
  std::vector<std::size_t>
      group_cells_;  // group g holds cells [group_cells_[g], group_cells_[g + 1])
  Matrix cell_centroids_;
  // Each group's cells' boxes in a byte a feature: corners coded on the
  // group's own grid (group_grid_*: per group, low corner and step a
  // feature), rounded outwards, by columns of sixteen cells. A query's box
  // distances to a group's cells read a fifth of what float corners and
  // centroids by columns took, the largest share of a slow query's misses;
  // a cell's centroid is read only when its box leaves it in reach.
  std::vector<std::uint8_t> cell_low_codes_, cell_high_codes_;
  std::vector<std::size_t> group_cell_codes_;  // where group g's cells start in them
  std::vector<float> group_grid_low_, group_grid_step_;
  std::vector<float> cell_radius_;
  std::vector<std::size_t> cell_rows_;   // cell c holds rows [cell_rows_[c], cell_rows_[c + 1])
  Matrix sorted_;                        // each row less its cell's centroid
  std::vector<float> row_radius_;        // |sorted_ row|, ascending within a cell
  std::vector<std::uint32_t> original_;  // sorted_ row -> index in the rows given
  // Each sorted_ row again in one byte a feature, on a per-cell, per-feature
  // grid (code_width_ bytes a row, padded to a multiple of 16): a quarter of
  // the memory, read first to bound the row's distance from below, so that
  // only rows the bound cannot rule out are read in full.
  std::size_t code_width_ = 0;
  std::vector<std::uint8_t> codes_;
  std::vector<float> code_low_, code_step_, code_error_;  // per cell, code_width_ each
};

}  // namespace vigil::models::knn
