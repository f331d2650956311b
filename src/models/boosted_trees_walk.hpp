// XGBoost's trees, walked by Vigil. Asking XGBoost for one flow's
// probabilities takes about 70 us (a DMatrix per call, its thread pool, a
// lock), more than the detector's whole per-flow budget, while its trees are
// shallow (depth 6 by default) and walking them here takes microseconds.
//
// The walk reproduces XGBoost 1.7's CPU predictor: a row goes to the left
// child when x < split and to the right one (left + 1) otherwise, a missing
// (NaN) value to the node's default child; each class's margin starts at
// base_score and adds its trees' leaf values in tree order, in float; softmax
// is XGBoost's (the max subtracted, float exp, double sum). Tests check the
// probabilities against XGBoost's own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "vigil/core/matrix.hpp"

namespace vigil::models {

class BoostedTreesWalk {
 public:
  // The trees of a booster saved in XGBoost's UBJSON model format. Nothing
  // (the caller then predicts through XGBoost) for what the walk does not
  // reproduce: another booster or objective, categorical splits, vector
  // leaves, a class or feature count other than the model's.
  static std::optional<BoostedTreesWalk> from_ubjson(std::span<const std::uint8_t> model,
                                                     std::size_t classes, std::size_t features);

  // Class probabilities of rows [lo, hi) of x (x.cols() == features) into
  // the same rows of out (x.rows() x classes).
  void predict_proba(const Matrix& x, std::size_t lo, std::size_t hi, Matrix& out) const;

  // Whether contributions() can be asked (the model file has the nodes' hessian sums).
  bool has_contributions() const { return !mean_.empty(); }
  // XGBoost's approximate contributions of one row (Saabas's, with
  // pred_contribs and approx_contribs): per feature, then the bias, in margin
  // units (the log-odds before softmax) of class `cls`; they add up to its
  // margin. `out` has features + 1 entries.
  void contributions(std::span<const float> x, std::int32_t cls, std::span<float> out) const;

  std::size_t trees() const { return tree_class_.size(); }

 private:
  // A leaf loops to itself: its split is +inf on the row's sentinel slot
  // (always 0), so every tree can be walked its full depth without a branch.
  struct Node {
    float split;
    std::uint32_t
        meta;  // left child << 12 | default-left << 11 | feature; the right child is left + 1
  };
  std::vector<Node> nodes_;  // every tree's, one after another
  std::vector<float> leaf_;  // per node, its leaf value (leaves only)
  std::vector<float> mean_;  // per node, its mean value (XGBoost's node mean); empty without
  std::vector<std::uint32_t> tree_root_;    // per tree, its root's index (padded to whole groups)
  std::vector<std::uint32_t> tree_depth_;   // per tree, the most splits on a path (padded)
  std::vector<std::uint32_t> group_depth_;  // per group of trees walked together, its deepest
  std::vector<std::uint32_t> tree_class_;   // per tree, the class whose margin it adds to
  std::size_t classes_ = 0, features_ = 0;
  float base_score_ = 0.5f;
};

}  // namespace vigil::models
