// Saabas's path contributions of a random forest: why it gave a row a class.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "core/huge_pages.hpp"
#include "models/forest_shares.hpp"
#include "models/random_forest.hpp"
#include "vigil/core/error.hpp"

namespace vigil::models {
namespace {

using forest_shares::kShareUnit;

// A class's share at a walk node: a split's from the table, a leaf's exact
// (a pure leaf's is 1 for its class and 0 for the others).
template <class WalkNode>
float share_at(const WalkNode& n, const std::uint16_t* split_shares, std::int32_t at,
               const float* leaf_shares, std::size_t classes, std::int32_t cls) {
  if (!forest_layout::is_leaf(n)) return static_cast<float>(split_shares[at]) / kShareUnit;
  const std::int32_t value = forest_layout::leaf_value(n);
  if (value < 0) return -value - 1 == cls ? 1.0f : 0.0f;
  return leaf_shares[static_cast<std::size_t>(value) * classes + static_cast<std::size_t>(cls)];
}

// The same share as share_at, in fixed point.
template <class WalkNode>
std::int64_t fixed_share_at(const WalkNode& n, const std::uint16_t* split_shares, std::int32_t at,
                            const float* leaf_shares, std::size_t classes, std::int32_t cls) {
  if (!forest_layout::is_leaf(n)) [[likely]]
    return forest_shares::fixed_split_share(split_shares[at]);
  return forest_shares::fixed_leaf_share(forest_layout::leaf_value(n), leaf_shares, classes, cls);
}

}  // namespace

const RandomForest::NodeShares& RandomForest::node_shares() const {
  const std::lock_guard lock(node_shares_mutex_);
  if (!node_shares_.splits.empty()) return node_shares_;
  const auto k = static_cast<std::size_t>(classes_);
  NodeShares out;
  out.per_class = compact_.empty() ? wide_.size() : compact_.size();
  // Half the memory of floats: on the bench forest 67 MB instead of 134,
  // and bringing fresh memory in is much of the preparation's time.
  resize_on_huge_pages(out.splits, out.per_class * k);
  const auto count = static_cast<long>(trees_.size());
#pragma omp parallel
  {
    std::vector<double> mass;  // per node: its weight, then weight x share per class
#pragma omp for schedule(dynamic)
    for (long tl = 0; tl < count; ++tl) {
      const auto t = static_cast<std::size_t>(tl);
      const Tree& tree = trees_[t];
      const std::size_t nodes = tree.nodes.size(), first = walk_first_[t];
      const std::size_t end = t + 1 < trees_.size() ? walk_first_[t + 1] : walk_source_.size();
      mass.resize(nodes * (k + 1));
      // Children follow their parent in preorder, so a backward pass meets
      // both children before the parent.
      for (std::size_t i = nodes; i-- > 0;) {
        const Node& n = tree.nodes[i];
        double* m = &mass[i * (k + 1)];
        if (n.feature < 0) {
          const auto leaf = static_cast<std::size_t>(n.right);
          m[0] = tree.leaf_weights[leaf];
          for (std::size_t c = 0; c < k; ++c) m[c + 1] = m[0] * tree.leaf_shares[leaf * k + c];
        } else {
          const double* l = &mass[(i + 1) * (k + 1)];
          const double* r = &mass[static_cast<std::size_t>(n.right) * (k + 1)];
          for (std::size_t c = 0; c <= k; ++c) m[c] = l[c] + r[c];
        }
      }
      // Then the shares in walk order, each split's from the node it was laid out from.
      for (std::size_t at = first; at < end; ++at) {
        const std::uint32_t i = walk_source_[at];
        if (tree.nodes[i].feature < 0) continue;  // a leaf's share is read exact
        const double* m = &mass[i * (k + 1)];
        // Rounded by adding a half and cutting: lround, a library call, took
        // a third of the preparation.
        const double units = kShareUnit / m[0];
        std::uint16_t* to = out.splits.data() + at;
        for (std::size_t c = 0; c < k; ++c) {
          to[c * out.per_class] =
              static_cast<std::uint16_t>(std::clamp(m[c + 1] * units, 0.0, 65535.0) + 0.5);
        }
      }
    }
  }
  node_shares_ = std::move(out);
  return node_shares_;
}

bool RandomForest::has_leaf_weights() const {
  return std::none_of(trees_.begin(), trees_.end(),
                      [](const Tree& t) { return t.leaf_weights.empty(); });
}

void RandomForest::prepare_contributions() const {
  if (has_leaf_weights()) node_shares();
}

Matrix RandomForest::contributions(const Matrix& x, std::span<const std::int32_t> classes) const {
  check_input(x);
  VIGIL_CHECK(classes.size() == x.rows(), "random forest contributions: one class per row");
  if (!has_leaf_weights()) return {};  // saved before format 3
  const auto k = static_cast<std::size_t>(classes_);
  for (const std::int32_t c : classes) {
    VIGIL_CHECK(c >= 0 && static_cast<std::size_t>(c) < k,
                "random forest contributions: class out of range");
  }
  const NodeShares& shares = node_shares();
  const std::size_t width = features_;
  const std::size_t rows = x.rows();
  Matrix out(rows, width);
  // As in predict_proba: lanes walk (tree, row) pairs with their loads
  // overlapped, and sums are kept in fixed point, so a row's contributions do
  // not depend on the order walks end in. Each step credits the split's
  // feature with the class share's change from the node to the child. A
  // split's share is rounded to 65535ths but a leaf's is exact, so the
  // contributions still add up to the leaf's share less the root's.
  std::vector<std::int64_t> sums(rows * width, 0);
  with_walk_nodes([&](const auto& walk_nodes) {
    using WalkNode = std::remove_cvref_t<decltype(walk_nodes[0])>;
    struct Lane {
      std::int32_t at;
      std::int32_t split;  // the feature of the split that led to `at`; -1 at the root
      std::int64_t share;  // the class's share at that split, in fixed point
      std::int32_t cls;
      const WalkNode* nodes;
      const std::uint16_t* split_shares;
      const float* leaf_shares;
      const float* row;
      std::int64_t* sums;
    };
    forest_layout::interleave_walks<32, Lane>(
        trees_.size() * rows,
        [&](Lane& lane, std::size_t walk) {
          const std::size_t t = walk / rows, r = walk % rows;
          const auto cls = static_cast<std::size_t>(classes[r]);
          lane = {0,
                  -1,
                  0,
                  classes[r],
                  walk_nodes.data() + walk_first_[t],
                  shares.splits.data() + cls * shares.per_class + walk_first_[t],
                  trees_[t].leaf_shares.data(),
                  x.row(r).data(),
                  &sums[r * width]};
        },
        [&](Lane& lane) {
          // The node and its share were prefetched a lane-round ago.
          const WalkNode& n = lane.nodes[lane.at];
          const std::int64_t share =
              fixed_share_at(n, lane.split_shares, lane.at, lane.leaf_shares, k, lane.cls);
          if (lane.split >= 0) lane.sums[lane.split] += share - lane.share;
          if (forest_layout::is_leaf(n)) return false;
          lane.split = static_cast<std::int32_t>(forest_layout::feature_of(n));
          lane.share = share;
          std::int32_t leaf = 0;
          lane.at = forest_layout::next_node(n, lane.at, lane.row, leaf);
          if (lane.at < 0) {  // a leaf the split holds
            lane.sums[lane.split] +=
                forest_shares::fixed_leaf_share(leaf, lane.leaf_shares, k, lane.cls) - share;
            return false;
          }
          __builtin_prefetch(lane.nodes + lane.at);
          __builtin_prefetch(lane.split_shares + lane.at);
          return true;
        });
  });
  const double scale = 1.0 / (forest_shares::kOne * static_cast<double>(trees_.size()));
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t f = 0; f < width; ++f)
      out(r, f) = static_cast<float>(static_cast<double>(sums[r * width + f]) * scale);
  }
  return out;
}

std::vector<float> RandomForest::prior() const {
  if (!has_leaf_weights()) return {};
  const auto k = static_cast<std::size_t>(classes_);
  std::vector<float> out(k, 0.0f);
  const NodeShares& shares = node_shares();
  with_walk_nodes([&](const auto& walk_nodes) {
    for (std::size_t c = 0; c < k; ++c) {
      double sum = 0;
      for (std::size_t t = 0; t < trees_.size(); ++t) {
        const std::size_t first = walk_first_[t];
        sum += share_at(walk_nodes[first], shares.splits.data() + c * shares.per_class + first, 0,
                        trees_[t].leaf_shares.data(), k, static_cast<std::int32_t>(c));
      }
      out[c] = static_cast<float>(sum / static_cast<double>(trees_.size()));
    }
  });
  return out;
}

}  // namespace vigil::models
