// The layout a random forest is walked in when it predicts, derived from its
// saved trees (never saved itself).
//
// A tree's nodes are laid out in preorder with the child that took more of the
// training weight placed right after its parent, so most steps of a walk read
// the next node, usually in the same cache line, instead of jumping. A forest
// of deep trees is far larger than the caches, and those jumps are its cost.
// Nodes are 8 bytes where the forest allows (fewer than 2,048 features, no
// jump longer than 2^20 nodes), 12 otherwise.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/huge_pages.hpp"

namespace vigil::models::forest_layout {

// A split's `value` is its threshold: go to the low child when x[feature] <= value.
// A leaf's `value` holds, bit for bit, its int32 leaf value: a pure class c
// as -(c + 1), otherwise its row in the tree's leaf shares.
struct CompactNode {
  float value;
  std::uint32_t meta;  // far << 12 | flipped << 11 | feature; far is 0 for a leaf
};
struct WideNode {
  float value;
  std::uint32_t feature_flipped;  // flipped << 31 | feature
  std::uint32_t far;              // 0 for a leaf
};
// `far` is the other child's distance from its parent; the adjacent child is
// the low one (x <= threshold) unless `flipped`.

inline constexpr std::uint32_t kCompactFeatures = 1u << 11;
inline constexpr std::uint32_t kCompactFar = 1u << 20;

inline std::uint32_t far_of(const CompactNode& n) { return n.meta >> 12; }
inline std::uint32_t far_of(const WideNode& n) { return n.far; }
inline std::uint32_t feature_of(const CompactNode& n) { return n.meta & 0x7ff; }
inline std::uint32_t feature_of(const WideNode& n) { return n.feature_flipped & 0x7fffffff; }
inline std::uint32_t flipped(const CompactNode& n) { return (n.meta >> 11) & 1; }
inline std::uint32_t flipped(const WideNode& n) { return n.feature_flipped >> 31; }

template <class Node>
inline bool is_leaf(const Node& n) {
  return far_of(n) == 0;
}

template <class Node>
inline std::int32_t leaf_value(const Node& n) {
  return std::bit_cast<std::int32_t>(n.value);
}

// The child a row goes to from split `n` at `at`. Branch-free: the direction
// is a coin flip to the branch predictor, so it is computed with a mask.
template <class Node>
inline std::int32_t next_node(const Node& n, std::int32_t at, const float* row) {
  const std::uint32_t go_far = static_cast<std::uint32_t>(!(row[feature_of(n)] <= n.value)) ^ flipped(n);
  return at + 1 + static_cast<std::int32_t>((far_of(n) - 1) & (0u - go_far));
}

// Runs `walks` tree walks on kLanes interleaved lanes, so that their node
// loads (mostly cache misses) overlap: start(lane, i) begins walk i in a lane,
// step(lane) advances it one node and returns false once it has ended. A lane
// whose walk ends takes the next one, so no lane idles while a deep walk
// finishes.
template <std::size_t kLanes, class Lane, class Start, class Step>
void interleave_walks(std::size_t walks, Start&& start, Step&& step) {
  Lane lanes[kLanes];
  std::size_t begun = 0;
  std::size_t active = walks < kLanes ? walks : kLanes;
  for (std::size_t l = 0; l < active; ++l) start(lanes[l], begun++);
  while (active > 0) {
    for (std::size_t l = 0; l < active; ++l) {
      if (step(lanes[l])) [[likely]] continue;
      if (begun < walks) {
        start(lanes[l], begun++);
      } else {
        // The last lane takes this one's place; it steps on the next pass.
        lanes[l] = lanes[--active];
      }
    }
  }
}

// Where each node of a tree goes in the walk layout: position[i] for the
// tree's node i, given each node's training weight (weight_of(i)). `Tree` is
// RandomForest::Tree: nodes in preorder with the low child next. `stack` is
// scratch, kept by the caller so that a forest's trees reuse its memory.
template <class Tree, class WeightOf>
void heavy_first_positions(const Tree& tree, WeightOf&& weight_of, std::vector<std::uint32_t>& position,
                           std::vector<std::uint32_t>& stack) {
  position.resize(tree.nodes.size());
  stack.assign(1, 0);
  std::uint32_t next = 0;
  while (!stack.empty()) {
    const std::uint32_t i = stack.back();
    stack.pop_back();
    position[i] = next++;
    const auto& node = tree.nodes[i];
    if (node.feature < 0) continue;
    const auto low = i + 1, high = static_cast<std::uint32_t>(node.right);
    // The heavier child is pushed last, so it is laid out next; ties keep the low one.
    if (weight_of(high) > weight_of(low)) {
      stack.push_back(low);
      stack.push_back(high);
    } else {
      stack.push_back(high);
      stack.push_back(low);
    }
  }
}

// Each node's training weight: its leaves' weights summed, or its leaf count
// for forests saved without weights.
template <class Tree>
void subtree_weights(const Tree& tree, std::vector<double>& weight) {
  const std::size_t n = tree.nodes.size();
  weight.resize(n);
  // Children follow their parent, so a backward pass has both before the parent.
  for (std::size_t i = n; i-- > 0;) {
    const auto& node = tree.nodes[i];
    if (node.feature < 0) {
      weight[i] = tree.leaf_weights.empty() ? 1.0 : tree.leaf_weights[static_cast<std::size_t>(node.right)];
    } else {
      weight[i] = weight[i + 1] + weight[static_cast<std::size_t>(node.right)];
    }
  }
}

// The walk layout of `trees` in one array, each tree from first[t] on.
// Returns false, leaving `out` empty, when a compact node cannot hold a
// feature or a jump of this forest.
template <class Node, class Tree>
bool lay_out(const std::vector<Tree>& trees, std::size_t classes, std::vector<Node>& out,
             std::vector<std::size_t>& first) {
  std::size_t total = 0;
  first.clear();
  for (const Tree& t : trees) {
    first.push_back(total);
    total += t.nodes.size();
  }
  resize_on_huge_pages(out, total);
  std::vector<double> weight;
  std::vector<std::uint32_t> position, stack;
  for (std::size_t t = 0; t < trees.size(); ++t) {
    const Tree& tree = trees[t];
    subtree_weights(tree, weight);
    heavy_first_positions(tree, [&](std::uint32_t i) { return weight[i]; }, position, stack);
    Node* nodes = out.data() + first[t];
    for (std::size_t i = 0; i < tree.nodes.size(); ++i) {
      const auto& c = tree.nodes[i];
      Node& n = nodes[position[i]];
      if (c.feature < 0) {
        const auto leaf = static_cast<std::size_t>(c.right);
        const float* shares = &tree.leaf_shares[leaf * classes];
        const auto top = std::max_element(shares, shares + classes);
        const auto value = *top == 1.0f ? -static_cast<std::int32_t>(top - shares) - 1 : static_cast<std::int32_t>(leaf);
        n = Node{};  // far 0: a leaf
        n.value = std::bit_cast<float>(value);
        continue;
      }
      const std::uint32_t low = position[i + 1], high = position[static_cast<std::size_t>(c.right)];
      const std::uint32_t flip = high == position[i] + 1;
      const std::uint32_t far = (flip ? low : high) - position[i];
      const auto feature = static_cast<std::uint32_t>(c.feature);
      if constexpr (sizeof(Node) == sizeof(CompactNode)) {
        if (feature >= kCompactFeatures || far >= kCompactFar) {
          out.clear();
          return false;
        }
        n = {c.threshold, far << 12 | flip << 11 | feature};
      } else {
        n = {c.threshold, flip << 31 | feature, far};
      }
    }
  }
  return true;
}

}  // namespace vigil::models::forest_layout
