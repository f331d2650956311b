#include "models/random_forest.hpp"

#include <algorithm>
#include <omp.h>

#include <atomic>
#include <cmath>
#include <cstdio>

#include "vigil/core/error.hpp"
#include "vigil/core/random.hpp"

namespace vigil::models {
namespace {

// Each feature cut into quantile bins; edges are midpoints between neighbouring
// distinct values, so "x <= edge" is the test a tree applies to raw values.
struct BinnedData {
  std::size_t rows = 0, cols = 0;
  std::vector<std::uint16_t> bins;         // column-major: bins[f * rows + r]
  std::vector<std::vector<float>> edges;   // per feature, ascending; bin b means x <= edges[b]
};

BinnedData bin_features(const Matrix& x, std::size_t max_bins) {
  BinnedData b;
  b.rows = x.rows();
  b.cols = x.cols();
  b.bins.resize(b.rows * b.cols);
  b.edges.resize(b.cols);
  const auto cols = static_cast<long>(b.cols);
#pragma omp parallel for schedule(dynamic)
  for (long fl = 0; fl < cols; ++fl) {
    const auto f = static_cast<std::size_t>(fl);
    std::vector<float> v(b.rows);
    for (std::size_t r = 0; r < b.rows; ++r) v[r] = x(r, f);
    std::sort(v.begin(), v.end());
    std::vector<float> distinct;
    std::vector<std::size_t> ends;  // one past the last sorted position of each distinct value
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (distinct.empty() || v[i] != distinct.back()) {
        if (!distinct.empty()) ends.push_back(i);
        distinct.push_back(v[i]);
      }
    }
    ends.push_back(v.size());
    std::vector<float>& edges = b.edges[f];
    if (distinct.size() <= max_bins) {
      for (std::size_t i = 0; i + 1 < distinct.size(); ++i) edges.push_back(distinct[i] / 2 + distinct[i + 1] / 2);
    } else {
      // Cut after the distinct value where each quantile of the rows falls.
      std::size_t next = 1;
      for (std::size_t i = 0; i + 1 < distinct.size() && edges.size() + 1 < max_bins; ++i) {
        if (ends[i] * max_bins >= next * b.rows) {
          edges.push_back(distinct[i] / 2 + distinct[i + 1] / 2);
          while (next * b.rows <= ends[i] * max_bins) ++next;
        }
      }
    }
    for (std::size_t r = 0; r < b.rows; ++r) {
      const float value = x(r, f);
      b.bins[f * b.rows + r] = static_cast<std::uint16_t>(std::lower_bound(edges.begin(), edges.end(), value) - edges.begin());
    }
  }
  return b;
}

struct TreeParams {
  std::size_t candidates;
  long max_depth;  // 0: unlimited
  std::size_t min_split;
  std::size_t min_leaf;
};

class TreeBuilder {
 public:
  TreeBuilder(const BinnedData& data, std::span<const std::int32_t> labels, int classes, TreeParams p, Rng rng)
      : data_(data), labels_(labels), k_(static_cast<std::size_t>(classes)), p_(p), rng_(rng) {
    features_.resize(data.cols);
    for (std::size_t f = 0; f < data.cols; ++f) features_[f] = f;
  }

  RandomForest::Tree build(std::vector<std::uint32_t>& samples) {
    RandomForest::Tree tree;
    struct Task {
      std::size_t lo, hi;
      long depth;
      std::int32_t parent;  // the split whose `right` must point here; -1 for the root or a left child
    };
    // Popping left before right lays the nodes out in preorder.
    std::vector<Task> stack = {{0, samples.size(), 0, -1}};
    std::vector<std::uint32_t> counts(k_);
    while (!stack.empty()) {
      const Task t = stack.back();
      stack.pop_back();
      const auto self = static_cast<std::int32_t>(tree.nodes.size());
      if (t.parent >= 0) tree.nodes[static_cast<std::size_t>(t.parent)].right = self;
      std::fill(counts.begin(), counts.end(), 0);
      for (std::size_t i = t.lo; i < t.hi; ++i) ++counts[static_cast<std::size_t>(labels_[samples[i]])];
      const std::size_t n = t.hi - t.lo;
      const bool pure = std::count_if(counts.begin(), counts.end(), [](auto c) { return c > 0; }) <= 1;
      Split s;
      if (!pure && n >= p_.min_split && (p_.max_depth == 0 || t.depth < p_.max_depth)) {
        s = best_split(samples, t.lo, t.hi, counts);
      }
      if (s.feature < 0) {
        tree.nodes.push_back({-1, 0, static_cast<std::int32_t>(tree.leaf_shares.size() / k_)});
        for (auto c : counts) tree.leaf_shares.push_back(static_cast<float>(c) / static_cast<float>(n));
        continue;
      }
      const std::uint16_t* col = &data_.bins[static_cast<std::size_t>(s.feature) * data_.rows];
      const auto mid = std::partition(samples.begin() + static_cast<long>(t.lo), samples.begin() + static_cast<long>(t.hi),
                                      [&](std::uint32_t r) { return col[r] <= s.bin; });
      const auto m = static_cast<std::size_t>(mid - samples.begin());
      tree.nodes.push_back({s.feature, data_.edges[static_cast<std::size_t>(s.feature)][s.bin], -1});
      stack.push_back({m, t.hi, t.depth + 1, self});
      stack.push_back({t.lo, m, t.depth + 1, -1});
    }
    return tree;
  }

