#include "models/random_forest.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdio>
#include <limits>
#include <type_traits>

#include "core/huge_pages.hpp"
#include "core/parallel.hpp"
#include "models/forest_walk_avx512.hpp"
#include "vigil/core/error.hpp"
#include "vigil/core/random.hpp"

namespace vigil::models {
namespace {

using forest_layout::interleave_walks;

// Each feature cut into quantile bins; edges are midpoints between neighbouring
// distinct values, so "x <= edge" is the test a tree applies to raw values.
struct BinnedData {
  std::size_t rows = 0, cols = 0;
  std::vector<std::uint16_t> bins;        // column-major: bins[f * rows + r]
  std::vector<std::vector<float>> edges;  // per feature, ascending; bin b means x <= edges[b]
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
      for (std::size_t i = 0; i + 1 < distinct.size(); ++i)
        edges.push_back(distinct[i] / 2 + distinct[i + 1] / 2);
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
      b.bins[f * b.rows + r] = static_cast<std::uint16_t>(
          std::lower_bound(edges.begin(), edges.end(), value) - edges.begin());
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

// One bootstrap draw of a row: the row and how many times it was drawn. Like
// scikit-learn, a tree sees each drawn row once, weighted by its count, which
// is the same tree as seeing the copies but sorts a third fewer entries.
struct Sample {
  std::uint32_t row;
  std::uint32_t weight;
};

class TreeBuilder {
 public:
  // `class_weight`: what a row of each class weighs in the Gini and the leaves
  // (all 1 unless class_weight=balanced; then sums are no longer whole numbers).
  TreeBuilder(const BinnedData& data, std::span<const std::uint8_t> labels, int classes,
              std::span<const double> class_weight, TreeParams p, Rng rng)
      : data_(data),
        labels_(labels),
        k_(static_cast<std::size_t>(classes)),
        class_weight_(class_weight),
        p_(p),
        rng_(rng) {
    features_.resize(data.cols);
    for (std::size_t f = 0; f < data.cols; ++f) features_[f] = f;
    gains_.assign(data.cols, 0.0);
  }

  RandomForest::Tree build(std::vector<Sample>& samples) {
    RandomForest::Tree tree;
    struct Task {
      std::size_t lo, hi;
      long depth;
      std::int32_t
          parent;  // the split whose `right` must point here; -1 for the root or a left child
    };
    // Popping left before right lays the nodes out in preorder.
    std::vector<Task> stack = {{0, samples.size(), 0, -1}};
    std::vector<double> counts(k_);
    while (!stack.empty()) {
      const Task t = stack.back();
      stack.pop_back();
      const auto self = static_cast<std::int32_t>(tree.nodes.size());
      if (t.parent >= 0) tree.nodes[static_cast<std::size_t>(t.parent)].right = self;
      std::fill(counts.begin(), counts.end(), 0.0);
      double weight = 0;
      for (std::size_t i = t.lo; i < t.hi; ++i) {
        const std::uint8_t c = labels_[samples[i].row];
        const double w = samples[i].weight * class_weight_[c];
        counts[c] += w;
        weight += w;
      }
      const std::size_t n = t.hi - t.lo;  // distinct rows, as scikit-learn counts min_samples_*
      const bool pure =
          std::count_if(counts.begin(), counts.end(), [](auto c) { return c > 0; }) <= 1;
      Split s;
      if (!pure && n >= p_.min_split && (p_.max_depth == 0 || t.depth < p_.max_depth)) {
        s = best_split(samples, t.lo, t.hi, counts, weight);
      }
      if (s.feature < 0) {
        tree.nodes.push_back({-1, 0, static_cast<std::int32_t>(tree.leaf_shares.size() / k_)});
        tree.leaf_weights.push_back(static_cast<float>(weight));
        for (auto c : counts) tree.leaf_shares.push_back(static_cast<float>(c / weight));
        continue;
      }
      gains_[static_cast<std::size_t>(s.feature)] += s.gain;
      const std::uint16_t* col = &data_.bins[static_cast<std::size_t>(s.feature) * data_.rows];
      const std::size_t m = stable_partition(samples, t.lo, t.hi, col, s.bin);
      tree.nodes.push_back(
          {s.feature, data_.edges[static_cast<std::size_t>(s.feature)][s.bin], -1});
      stack.push_back({m, t.hi, t.depth + 1, self});
      stack.push_back({t.lo, m, t.depth + 1, -1});
    }
    return tree;
  }

