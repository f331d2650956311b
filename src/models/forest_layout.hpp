// The layout a random forest is walked in when it predicts, derived from its
// saved trees (never saved itself).
//
// A tree's nodes are laid out in preorder with the child that took more of the
// training weight placed right after its parent, so most steps of a walk read
// the next node, usually in the same cache line, instead of jumping. A forest
// of deep trees is far larger than the caches, and those jumps are its cost.
// Most leaves are not laid out at all: a split holds its leaf children in
// itself, so a walk ends one load sooner and the layout has about half the
// nodes (a split with one leaf child holds it; one with two holds both where
// their codes fit in 10 bits each, which pure leaves' do, else the high one).
// Nodes are 8 bytes where the forest allows (fewer than 512 features, no
// jump or held leaf code of 2^20 or more), 12 otherwise.
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
  std::uint32_t
      meta;  // far << 12 | flipped << 11 | near_held << 10 | far_held << 9 | feature; 0 for a leaf
};
struct WideNode {
  float value;
  std::uint32_t feature_flipped;  // flipped << 31 | near_held << 30 | far_held << 29 | feature
  std::uint32_t far;              // 0 for a leaf
};
// The adjacent ("near") child is the low one (x <= threshold) unless
// `flipped`. `far` is the other child's distance from its parent, or, where
// that child is a leaf the split holds (far_held), its leaf code. Where the
// split holds both its children (near_held, far_held), `far` is the near
// one's code << 10 | the far one's.

inline constexpr std::uint32_t kCompactFeatures = 1u << 9;
inline constexpr std::uint32_t kCompactFar = 1u << 20;
inline constexpr std::uint32_t kPairCodeBits = 10;
inline constexpr std::uint32_t kPairCodeMask = (1u << kPairCodeBits) - 1;
inline constexpr std::uint32_t kFarHeldBit = 1u << 9, kNearHeldBit = 1u << 10,
                               kFlippedBit = 1u << 11;

inline std::uint32_t far_of(const CompactNode& n) { return n.meta >> 12; }
inline std::uint32_t far_of(const WideNode& n) { return n.far; }
inline std::uint32_t feature_of(const CompactNode& n) { return n.meta & (kCompactFeatures - 1); }
inline std::uint32_t feature_of(const WideNode& n) { return n.feature_flipped & 0x1fffffff; }
inline std::uint32_t flipped(const CompactNode& n) { return (n.meta >> 11) & 1; }
inline std::uint32_t flipped(const WideNode& n) { return n.feature_flipped >> 31; }
inline std::uint32_t near_held(const CompactNode& n) { return (n.meta >> 10) & 1; }
inline std::uint32_t near_held(const WideNode& n) { return (n.feature_flipped >> 30) & 1; }
inline std::uint32_t far_held(const CompactNode& n) { return (n.meta >> 9) & 1; }
inline std::uint32_t far_held(const WideNode& n) { return (n.feature_flipped >> 29) & 1; }

template <class Node>
inline bool is_leaf(const Node& n) {
  return far_of(n) == 0;
}

template <class Node>
inline std::int32_t leaf_value(const Node& n) {
  return std::bit_cast<std::int32_t>(n.value);
}

// A leaf held in its parent is kept as a code, never 0: a pure leaf of class
// c as 2c + 1, another as 2 x (its row in the leaf shares) + 2.
inline std::uint32_t leaf_code(std::int32_t value) {
  return value < 0 ? 2u * static_cast<std::uint32_t>(-value - 1) + 1
                   : 2u * static_cast<std::uint32_t>(value) + 2;
}
inline std::int32_t leaf_of_code(std::uint32_t code) {
  return (code & 1) ? -static_cast<std::int32_t>((code + 1) >> 1)
                    : static_cast<std::int32_t>(code >> 1) - 1;
}