 private:
  struct Split {
    std::int32_t feature = -1;
    std::uint16_t bin = 0;
  };

  // The Gini-best split among `candidates` random features; when none of them
  // can split the node, further features are tried, as scikit-learn does. Each
  // feature's (bin, class) keys are radix-sorted and every boundary between
  // bins is scored, which is exact for a feature with no more values than bins.
  Split best_split(const std::vector<std::uint32_t>& samples, std::size_t lo, std::size_t hi,
                   const std::vector<std::uint32_t>& counts) {
    const std::size_t n = hi - lo;
    double parent = 0;
    for (auto c : counts) parent += static_cast<double>(c) * c;
    parent /= static_cast<double>(n);
    Split best;
    double best_score = parent + 1e-12;  // score = sum L^2/nl + sum R^2/nr; must beat the parent
    std::vector<std::uint32_t> left(k_);
    keys_.resize(n);
    scratch_.resize(n);
    for (std::size_t tried = 0; tried < features_.size(); ++tried) {
      if (tried >= p_.candidates && best.feature >= 0) break;
      // Partial Fisher-Yates: draw the next feature without replacement.
      const std::size_t pick = tried + rng_.below(features_.size() - tried);
      std::swap(features_[tried], features_[pick]);
      const std::size_t f = features_[tried];
      if (data_.edges[f].empty()) continue;
      const std::uint16_t* col = &data_.bins[f * data_.rows];
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t r = samples[lo + i];
        keys_[i] = (static_cast<std::uint32_t>(col[r]) << 8) | static_cast<std::uint32_t>(labels_[r]);
      }
      sort_keys(n);
      std::fill(left.begin(), left.end(), 0);
      for (std::size_t i = 0; i + 1 < n; ++i) {
        ++left[keys_[i] & 0xff];
        const std::uint32_t bin = keys_[i] >> 8;
        if ((keys_[i + 1] >> 8) == bin) continue;  // not a boundary between bins
        const std::size_t nl = i + 1, nr = n - nl;
        if (nl < p_.min_leaf) continue;
        if (nr < p_.min_leaf) break;
        double sl = 0, sr = 0;
        for (std::size_t c = 0; c < k_; ++c) {
          const double l = left[c];
          const double r = static_cast<double>(counts[c]) - l;
          sl += l * l;
          sr += r * r;
        }
        const double score = sl / static_cast<double>(nl) + sr / static_cast<double>(nr);
        if (score > best_score) {
          best_score = score;
          best = {static_cast<std::int32_t>(f), static_cast<std::uint16_t>(bin)};
        }
      }
    }
    return best;
  }

  // Sorts keys_[0, n) by their bin (bits 8-23): two 8-bit counting passes, or
  // insertion sort for the many small nodes near the leaves.
  void sort_keys(std::size_t n) {
    if (n <= 48) {
      for (std::size_t i = 1; i < n; ++i) {
        const std::uint32_t v = keys_[i];
        std::size_t j = i;
        for (; j > 0 && (keys_[j - 1] >> 8) > (v >> 8); --j) keys_[j] = keys_[j - 1];
        keys_[j] = v;
      }
      return;
    }
    for (int shift : {8, 16}) {
      std::size_t count[257] = {};
      for (std::size_t i = 0; i < n; ++i) ++count[((keys_[i] >> shift) & 0xff) + 1];
      if (count[1] == n) continue;  // every key has the same byte here
      for (std::size_t b = 1; b < 257; ++b) count[b] += count[b - 1];
      for (std::size_t i = 0; i < n; ++i) scratch_[count[(keys_[i] >> shift) & 0xff]++] = keys_[i];
      std::swap(keys_, scratch_);
    }
  }