  // Per feature, the summed weighted Gini decrease of the splits built on it.
  const std::vector<double>& gains() const { return gains_; }

 private:
  struct Split {
    std::int32_t feature = -1;
    std::uint16_t bin = 0;
    double gain = 0;  // weight x Gini of the node less that of its children
  };

  // Moves the rows going left (bin <= cut) before those going right, keeping
  // each side in row order: later nodes then read the bin columns in ascending
  // addresses, which the hardware prefetches, instead of at random.
  std::size_t stable_partition(std::vector<Sample>& samples, std::size_t lo, std::size_t hi,
                               const std::uint16_t* col, std::uint16_t cut) {
    right_.clear();
    std::size_t out = lo;
    for (std::size_t i = lo; i < hi; ++i) {
      const Sample x = samples[i];
      if (col[x.row] <= cut) {
        samples[out++] = x;
      } else {
        right_.push_back(x);
      }
    }
    std::copy(right_.begin(), right_.end(), samples.begin() + static_cast<long>(out));
    return out;
  }

  // The Gini-best split among `candidates` random features; when none of them
  // can split the node, further features are tried, as scikit-learn does. Each
  // feature's keys (bin, weight, class) are radix-sorted by bin and every
  // boundary between bins is scored, which is exact for a feature with no more
  // values than bins.
  Split best_split(const std::vector<Sample>& samples, std::size_t lo, std::size_t hi,
                   const std::vector<double>& counts, double weight) {
    const std::size_t n = hi - lo;
    const double total = weight;
    double parent_squares = 0;
    for (auto c : counts) parent_squares += c * c;
    Split best;
    // score = sum L^2/wl + sum R^2/wr. As scikit-learn's splitter: the best
    // split of the drawn features is taken even when it does not lower the
    // impurity (its children may), and more features are drawn only while
    // none of those drawn can split the node at all.
    double best_score = -std::numeric_limits<double>::infinity();
    std::vector<double> left(k_);
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
        const Sample& x = samples[lo + i];
        keys_[i] =
            (static_cast<std::uint32_t>(col[x.row]) << 16) | (x.weight << 8) | labels_[x.row];
      }
      sort_keys(n);
      std::fill(left.begin(), left.end(), 0);
      // Sums of squared class weights left and right of the cut, kept up to date
      // as each key crosses over: (l+w)^2 - l^2 = w(2l+w), r^2 - (r-w)^2 = w(2r-w).
      // Unweighted classes keep these integers well inside double's exact
      // range, so the scores are exact.
      double sl = 0, sr = parent_squares;
      double wl = 0;
      for (std::size_t i = 0; i + 1 < n; ++i) {
        const std::size_t c = keys_[i] & 0xff;
        const double wd = static_cast<double>((keys_[i] >> 8) & 0xff) * class_weight_[c];
        const double l = left[c], r = counts[c] - left[c];
        sl += wd * (2 * l + wd);
        sr -= wd * (2 * r - wd);
        left[c] += wd;
        wl += wd;
        const std::uint32_t bin = keys_[i] >> 16;
        if ((keys_[i + 1] >> 16) == bin) continue;  // not a boundary between bins
        const std::size_t nl = i + 1, nr = n - nl;
        if (nl < p_.min_leaf) continue;
        if (nr < p_.min_leaf) break;
        const double score = sl / wl + sr / (total - wl);
        if (score > best_score) {
          best_score = score;
          // W gini = W - sum c^2 / W, and W = wl + wr: the decrease is score - parent's sum c^2 /
          // W.
          best = {static_cast<std::int32_t>(f), static_cast<std::uint16_t>(bin),
                  std::max(0.0, score - parent_squares / total)};
        }
      }
    }
    return best;
  }

