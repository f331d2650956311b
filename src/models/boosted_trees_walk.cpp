#include "models/boosted_trees_walk.hpp"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "models/forest_walk_avx512.hpp"

// GCC 12's AVX-512 gather and shift intrinsics start from an undefined vector,
// which it then reports as maybe used uninitialised (a known false positive).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace vigil::models {
namespace {

// A node's meta: left child << 12 | default-left << 11 | feature.
constexpr std::uint32_t kFeatureBits = 11, kFeatureMask = (1u << kFeatureBits) - 1,
                        kDefaultLeft = 1u << kFeatureBits;
constexpr std::uint32_t kLeftShift = 12;
constexpr std::size_t kMostNodes = std::size_t{1} << (32 - kLeftShift);

// Trees walked at once for a row (a vector's lanes): their walks do not wait
// on one another.
constexpr std::size_t kTogether = 16;
// Groups of them stepped in turn by the vector walk, so that their gathers overlap.
constexpr std::size_t kGroups = 4;

// A split's mean value as XGBoost derives it for its approximate
// contributions: its children's means weighted by their hessian sums, in
// float, each product rounded (no fused multiply-add, as XGBoost's build).
__attribute__((optimize("fp-contract=off"))) float split_mean(float left, float left_hessian,
                                                              float right, float right_hessian,
                                                              float hessian) {
  float result = left * left_hessian;
  result += right * right_hessian;
  result /= hessian;
  return result;
}

// The node after `at` for `row` (whose slot `features` is the sentinel 0).
// Rows without a missing value (all of them, once imputed) skip the check.
template <bool kMissing, class Node>
inline std::uint32_t next_node(const Node* nodes, std::uint32_t at, const float* row) {
  const Node& n = nodes[at];
  const float v = row[n.meta & kFeatureMask];
  const std::uint32_t left = n.meta >> kLeftShift;
  if constexpr (kMissing) {
    if (std::isnan(v)) return left + static_cast<std::uint32_t>((n.meta & kDefaultLeft) == 0);
  }
  return left + static_cast<std::uint32_t>(!(v < n.split));
}

template <bool kMissing, class Node>
void walk_row_scalar(const Node* nodes, const std::uint32_t* roots,
                     const std::uint32_t* group_depth, std::size_t groups, const float* row,
                     const float* leaf_values, float* leaves) {
  for (std::size_t g = 0; g < groups; ++g) {
    std::uint32_t at[kTogether];
    for (std::size_t j = 0; j < kTogether; ++j) at[j] = roots[g * kTogether + j];
    for (std::uint32_t d = 0; d < group_depth[g]; ++d) {
      for (std::size_t j = 0; j < kTogether; ++j) at[j] = next_node<kMissing>(nodes, at[j], row);
    }
    for (std::size_t j = 0; j < kTogether; ++j) leaves[g * kTogether + j] = leaf_values[at[j]];
  }
}

// The row's value of each lane's feature. Rows of up to 64 values (the
// sentinel slot included) are held in four registers and picked by
// permutation, which is much faster than gathering them from memory.
struct RowValues {
  const float* row;
  bool in_registers;
  __m512 part[4];
};

__attribute__((target("avx512f"), always_inline)) inline RowValues load_row(const float* row,
                                                                            std::size_t width) {
  RowValues v{row, width <= 64, {}};
  if (!v.in_registers) return v;
  for (std::size_t i = 0; i < 4; ++i) {
    const std::size_t lo = i * 16;
    const std::size_t n = width > lo ? std::min<std::size_t>(16, width - lo) : 0;
    v.part[i] = _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << n) - 1), row + lo);
  }
  return v;
}

__attribute__((target("avx512f"), always_inline)) inline __m512 values_of(const RowValues& v,
                                                                          __m512i feature) {
  if (!v.in_registers) return _mm512_i32gather_ps(feature, v.row, 4);
  const __m512 low =
      _mm512_permutex2var_ps(v.part[0], feature, v.part[1]);  // features 0-31 (index bits 0-4)
  const __m512 high = _mm512_permutex2var_ps(v.part[2], feature, v.part[3]);  // features 32-63
  const __mmask16 upper = _mm512_test_epi32_mask(feature, _mm512_set1_epi32(32));
  return _mm512_mask_blend_ps(upper, low, high);
}

