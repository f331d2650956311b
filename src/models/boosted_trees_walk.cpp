#include "models/boosted_trees_walk.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace vigil::models {
namespace {

constexpr std::uint32_t kDefaultLeft = 1u << 31;

// Trees walked at once for a row: their walks do not wait on one another.
constexpr std::size_t kTogether = 8;

// The node after `at` for `row` (whose slot features_ is the sentinel 0).
// Rows without a missing value (all of them, once imputed) skip the check.
template <bool kMissing, class Node>
inline std::uint32_t next_node(const Node* nodes, std::uint32_t at, const float* row) {
  const Node& n = nodes[at];
  const float v = row[n.feature & ~kDefaultLeft];
  if constexpr (kMissing) {
    if (std::isnan(v)) return n.left + static_cast<std::uint32_t>((n.feature & kDefaultLeft) == 0);
  }
  return n.left + static_cast<std::uint32_t>(!(v < n.split));
}

// Walks trees [lo, lo + kTogether) of the padded tree list to their leaves.
template <bool kMissing, class Node>
inline void walk_group(const Node* nodes, const std::uint32_t* roots, std::uint32_t depth, const float* row,
                       std::uint32_t (&at)[kTogether]) {
  for (std::size_t j = 0; j < kTogether; ++j) at[j] = roots[j];
  for (std::uint32_t d = 0; d < depth; ++d) {
    for (std::size_t j = 0; j < kTogether; ++j) at[j] = next_node<kMissing>(nodes, at[j], row);
  }
}

}  // namespace

std::optional<BoostedTreesWalk> BoostedTreesWalk::from_ubjson(std::span<const std::uint8_t> model,
                                                              std::size_t classes, std::size_t features) {
  try {
    const nlohmann::json doc = nlohmann::json::from_ubjson(model);
    const nlohmann::json& learner = doc.at("learner");
    if (learner.at("objective").at("name") != "multi:softprob") return std::nullopt;
    const nlohmann::json& param = learner.at("learner_model_param");
    if (std::stoul(param.at("num_class").get<std::string>()) != classes ||
        std::stoul(param.at("num_feature").get<std::string>()) != features) {
      return std::nullopt;
    }
    const nlohmann::json& booster = learner.at("gradient_booster");
    if (booster.at("name") != "gbtree") return std::nullopt;
    const nlohmann::json& trees = booster.at("model").at("trees");
    const auto tree_info = booster.at("model").at("tree_info").get<std::vector<std::int64_t>>();
    if (tree_info.size() != trees.size() || trees.empty()) return std::nullopt;

    BoostedTreesWalk walk;
    walk.classes_ = classes;
    walk.features_ = features;
    walk.base_score_ = std::strtof(param.at("base_score").get<std::string>().c_str(), nullptr);
    for (std::size_t t = 0; t < trees.size(); ++t) {
      const nlohmann::json& tree = trees[t];
      if (std::stoul(tree.at("tree_param").at("size_leaf_vector").get<std::string>()) != 0) return std::nullopt;
      const auto left = tree.at("left_children").get<std::vector<std::int64_t>>();
      const auto right = tree.at("right_children").get<std::vector<std::int64_t>>();
      const auto feature = tree.at("split_indices").get<std::vector<std::int64_t>>();
      const auto split = tree.at("split_conditions").get<std::vector<float>>();
      const auto default_left = tree.at("default_left").get<std::vector<std::int64_t>>();
      const auto split_type = tree.at("split_type").get<std::vector<std::int64_t>>();
      const std::size_t n = left.size();
      if (n == 0 || right.size() != n || feature.size() != n || split.size() != n || default_left.size() != n ||
          split_type.size() != n || tree_info[t] < 0 || static_cast<std::size_t>(tree_info[t]) >= classes) {
        return std::nullopt;
      }
      const auto first = static_cast<std::uint32_t>(walk.nodes_.size());
      std::vector<std::uint32_t> depth(n, 0);
      std::uint32_t deepest = 0;
      for (std::size_t i = 0; i < n; ++i) {
        Node node{};
        if (left[i] < 0) {  // a leaf: its value is in split_conditions
          node = {std::numeric_limits<float>::infinity(), static_cast<std::uint32_t>(features) | kDefaultLeft,
                  first + static_cast<std::uint32_t>(i), split[i]};
          deepest = std::max(deepest, depth[i]);
        } else {
          // XGBoost's predictor takes the right child as left + 1; children come after their parent.
          if (right[i] != left[i] + 1 || left[i] <= static_cast<std::int64_t>(i) ||
              right[i] >= static_cast<std::int64_t>(n) || split_type[i] != 0 || feature[i] < 0 ||
              static_cast<std::size_t>(feature[i]) >= features) {
            return std::nullopt;
          }
          node = {split[i], static_cast<std::uint32_t>(feature[i]) | (default_left[i] != 0 ? kDefaultLeft : 0u),
                  first + static_cast<std::uint32_t>(left[i]), 0.0f};
          depth[static_cast<std::size_t>(left[i])] = depth[static_cast<std::size_t>(right[i])] = depth[i] + 1;
        }
        walk.nodes_.push_back(node);
      }
      walk.tree_root_.push_back(first);
      walk.tree_depth_.push_back(deepest);
      walk.tree_class_.push_back(static_cast<std::uint32_t>(tree_info[t]));
    }
    // Padded to whole groups with one-leaf trees, walked but never added.
    const std::size_t padded = (trees.size() + kTogether - 1) / kTogether * kTogether;
    const auto pad = static_cast<std::uint32_t>(walk.nodes_.size());
    walk.nodes_.push_back({std::numeric_limits<float>::infinity(), static_cast<std::uint32_t>(features) | kDefaultLeft,
                           pad, 0.0f});
    walk.tree_root_.resize(padded, pad);
    walk.tree_depth_.resize(padded, 0);
    for (std::size_t lo = 0; lo < padded; lo += kTogether) {
      walk.group_depth_.push_back(*std::max_element(&walk.tree_depth_[lo], &walk.tree_depth_[lo] + kTogether));
    }
    return walk;
  } catch (const std::exception&) {
    return std::nullopt;  // a layout this walk does not know: XGBoost predicts
  }
}