  // Sorts keys_[0, n) by their bin (bits 16-31): two 8-bit counting passes
  // (skipping a byte every key shares), or insertion sort for the many small
  // nodes near the leaves.
  void sort_keys(std::size_t n) {
    if (n <= 48) {
      for (std::size_t i = 1; i < n; ++i) {
        const std::uint32_t v = keys_[i];
        std::size_t j = i;
        for (; j > 0 && (keys_[j - 1] >> 16) > (v >> 16); --j) keys_[j] = keys_[j - 1];
        keys_[j] = v;
      }
      return;
    }
    // Both byte histograms in one read of the keys.
    std::size_t count[2][257] = {};
    for (std::size_t i = 0; i < n; ++i) {
      ++count[0][((keys_[i] >> 16) & 0xff) + 1];
      ++count[1][(keys_[i] >> 24) + 1];
    }
    for (int pass = 0; pass < 2; ++pass) {
      std::size_t* c = count[pass];
      if (std::find(c + 1, c + 257, n) != c + 257) continue;  // every key has the same byte here
      const int shift = 16 + 8 * pass;
      for (std::size_t b = 1; b < 257; ++b) c[b] += c[b - 1];
      for (std::size_t i = 0; i < n; ++i) scratch_[c[(keys_[i] >> shift) & 0xff]++] = keys_[i];
      std::swap(keys_, scratch_);
    }
  }

  const BinnedData& data_;
  std::span<const std::uint8_t> labels_;
  std::size_t k_;
  std::span<const double> class_weight_;
  TreeParams p_;
  Rng rng_;
  std::vector<std::uint32_t> keys_, scratch_;
  std::vector<Sample> right_;
  std::vector<std::size_t> features_;
  std::vector<double> gains_;
};

// Draws rows.size() rows with replacement (or takes each once) and returns the
// distinct rows drawn, in row order, with their counts. A count above 255 (which
// needs millions of rows and astronomical luck) is split over several entries,
// so a weight always fits the 8 bits the split search gives it.
std::vector<Sample> draw_samples(std::size_t rows, bool bootstrap, Rng& rng) {
  std::vector<Sample> samples;
  if (!bootstrap) {
    samples.resize(rows);
    for (std::size_t i = 0; i < rows; ++i) samples[i] = {static_cast<std::uint32_t>(i), 1};
    return samples;
  }
  std::vector<std::uint32_t> drawn(rows, 0);
  for (std::size_t i = 0; i < rows; ++i) ++drawn[rng.below(rows)];
  samples.reserve(rows * 2 / 3);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::uint32_t left = drawn[i]; left > 0;) {
      const std::uint32_t w = std::min<std::uint32_t>(left, 255);
      samples.push_back({static_cast<std::uint32_t>(i), w});
      left -= w;
    }
  }
  return samples;
}

}  // namespace

const ParamFields<RandomForestParams>& RandomForest::fields() {
  using P = RandomForestParams;
  static const auto fields =
      ParamFields<P>()
          .integer("trees", &P::trees, 100, 1, 100000, "number of trees")
          .integer("max_depth", &P::max_depth, 0, 0, 10000,
                   "deepest level a tree may reach (0: unlimited)")
          .integer("min_samples_split", &P::min_samples_split, 2, 2, 1L << 40,
                   "fewest rows a node needs to be split")
          .integer("min_samples_leaf", &P::min_samples_leaf, 1, 1, 1L << 40,
                   "fewest rows each side of a split keeps")
          .integer("max_features", &P::max_features, 0, 0, 100000,
                   "split candidates per node (0: sqrt of the features)")
          .integer(
              "max_bins", &P::max_bins, 65535, 2, 65535,
              "quantile bins per feature for split search (exact up to this many distinct values)")
          .flag("bootstrap", &P::bootstrap, true,
                "train each tree on a bootstrap sample of the rows")
          .integer("seed", &P::seed, 42, 0, 1L << 53,
                   "seed for bootstrap samples and feature draws")
          .choice("class_weight", &P::class_weight, ClassWeight::kNone, class_weight_choices(),
                  kClassWeightDoc);
  return fields;
}