// The same walk, sixteen trees a vector, kGroups vectors in turn. A node is
// two words (split, meta); lanes past their tree's leaf stay on it.
__attribute__((target("avx512f"))) void walk_row_avx512(const void* nodes,
                                                        const std::uint32_t* roots,
                                                        const std::uint32_t* group_depth,
                                                        std::size_t groups, const float* row,
                                                        std::size_t width, bool missing,
                                                        const float* leaf_values, float* leaves) {
  const auto* words = static_cast<const int*>(nodes);
  const __m512i one = _mm512_set1_epi32(1);
  const RowValues values = load_row(row, width);
  for (std::size_t lo = 0; lo < groups; lo += kGroups) {
    const std::size_t n = std::min(kGroups, groups - lo);
    __m512i at[kGroups];
    std::uint32_t depth = 0;
    for (std::size_t g = 0; g < n; ++g) {
      at[g] = _mm512_loadu_si512(roots + (lo + g) * kTogether);
      depth = std::max(depth, group_depth[lo + g]);
    }
    for (std::uint32_t d = 0; d < depth; ++d) {
      for (std::size_t g = 0; g < n; ++g) {
        const __m512i split_word = _mm512_slli_epi32(at[g], 1);
        const __m512 split = _mm512_i32gather_ps(split_word, words, 4);
        const __m512i meta = _mm512_i32gather_epi32(_mm512_add_epi32(split_word, one), words, 4);
        const __m512i feature =
            _mm512_and_si512(meta, _mm512_set1_epi32(static_cast<int>(kFeatureMask)));
        const __m512 x = values_of(values, feature);
        __mmask16 right = _mm512_cmp_ps_mask(x, split, _CMP_NLT_UQ);  // !(x < split); true for NaN
        if (missing) {
          const __mmask16 nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
          const __mmask16 default_left =
              _mm512_test_epi32_mask(meta, _mm512_set1_epi32(static_cast<int>(kDefaultLeft)));
          right = static_cast<__mmask16>((right & ~nan) | (nan & ~default_left));
        }
        const __m512i left = _mm512_srli_epi32(meta, kLeftShift);
        at[g] = _mm512_mask_add_epi32(left, right, left, one);
      }
    }
    for (std::size_t g = 0; g < n; ++g) {
      _mm512_storeu_ps(leaves + (lo + g) * kTogether, _mm512_i32gather_ps(at[g], leaf_values, 4));
    }
  }
}

}  // namespace

std::optional<BoostedTreesWalk> BoostedTreesWalk::from_ubjson(std::span<const std::uint8_t> model,
                                                              std::size_t classes,
                                                              std::size_t features) {
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
    // The leaves' sentinel slot must fit a node's feature bits.
    if (tree_info.size() != trees.size() || trees.empty() || features >= kFeatureMask)
      return std::nullopt;

    BoostedTreesWalk walk;
    walk.classes_ = classes;
    walk.features_ = features;
    walk.base_score_ = std::strtof(param.at("base_score").get<std::string>().c_str(), nullptr);
    for (std::size_t t = 0; t < trees.size(); ++t) {
      const nlohmann::json& tree = trees[t];
      if (std::stoul(tree.at("tree_param").at("size_leaf_vector").get<std::string>()) != 0)
        return std::nullopt;
      const auto left = tree.at("left_children").get<std::vector<std::int64_t>>();
      const auto right = tree.at("right_children").get<std::vector<std::int64_t>>();
      const auto feature = tree.at("split_indices").get<std::vector<std::int64_t>>();
      const auto split = tree.at("split_conditions").get<std::vector<float>>();
      const auto default_left = tree.at("default_left").get<std::vector<std::int64_t>>();
      const auto split_type = tree.at("split_type").get<std::vector<std::int64_t>>();
      const auto hessian = tree.contains("sum_hessian")
                               ? tree.at("sum_hessian").get<std::vector<float>>()
                               : std::vector<float>{};
      const std::size_t n = left.size();
      if (n == 0 || right.size() != n || feature.size() != n || split.size() != n ||
          default_left.size() != n || split_type.size() != n || tree_info[t] < 0 ||
          static_cast<std::size_t>(tree_info[t]) >= classes) {
        return std::nullopt;
      }
      const auto first = static_cast<std::uint32_t>(walk.nodes_.size());
      if (first + n >= kMostNodes) return std::nullopt;
      std::vector<std::uint32_t> depth(n, 0);
      std::uint32_t deepest = 0;
      for (std::size_t i = 0; i < n; ++i) {
        Node node{};
        float leaf = 0.0f;
        if (left[i] < 0) {  // a leaf (its value is in split_conditions) loops to itself
          node = {std::numeric_limits<float>::infinity(),
                  (first + static_cast<std::uint32_t>(i)) << kLeftShift | kDefaultLeft |
                      static_cast<std::uint32_t>(features)};
          leaf = split[i];
          deepest = std::max(deepest, depth[i]);
        } else {
          // XGBoost's predictor takes the right child as left + 1; children come after their
          // parent.
          if (right[i] != left[i] + 1 || left[i] <= static_cast<std::int64_t>(i) ||
              right[i] >= static_cast<std::int64_t>(n) || split_type[i] != 0 || feature[i] < 0 ||
              static_cast<std::size_t>(feature[i]) >= features) {
            return std::nullopt;
          }
          node = {split[i], (first + static_cast<std::uint32_t>(left[i])) << kLeftShift |
                                (default_left[i] != 0 ? kDefaultLeft : 0u) |
                                static_cast<std::uint32_t>(feature[i])};
          depth[static_cast<std::size_t>(left[i])] = depth[static_cast<std::size_t>(right[i])] =
              depth[i] + 1;
        }
        walk.nodes_.push_back(node);
        walk.leaf_.push_back(leaf);
      }
      // Each node's mean value, for contributions; children come after their parent.
      if (hessian.size() == n) {
        std::vector<float> mean(n);
        for (std::size_t i = n; i-- > 0;) {
          if (left[i] < 0) {
            mean[i] = split[i];
          } else {
            const auto l = static_cast<std::size_t>(left[i]),
                       r = static_cast<std::size_t>(right[i]);
            mean[i] = split_mean(mean[l], hessian[l], mean[r], hessian[r], hessian[i]);
          }
        }
        walk.mean_.insert(walk.mean_.end(), mean.begin(), mean.end());
      }
      walk.tree_root_.push_back(first);
      walk.tree_depth_.push_back(deepest);
      walk.tree_class_.push_back(static_cast<std::uint32_t>(tree_info[t]));
    }
    // Padded to whole groups with one-leaf trees, walked but never added.
    const std::size_t padded = (trees.size() + kTogether - 1) / kTogether * kTogether;
    const auto pad = static_cast<std::uint32_t>(walk.nodes_.size());
    walk.nodes_.push_back(
        {std::numeric_limits<float>::infinity(),
         pad << kLeftShift | kDefaultLeft | static_cast<std::uint32_t>(features)});
    walk.leaf_.push_back(0.0f);
    // Contributions need every tree's means (a model without hessian sums has none).
    if (walk.mean_.size() + 1 != walk.nodes_.size()) {
      walk.mean_.clear();
    } else {
      walk.mean_.push_back(0.0f);
    }
    walk.tree_root_.resize(padded, pad);
    walk.tree_depth_.resize(padded, 0);
    for (std::size_t lo = 0; lo < padded; lo += kTogether) {
      walk.group_depth_.push_back(
          *std::max_element(&walk.tree_depth_[lo], &walk.tree_depth_[lo] + kTogether));
    }
    return walk;
  } catch (const std::exception&) {
    return std::nullopt;  // a layout this walk does not know: XGBoost predicts
  }
}