  const BinnedData& data_;
  std::span<const std::int32_t> labels_;
  std::size_t k_;
  TreeParams p_;
  Rng rng_;
  std::vector<std::uint32_t> keys_, scratch_;
  std::vector<std::size_t> features_;
};

}  // namespace

std::vector<ParamSpec> RandomForest::param_specs() {
  return {ParamSpec::integer("trees", 100, 1, 100000, "number of trees"),
          ParamSpec::integer("max_depth", 0, 0, 10000, "deepest level a tree may reach (0: unlimited)"),
          ParamSpec::integer("min_samples_split", 2, 2, 1L << 40, "fewest rows a node needs to be split"),
          ParamSpec::integer("min_samples_leaf", 1, 1, 1L << 40, "fewest rows each side of a split keeps"),
          ParamSpec::integer("max_features", 0, 0, 100000, "split candidates per node (0: sqrt of the features)"),
          ParamSpec::integer("max_bins", 65535, 2, 65535,
                             "quantile bins per feature for split search (exact up to this many distinct values)"),
          ParamSpec::choice("bootstrap", "on", {"on", "off"}, "train each tree on a bootstrap sample of the rows"),
          ParamSpec::integer("seed", 42, 0, 1L << 53, "seed for bootstrap samples and feature draws")};
}

void RandomForest::fit(const Matrix& x, std::span<const std::int32_t> labels, int classes, Progress* progress) {
  VIGIL_CHECK(labels.size() == x.rows() && classes > 0, "random forest fit shapes");
  if (x.rows() == 0) throw InputError("random forest: no training rows");
  if (x.rows() >= (1ULL << 32)) throw InputError("random forest: more than 2^32 training rows");
  if (classes > 256) throw InputError("random forest: more than 256 classes");
  const BinnedData data = bin_features(x, static_cast<std::size_t>(params_.integer("max_bins")));
  TreeParams tp;
  const auto max_features = static_cast<std::size_t>(params_.integer("max_features"));
  tp.candidates = max_features ? std::min(max_features, x.cols())
                               : std::max<std::size_t>(1, static_cast<std::size_t>(std::sqrt(static_cast<double>(x.cols()))));
  tp.max_depth = params_.integer("max_depth");
  tp.min_split = static_cast<std::size_t>(params_.integer("min_samples_split"));
  tp.min_leaf = static_cast<std::size_t>(params_.integer("min_samples_leaf"));
  const bool bootstrap = params_.text("bootstrap") == "on";
  const auto n_trees = static_cast<std::size_t>(params_.integer("trees"));
  const auto seed = static_cast<std::uint64_t>(params_.integer("seed"));

  trees_.assign(n_trees, {});
  std::atomic<std::size_t> done{0};
  if (progress) progress->begin("random forest", n_trees);
  const auto count = static_cast<long>(n_trees);
#pragma omp parallel for schedule(dynamic)
  for (long t = 0; t < count; ++t) {
    // Each tree has its own stream, so results do not depend on the thread count.
    Rng rng(seed * 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(t) + 1);
    std::vector<std::uint32_t> samples(x.rows());
    for (std::size_t i = 0; i < samples.size(); ++i) {
      samples[i] = bootstrap ? static_cast<std::uint32_t>(rng.below(x.rows())) : static_cast<std::uint32_t>(i);
    }
    TreeBuilder builder(data, labels, classes, tp, rng);
    trees_[static_cast<std::size_t>(t)] = builder.build(samples);
    const std::size_t finished = ++done;
    if (progress && omp_get_thread_num() == 0) progress->update(finished);
  }
  if (progress) progress->end();
  classes_ = classes;
  features_ = x.cols();
  std::size_t leaves = 0;
  for (const auto& t : trees_) leaves += t.leaf_shares.size() / static_cast<std::size_t>(classes);
  char line[160];
  std::snprintf(line, sizeof line, "rf: %zu trees, %.0f leaves per tree on average", n_trees,
                static_cast<double>(leaves) / static_cast<double>(n_trees));
  notes_ = {line};
}