void RandomForest::fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
                       Progress* progress) {
  VIGIL_CHECK(labels.size() == x.rows() && classes > 0, "random forest fit shapes");
  if (x.rows() == 0) throw InputError("random forest: no training rows");
  if (x.rows() >= (1ULL << 32)) throw InputError("random forest: more than 2^32 training rows");
  if (classes > 256) throw InputError("random forest: more than 256 classes");
  const RandomForestParams p = fields().bind(params_);
  const BinnedData data = bin_features(x, static_cast<std::size_t>(p.max_bins));
  // One byte per label keeps the labels of every row in cache during split search.
  std::vector<std::uint8_t> small_labels(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    VIGIL_CHECK(labels[i] >= 0 && labels[i] < classes, "random forest label out of range");
    small_labels[i] = static_cast<std::uint8_t>(labels[i]);
  }
  TreeParams tp;
  const auto max_features = static_cast<std::size_t>(p.max_features);
  tp.candidates = max_features
                      ? std::min(max_features, x.cols())
                      : std::max<std::size_t>(
                            1, static_cast<std::size_t>(std::sqrt(static_cast<double>(x.cols()))));
  tp.max_depth = p.max_depth;
  tp.min_split = static_cast<std::size_t>(p.min_samples_split);
  tp.min_leaf = static_cast<std::size_t>(p.min_samples_leaf);
  const bool bootstrap = p.bootstrap;
  const auto n_trees = static_cast<std::size_t>(p.trees);
  const auto seed = static_cast<std::uint64_t>(p.seed);
  const std::vector<double> class_weight = class_weights(p.class_weight, labels, classes);

  trees_.assign(n_trees, {});
  {
    const std::lock_guard lock(node_shares_mutex_);
    node_shares_ = {};
  }
  std::vector<std::vector<double>> tree_gains(n_trees);
  std::atomic<std::size_t> done{0};
  if (progress) progress->begin("random forest", n_trees);
  const auto count = static_cast<long>(n_trees);
#pragma omp parallel for schedule(dynamic)
  for (long t = 0; t < count; ++t) {
    // Each tree has its own stream, so results do not depend on the thread count.
    Rng rng(seed * 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(t) + 1);
    std::vector<Sample> samples = draw_samples(x.rows(), bootstrap, rng);
    TreeBuilder builder(data, small_labels, classes, class_weight, tp, rng);
    trees_[static_cast<std::size_t>(t)] = builder.build(samples);
    tree_gains[static_cast<std::size_t>(t)] = builder.gains();
    const std::size_t finished = ++done;
    if (progress && omp_get_thread_num() == 0) progress->update(finished);
  }
  if (progress) progress->end();
  classes_ = classes;
  features_ = x.cols();
  // Mean decrease in impurity, as scikit-learn's feature_importances_: each
  // tree's gains normalised to sum to 1, averaged over trees, normalised again.
  importances_.assign(x.cols(), 0.0);
  for (const auto& gains : tree_gains) {
    double sum = 0;
    for (double g : gains) sum += g;
    if (sum <= 0) continue;
    for (std::size_t f = 0; f < gains.size(); ++f) importances_[f] += gains[f] / sum;
  }
  double total = 0;
  for (double v : importances_) total += v;
  if (total > 0) {
    for (double& v : importances_) v /= total;
  }
  std::size_t leaves = 0;
  for (const auto& t : trees_) leaves += t.leaf_shares.size() / static_cast<std::size_t>(classes);
  char line[160];
  std::snprintf(line, sizeof line, "rf: %zu trees, %.0f leaves per tree on average", n_trees,
                static_cast<double>(leaves) / static_cast<double>(n_trees));
  notes_ = {line};
  lay_out_for_walks();
}