// The child a row goes to from split `n` at `at`, or -1 where that child is a
// leaf `n` holds, whose value is then written to `leaf`. The direction is a
// coin flip to the branch predictor, so it is computed with a mask; a walk
// ends only once, so the held leaf is a branch.
template <class Node>
inline std::int32_t next_node(const Node& n, std::int32_t at, const float* row,
                              std::int32_t& leaf) {
  const std::uint32_t go_far =
      static_cast<std::uint32_t>(!(row[feature_of(n)] <= n.value)) ^ flipped(n);
  const std::uint32_t far = far_of(n);
  if ((go_far ? far_held(n) : near_held(n)) != 0) [[unlikely]] {
    const std::uint32_t code = near_held(n) == 0 ? far
                               : go_far          ? far & kPairCodeMask
                                                 : far >> kPairCodeBits;
    leaf = leaf_of_code(code);
    return -1;
  }
  return at + 1 + static_cast<std::int32_t>((far - 1) & (0u - go_far));
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
      if (step(lanes[l])) [[likely]]
        continue;
      if (begun < walks) {
        start(lanes[l], begun++);
      } else {
        // The last lane takes this one's place; it steps on the next pass.
        lanes[l] = lanes[--active];
      }
    }
  }
}

// The value a walk ends with at leaf `i` of `tree`: -(c + 1) for a pure leaf
// of class c, otherwise its row in the tree's leaf shares.
template <class Tree>
std::int32_t tree_leaf_value(const Tree& tree, std::size_t classes, std::size_t i) {
  const auto leaf = static_cast<std::size_t>(tree.nodes[i].right);
  const float* shares = &tree.leaf_shares[leaf * classes];
  const auto top = std::max_element(shares, shares + classes);
  return *top == 1.0f ? -static_cast<std::int32_t>(top - shares) - 1
                      : static_cast<std::int32_t>(leaf);
}

// Which leaves of `tree` their parent split holds (held[i] for node i): a
// split's only leaf child; both of a split's leaf children where their codes
// fit in kPairCodeBits each, otherwise the high one.
template <class Tree>
void held_leaves(const Tree& tree, std::size_t classes, std::vector<std::uint8_t>& held) {
  held.assign(tree.nodes.size(), 0);
  for (std::size_t i = 0; i < tree.nodes.size(); ++i) {
    const auto& node = tree.nodes[i];
    if (node.feature < 0) continue;
    const std::size_t low = i + 1, high = static_cast<std::size_t>(node.right);
    const bool low_leaf = tree.nodes[low].feature < 0, high_leaf = tree.nodes[high].feature < 0;
    if (low_leaf && high_leaf) {
      const auto fits = [&](std::size_t leaf) {
        return leaf_code(tree_leaf_value(tree, classes, leaf)) <= kPairCodeMask;
      };
      held[low] = fits(low) && fits(high);
      held[high] = 1;
    } else {
      held[low] = low_leaf;
      held[high] = high_leaf;
    }
  }
}

inline constexpr std::uint32_t kNoPosition = 0xffffffffu;

// Where each node of a tree goes in the walk layout: position[i] for the
// tree's node i (kNoPosition for a held leaf), given each node's training
// weight and the held leaves. `Tree` is RandomForest::Tree: nodes in preorder
// with the low child next. `stack` is scratch, kept by the caller so that a
// forest's trees reuse its memory.
template <class Tree>
void heavy_first_positions(const Tree& tree, const std::vector<double>& weight,
                           const std::vector<std::uint8_t>& held,
                           std::vector<std::uint32_t>& position,
                           std::vector<std::uint32_t>& stack) {
  position.assign(tree.nodes.size(), kNoPosition);
  stack.assign(1, 0);
  std::uint32_t next = 0;
  while (!stack.empty()) {
    const std::uint32_t i = stack.back();
    stack.pop_back();
    position[i] = next++;
    const auto& node = tree.nodes[i];
    if (node.feature < 0) continue;
    const auto low = i + 1, high = static_cast<std::uint32_t>(node.right);
    // The heavier child is pushed last, so it is laid out next; ties keep the
    // low one. A child held in its parent is not laid out.
    const bool high_first = weight[high] > weight[low];
    const std::uint32_t later = high_first ? low : high, sooner = high_first ? high : low;
    if (!held[later]) stack.push_back(later);
    if (!held[sooner]) stack.push_back(sooner);
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
      weight[i] =
          tree.leaf_weights.empty() ? 1.0 : tree.leaf_weights[static_cast<std::size_t>(node.right)];
    } else {
      weight[i] = weight[i + 1] + weight[static_cast<std::size_t>(node.right)];
    }
  }
}

