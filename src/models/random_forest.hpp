// Random forest of Gini decision trees (Breiman 2001), as scikit-learn's
// RandomForestClassifier: bootstrap rows, sqrt(features) candidates per split,
// unlimited depth by default, class probabilities averaged over trees.
//
// Each feature is ranked once into at most max_bins (65,535) quantile bins;
// nodes radix-sort the bin codes of their rows and score every boundary. A
// feature with no more distinct values than bins is split exactly where
// scikit-learn would split it (at midpoints between neighbouring values).
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "models/class_weights.hpp"
#include "models/forest_layout.hpp"
#include "vigil/core/param_fields.hpp"
#include "vigil/models/classifier.hpp"

namespace vigil::models {

struct RandomForestParams {
  long trees = 0;
  long max_depth = 0;  // 0: unlimited
  long min_samples_split = 0;
  long min_samples_leaf = 0;
  long max_features = 0;  // 0: sqrt of the features
  long max_bins = 0;
  bool bootstrap = true;
  long seed = 0;
  ClassWeight class_weight = ClassWeight::kNone;
};

class RandomForest final : public Classifier {
 public:
  explicit RandomForest(ParamSet params) : Classifier(std::move(params)) {}
  static const ParamFields<RandomForestParams>& fields();
  static std::vector<ParamSpec> param_specs() { return fields().specs(); }

  std::string name() const override { return "rf"; }
  void fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
           Progress* progress) override;
  Matrix predict_proba(const Matrix& x) const override;
  // Saabas's path contributions: along each tree's path, a split on feature f
  // moves the class's share from the node's to the child's; f is credited the
  // move, averaged over trees. Prior (the roots' mean) + contributions = the
  // probability. Empty for forests saved before leaf weights were kept.
  Matrix contributions(const Matrix& x, std::span<const std::int32_t> classes) const override;
  void prepare_contributions() const override;
  // With AVX-512, each block of rows walks once: the walks are recorded as
  // they vote, and the chosen rows' contributions are read from the record
  // (the same sums as contributions()). Elsewhere, the default.
  Explained predict_explained(const Matrix& x, const ExplainWhich& which) const override;
  // Per class, the mean of the roots' shares: what contributions start from.
  std::vector<float> prior() const;
  std::vector<std::string> fit_notes() const override { return notes_; }
  void save_state(ByteWriter& w) const override;
  void load_state(ByteReader& r) override;

  // Nodes in depth-first preorder, as saved: a split's left child is the next
  // node. Prediction walks a layout derived from these (forest_layout.hpp).
  struct Node {
    std::int32_t feature;  // -1 for a leaf
    float threshold;       // go left (to this node + 1) when x[feature] <= threshold
    std::int32_t right;    // right child's index; for a leaf, its row in leaf_shares
  };
  struct Tree {
    std::vector<Node> nodes;
    std::vector<float> leaf_shares;  // leaves x classes
    std::vector<float>
        leaf_weights;  // per leaf, the bootstrap weight of its training rows (format 3 on)
  };
  const std::vector<Tree>& trees() const { return trees_; }
  // Mean decrease in Gini impurity per feature, summing to 1; known after fit
  // (not saved with the model).
  std::vector<double> feature_importances() const override { return importances_; }
  // Whether prediction walks 8-byte nodes (see forest_layout.hpp).
  bool compact_walk() const { return !compact_.empty(); }
  // How many nodes the walk layout has (leaves held in their splits are not among them).
  std::size_t walk_nodes() const { return compact_.empty() ? wide_.size() : compact_.size(); }

 private:
  // Derives the walk layout from trees_ (after fit and load).
  void lay_out_for_walks();
  // Calls f with the walk layout's nodes, compact or wide.
  template <class F>
  decltype(auto) with_walk_nodes(F&& f) const {
    return compact_.empty() ? f(wide_) : f(compact_);
  }
  // Every tree knows its leaves' training weights (forests saved before format 3 do not).
  bool has_leaf_weights() const;
  // Per class and walk position, a split's share of the class in the training
  // weight that reached it, in 65535ths, derived from the leaves' shares and
  // weights the first time it is needed (a leaf's share is read exact from
  // leaf_shares). Class after class in one array, each in the walk layout's
  // order, so a walk reads it as it reads the nodes.
  struct NodeShares {
    std::vector<std::uint16_t> splits;  // class c's from c * per_class on
    std::size_t per_class = 0;          // nodes in the forest
  };
  const NodeShares& node_shares() const;

  std::vector<Tree> trees_;
  // The walk layout: every tree's nodes in one array, tree t from walk_first_[t]
  // on; compact_ where the forest fits 8-byte nodes, wide_ otherwise.
  std::vector<forest_layout::CompactNode> compact_;
  std::vector<forest_layout::WideNode> wide_;
  std::vector<std::size_t> walk_first_;
  std::vector<std::uint32_t> walk_source_;  // per walk node, its index in its tree's nodes
  std::vector<std::uint32_t> walk_depth_;   // per tree, the most splits on a path
  mutable std::mutex node_shares_mutex_;
  mutable NodeShares node_shares_;  // derived; empty until needed
  std::vector<double> importances_;
  std::vector<std::string> notes_;
};

void register_random_forest(Registry& registry);

}  // namespace vigil::models