void BoostedTreesWalk::predict_proba(const Matrix& x, std::size_t lo_row, std::size_t hi_row, Matrix& out) const {
  const std::size_t cols = features_, trees = tree_class_.size();
  std::vector<float> row(cols + 1, 0.0f);  // the row, then the leaves' sentinel slot
  std::vector<float> leaves(tree_root_.size());
  std::vector<float> margin(classes_);
  const Node* nodes = nodes_.data();
  for (std::size_t r = lo_row; r < hi_row; ++r) {
    std::copy_n(x.row(r).data(), cols, row.data());
    const bool missing = std::any_of(row.begin(), row.end(), [](float v) { return std::isnan(v); });
    for (std::size_t lo = 0, g = 0; lo < tree_root_.size(); lo += kTogether, ++g) {
      std::uint32_t at[kTogether];
      if (missing) {
        walk_group<true>(nodes, &tree_root_[lo], group_depth_[g], row.data(), at);
      } else {
        walk_group<false>(nodes, &tree_root_[lo], group_depth_[g], row.data(), at);
      }
      for (std::size_t j = 0; j < kTogether; ++j) leaves[lo + j] = nodes[at[j]].leaf;
    }
    // XGBoost's order and precision: float sums in tree order, then softmax.
    std::fill(margin.begin(), margin.end(), base_score_);
    for (std::size_t t = 0; t < trees; ++t) margin[tree_class_[t]] += leaves[t];
    float* p = out.row(r).data();
    float most = margin[0];
    for (std::size_t c = 1; c < classes_; ++c) most = std::fmax(margin[c], most);
    double sum = 0.0;
    for (std::size_t c = 0; c < classes_; ++c) {
      p[c] = std::exp(margin[c] - most);
      sum += p[c];
    }
    for (std::size_t c = 0; c < classes_; ++c) p[c] /= static_cast<float>(sum);
  }
}

}  // namespace vigil::models