void RandomForest::lay_out_for_walks() {
  const auto k = static_cast<std::size_t>(classes_);
  compact_ = {};
  wide_ = {};
  if (!forest_layout::lay_out(trees_, k, compact_, walk_first_, walk_source_)) {
    forest_layout::lay_out(trees_, k, wide_, walk_first_, walk_source_);
  }
  walk_depth_.clear();
  std::vector<std::uint32_t> depth;
  for (const Tree& t : trees_) {
    depth.assign(t.nodes.size(), 0);
    std::uint32_t most = 0;
    for (std::size_t i = 0; i < t.nodes.size(); ++i) {
      const Node& n = t.nodes[i];
      if (n.feature < 0) {
        most = std::max(most, depth[i]);
      } else {
        depth[i + 1] = depth[static_cast<std::size_t>(n.right)] = depth[i] + 1;
      }
    }
    walk_depth_.push_back(most);
  }
}

Matrix RandomForest::predict_proba(const Matrix& x) const {
  check_input(x);
  const auto k = static_cast<std::size_t>(classes_);
  Matrix out(x.rows(), k);
  using forest_layout::kWholeVote;
  // Each thread takes one block of rows and walks it through every tree in turn:
  // a tree is read from memory once per thread and then stays in cache while
  // all of the block's rows walk it (measured: 4x faster than 256-row blocks).
  const auto threads = static_cast<std::size_t>(std::max(1, omp_get_max_threads()));
  const std::size_t block = std::clamp<std::size_t>((x.rows() + threads - 1) / threads, 1024, 4096);
  const double scale = 1.0 / (static_cast<double>(kWholeVote) * static_cast<double>(trees_.size()));
  const auto write_probabilities = [&](const std::vector<std::int64_t>& votes, std::size_t lo,
                                       std::size_t rows) {
    for (std::size_t r = 0; r < rows; ++r) {
      float* dst = out.row(lo + r).data();
      for (std::size_t c = 0; c < k; ++c)
        dst[c] = static_cast<float>(static_cast<double>(votes[r * k + c]) * scale);
    }
  };
  std::vector<const float*> leaf_shares;
  for (const Tree& t : trees_) leaf_shares.push_back(t.leaf_shares.data());
  with_walk_nodes([&](const auto& walk_nodes) {
    using WalkNode = std::remove_cvref_t<decltype(walk_nodes[0])>;
    for_row_pieces(x.rows(), block, [&](std::size_t lo, std::size_t hi) {
      const std::size_t rows = hi - lo;
      // Lanes walk (tree, row) pairs, tree by tree: with many rows they all
      // share one tree, which stays in cache; with few (one flow on a quiet
      // link) they walk several trees at once. Each node is prefetched a
      // lane-round before it is read.
      struct Lane {
        const WalkNode* nodes;  // the tree's, held here to save a load per step
        const float* row;
        std::int32_t at;
        std::uint32_t tree;
        std::int64_t* votes;
      };
      // Votes are summed in fixed point (a whole vote is 2^32): integer sums do
      // not depend on the order walks end in, so a row's probabilities are the
      // same whichever rows share its batch, in `predict` and in `detect` alike.
      std::vector<std::int64_t> votes(rows * k, 0);
      if constexpr (std::is_same_v<WalkNode, forest_layout::CompactNode>) {
        // Sixteen walks a vector where the CPU has AVX-512 (forest_walk_avx512.hpp).
        const forest_layout::VoteJob job{walk_nodes.data(),  walk_first_.data(),
                                         trees_.size(),      walk_nodes.size(),
                                         leaf_shares.data(), k,
                                         x.row(lo).data(),   rows,
                                         x.cols(),           votes.data()};
        if (forest_layout::vote_avx512(job)) {
          write_probabilities(votes, lo, rows);
          return;
        }
      }
      interleave_walks<32, Lane>(
          trees_.size() * rows,
          [&](Lane& lane, std::size_t walk) {
            const std::size_t t = walk / rows, r = walk % rows;
            lane = {walk_nodes.data() + walk_first_[t], x.row(lo + r).data(), 0,
                    static_cast<std::uint32_t>(t), &votes[r * k]};
            __builtin_prefetch(lane.nodes);
          },
          [&](Lane& lane) {
            const WalkNode& n = lane.nodes[lane.at];
            std::int32_t value = 0;
            if (!forest_layout::is_leaf(n)) [[likely]] {
              lane.at = forest_layout::next_node(n, lane.at, lane.row, value);
              if (lane.at >= 0) [[likely]] {
                __builtin_prefetch(lane.nodes + lane.at);
                return true;
              }
            } else {
              value = forest_layout::leaf_value(n);
            }
            if (value < 0) {
              lane.votes[static_cast<std::size_t>(-value - 1)] += kWholeVote;
            } else {
              const float* p = &trees_[lane.tree].leaf_shares[static_cast<std::size_t>(value) * k];
              // Scaling by a power of two is exact; the cut to an integer is the same every time.
              for (std::size_t c = 0; c < k; ++c)
                lane.votes[c] += static_cast<std::int64_t>(p[c] * 4294967296.0f);
            }
            return false;
          });
      write_probabilities(votes, lo, rows);
    });
  });
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
      w.f32(n.feature < 0 ? 0.0f : n.threshold);  // a leaf has no threshold
      w.i32(n.right);
    }
    w.floats(t.leaf_shares);
    w.floats(t.leaf_weights);
  }
  w.strings(notes_);
}