Matrix RandomForest::predict_proba(const Matrix& x) const {
  check_input(x);
  const auto k = static_cast<std::size_t>(classes_);
  Matrix out(x.rows(), k);
  const float share = 1.0f / static_cast<float>(trees_.size());
  // Rows in blocks, trees in the inner loop over a block: one tree's nodes stay
  // in cache while a block of rows walks through it.
  constexpr std::size_t kBlock = 256;
  const auto blocks = static_cast<long>((x.rows() + kBlock - 1) / kBlock);
#pragma omp parallel for schedule(dynamic)
  for (long b = 0; b < blocks; ++b) {
    const std::size_t lo = static_cast<std::size_t>(b) * kBlock;
    const std::size_t hi = std::min(x.rows(), lo + kBlock);
    for (const Tree& tree : trees_) {
      const Node* nodes = tree.nodes.data();
      // Sixteen rows walk the tree in lockstep, so their node loads (mostly cache
      // misses) overlap instead of waiting one after another.
      constexpr std::size_t kLanes = 16;
      for (std::size_t r0 = lo; r0 < hi; r0 += kLanes) {
        const std::size_t lanes = std::min(kLanes, hi - r0);
        const Node* at[kLanes];
        const float* rows[kLanes];
        for (std::size_t l = 0; l < lanes; ++l) {
          at[l] = nodes;
          rows[l] = x.row(r0 + l).data();
        }
        for (bool moving = true; moving;) {
          moving = false;
          for (std::size_t l = 0; l < lanes; ++l) {
            const Node* n = at[l];
            if (n->feature < 0) continue;
            at[l] = rows[l][n->feature] <= n->threshold ? n + 1 : nodes + n->right;
            moving = true;
          }
        }
        for (std::size_t l = 0; l < lanes; ++l) {
          const float* p = &tree.leaf_shares[static_cast<std::size_t>(at[l]->right) * k];
          float* dst = out.row(r0 + l).data();
          for (std::size_t c = 0; c < k; ++c) dst[c] += p[c] * share;
        }
      }
    }
  }
  return out;
}

void RandomForest::save_state(ByteWriter& w) const {
  w.i32(classes_);
  w.u64(features_);
  w.u64(trees_.size());
  for (const Tree& t : trees_) {
    w.u64(t.nodes.size());
    for (const Node& n : t.nodes) {
      w.i32(n.feature);
      w.f32(n.threshold);
      w.i32(n.right);
    }
    w.floats(t.leaf_shares);
  }
  w.strings(notes_);
}

void RandomForest::load_state(ByteReader& r) {
  classes_ = r.i32();
  features_ = r.u64();
  if (classes_ <= 0) r.fail("random forest has no classes");
  const auto k = static_cast<std::size_t>(classes_);
  const auto count = r.count(1000000, "tree");
  trees_.assign(count, {});
  for (Tree& t : trees_) {
    const auto nodes = r.count(r.remaining() / 12, "node");
    t.nodes.resize(nodes);
    for (Node& n : t.nodes) n = {r.i32(), r.f32(), r.i32()};
    t.leaf_shares = r.floats();
    const auto leaves = static_cast<std::int64_t>(t.leaf_shares.size() / k);
    for (std::size_t i = 0; i < t.nodes.size(); ++i) {
      const Node& n = t.nodes[i];
      const auto self = static_cast<std::int64_t>(i);
      // Children lie after their parent, so a corrupt file can neither loop nor overrun.
      const bool ok = n.feature < 0 ? (n.right >= 0 && n.right < leaves)
                                    : (static_cast<std::size_t>(n.feature) < features_ && self + 1 < static_cast<std::int64_t>(nodes) &&
                                       n.right > self + 1 && static_cast<std::size_t>(n.right) < nodes);
      if (!ok) r.fail("random forest node " + std::to_string(i) + " is malformed");
    }
    if (t.nodes.empty() || t.leaf_shares.size() % k != 0) r.fail("random forest tree is malformed");
  }
  if (trees_.empty()) r.fail("random forest has no trees");
  notes_ = r.strings();
}

void register_random_forest(Registry& registry) {
  registry.add({"rf", "Random forest of Gini trees (as scikit-learn's RandomForestClassifier)",
                RandomForest::param_specs(), [](ParamSet p) { return std::make_unique<RandomForest>(std::move(p)); }});
}

}  // namespace vigil::models