void BoostedTreesWalk::predict_proba(const Matrix& x, std::size_t lo_row, std::size_t hi_row,
                                     Matrix& out) const {
  const std::size_t cols = features_, trees = tree_class_.size(), groups = group_depth_.size();
  std::vector<float> row(cols + 1, 0.0f);  // the row, then the leaves' sentinel slot
  std::vector<float> leaves(tree_root_.size());
  std::vector<float> margin(classes_);
  const bool vectors = forest_layout::has_avx512();
  for (std::size_t r = lo_row; r < hi_row; ++r) {
    std::copy_n(x.row(r).data(), cols, row.data());
    const bool missing = std::any_of(row.begin(), row.end(), [](float v) { return std::isnan(v); });
    if (vectors) {
      walk_row_avx512(nodes_.data(), tree_root_.data(), group_depth_.data(), groups, row.data(),
                      row.size(), missing, leaf_.data(), leaves.data());
    } else if (missing) {
      walk_row_scalar<true>(nodes_.data(), tree_root_.data(), group_depth_.data(), groups,
                            row.data(), leaf_.data(), leaves.data());
    } else {
      walk_row_scalar<false>(nodes_.data(), tree_root_.data(), group_depth_.data(), groups,
                             row.data(), leaf_.data(), leaves.data());
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

void BoostedTreesWalk::contributions(std::span<const float> x, std::int32_t cls,
                                     std::span<float> out) const {
  std::fill(out.begin(), out.end(), 0.0f);
  std::vector<float> row(x.begin(), x.end());
  row.push_back(0.0f);  // the leaves' sentinel slot
  const bool missing = std::any_of(x.begin(), x.end(), [](float v) { return std::isnan(v); });
  std::vector<float> tree_part(features_ + 1);
  const Node* nodes = nodes_.data();
  // XGBoost's approximate contributions (RegTree::CalculateContributionsApprox
  // and the sums around it), in its order and precision.
  for (std::size_t t = 0; t < tree_class_.size(); ++t) {
    if (tree_class_[t] != static_cast<std::uint32_t>(cls)) continue;
    std::fill(tree_part.begin(), tree_part.end(), 0.0f);
    const auto is_leaf = [&](std::uint32_t node) {
      return (nodes[node].meta & kFeatureMask) == features_;
    };
    std::uint32_t at = tree_root_[t];
    float value = mean_[at];
    tree_part[features_] += value;  // the bias: the root's mean
    if (!is_leaf(at)) {
      std::uint32_t split_feature = 0;
      while (!is_leaf(at)) {
        split_feature = nodes[at].meta & kFeatureMask;
        at = missing ? next_node<true>(nodes, at, row.data())
                     : next_node<false>(nodes, at, row.data());
        const float next_value = mean_[at];
        tree_part[split_feature] += next_value - value;
        value = next_value;
      }
      tree_part[split_feature] += leaf_[at] - value;
    }
    for (std::size_t c = 0; c <= features_; ++c) out[c] += tree_part[c];
  }
  out[features_] += base_score_;
}

}  // namespace vigil::models