void RandomForest::load_state(ByteReader& r) {
  {
    const std::lock_guard lock(node_shares_mutex_);
    node_shares_ = {};
  }
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
    // Shares are class fractions: votes are fixed-point sums of them, which a
    // share outside [0, 1] (or NaN) would overflow.
    for (float share : t.leaf_shares) {
      if (!(share >= 0.0f && share <= 1.0f)) r.fail("random forest leaf share is not in [0, 1]");
    }
    if (r.at_least(3)) {
      t.leaf_weights = r.floats();
      if (t.leaf_weights.size() * k != t.leaf_shares.size())
        r.fail("random forest leaf weights do not match its leaves");
      for (float w : t.leaf_weights) {
        if (!(w > 0)) r.fail("random forest leaf weight is not positive");
      }
    }
    const auto leaves = static_cast<std::int64_t>(t.leaf_shares.size() / k);
    for (std::size_t i = 0; i < t.nodes.size(); ++i) {
      const Node& n = t.nodes[i];
      const auto self = static_cast<std::int64_t>(i);
      // Children lie after their parent, so a corrupt file can neither loop nor overrun.
      const bool ok = n.feature < 0
                          ? (n.right >= 0 && n.right < leaves)
                          : (static_cast<std::size_t>(n.feature) < features_ &&
                             self + 1 < static_cast<std::int64_t>(nodes) && n.right > self + 1 &&
                             static_cast<std::size_t>(n.right) < nodes);
      if (!ok) r.fail("random forest node " + std::to_string(i) + " is malformed");
    }
    if (t.nodes.empty() || t.leaf_shares.size() % k != 0) r.fail("random forest tree is malformed");
  }
  if (trees_.empty()) r.fail("random forest has no trees");
  notes_ = r.strings();
  lay_out_for_walks();
}

void register_random_forest(Registry& registry) {
  registry.add({"rf", "Random forest of Gini trees (as scikit-learn's RandomForestClassifier)",
                RandomForest::param_specs(),
                [](ParamSet p) { return std::make_unique<RandomForest>(std::move(p)); }});
}

}  // namespace vigil::models