// The walk node of split `i`, whose children are laid out at `position` or held.
// False where a compact node cannot hold its feature, jump or codes.
template <class Node, class Tree>
bool split_node(const Tree& tree, std::size_t classes, std::size_t i,
                const std::vector<std::uint32_t>& position, Node& out) {
  const auto& c = tree.nodes[i];
  const std::size_t low = i + 1, high = static_cast<std::size_t>(c.right);
  const bool low_held = position[low] == kNoPosition, high_held = position[high] == kNoPosition;
  const auto code = [&](std::size_t leaf) {
    return leaf_code(tree_leaf_value(tree, classes, leaf));
  };
  std::uint32_t flip = 0, far = 0, held_bits = 0;
  if (low_held && high_held) {
    far = code(low) << kPairCodeBits | code(high);
    held_bits = 3;
  } else if (low_held || high_held) {
    flip = low_held;  // the child laid out is the near one
    far = code(low_held ? low : high);
    held_bits = 1;
  } else {
    flip = position[high] == position[i] + 1;
    far = (flip ? position[low] : position[high]) - position[i];
  }
  const auto feature = static_cast<std::uint32_t>(c.feature);
  if constexpr (sizeof(Node) == sizeof(CompactNode)) {
    if (feature >= kCompactFeatures || far >= kCompactFar) return false;
    out = {c.threshold, far << 12 | flip << 11 | held_bits << 9 | feature};
  } else {
    out = {c.threshold, flip << 31 | held_bits << 29 | feature, far};
  }
  return true;
}

// The walk layout of `trees` in one array, each tree from first[t] on, and
// for each laid-out node the index of the tree's node it came from (`source`).
// Returns false, leaving `out` empty, when a compact node cannot hold a
// feature, a jump or a held leaf's code of this forest.
template <class Node, class Tree>
bool lay_out(const std::vector<Tree>& trees, std::size_t classes, std::vector<Node>& out,
             std::vector<std::size_t>& first, std::vector<std::uint32_t>& source) {
  // Each tree's held leaves, found once: they size the array, then place the nodes.
  std::vector<std::vector<std::uint8_t>> held(trees.size());
  std::size_t total = 0;
  first.clear();
  for (std::size_t t = 0; t < trees.size(); ++t) {
    first.push_back(total);
    held_leaves(trees[t], classes, held[t]);
    total += trees[t].nodes.size() -
             static_cast<std::size_t>(std::count(held[t].begin(), held[t].end(), 1));
  }
  resize_on_huge_pages(out, total);
  resize_on_huge_pages(source, total);
  std::vector<double> weight;
  std::vector<std::uint32_t> position, stack;
  for (std::size_t t = 0; t < trees.size(); ++t) {
    const Tree& tree = trees[t];
    subtree_weights(tree, weight);
    heavy_first_positions(tree, weight, held[t], position, stack);
    Node* nodes = out.data() + first[t];
    for (std::size_t i = 0; i < tree.nodes.size(); ++i) {
      if (position[i] == kNoPosition) continue;
      source[first[t] + position[i]] = static_cast<std::uint32_t>(i);
      Node& n = nodes[position[i]];
      if (tree.nodes[i].feature < 0) {
        n = Node{};  // far 0: a leaf
        n.value = std::bit_cast<float>(tree_leaf_value(tree, classes, i));
      } else if (!split_node(tree, classes, i, position, n)) {
        out.clear();
        source.clear();
        return false;
      }
    }
  }
  return true;
}

}  // namespace vigil::models::forest_layout
