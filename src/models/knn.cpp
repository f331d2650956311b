#include "models/knn.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <nanoflann.hpp>
#include <string>
#include <tuple>
#include <unordered_map>
#include <variant>

#include "core/distance.hpp"
#include "core/huge_pages.hpp"
#include "core/kd_tree.hpp"
#include "core/parallel.hpp"
#include "models/knn_search.hpp"
#include "vigil/core/error.hpp"

namespace vigil::models {
namespace {

using Points = MatrixPoints;
using L2Tree = L2KdTree;
using L1Tree = nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L1_Adaptor<float, Points, double>,
                                                   Points, -1, std::uint32_t>;

}  // namespace

struct KNearestNeighbours::Index {
  Points points;
  std::variant<std::unique_ptr<L2Tree>, std::unique_ptr<L1Tree>> tree;
};

KNearestNeighbours::KNearestNeighbours(ParamSet params)
    : Classifier(std::move(params)), settings_(fields().bind(params_)) {}
KNearestNeighbours::~KNearestNeighbours() = default;

const ParamFields<KnnParams>& KNearestNeighbours::fields() {
  using P = KnnParams;
  static const auto fields =
      ParamFields<P>()
          .integer("k", &P::k, 5, 1, 10000, "neighbours that vote")
          .choice("metric", &P::metric, P::Metric::kEuclidean,
                  {{P::Metric::kEuclidean, "euclidean"}, {P::Metric::kManhattan, "manhattan"}},
                  "distance between rows")
          .choice("ties", &P::ties, P::Ties::kNearest,
                  {{P::Ties::kNearest, "nearest"}, {P::Ties::kLowestClass, "lowest-class"}},
                  "a tied vote goes to the nearest tied neighbour's class, or to the lowest "
                  "class index (scikit-learn's rule)")
          .choice("search", &P::search, P::Search::kClusters,
                  {{P::Search::kClusters, "clusters"},
                   {P::Search::kBrute, "brute"},
                   {P::Search::kTree, "tree"}},
                  "clusters: two levels of k-means groups, skipping every group, cell and row "
                  "that its ball or bounding box rules out (fastest measured on UNSW-NB15; "
                  "Euclidean only, Manhattan uses brute); brute: every row; tree: k-d tree")
          .integer("clusters", &P::clusters, 0, 0, 1000000,
                   "top-level groups for search=clusters (0: about sqrt of the rows)")
          .integer("leaf_size", &P::leaf_size, 16, 1, 100000,
                   "rows per k-d tree leaf (speed only)");
  return fields;
}

void KNearestNeighbours::build_index(const Matrix& rows) {
  // Group identical (row, class) pairs: an open-addressing table of distinct
  // rows keyed by a hash of the bytes (hashed in parallel), compared in full
  // on a hash match.
  const std::size_t n = rows.rows(), bytes = rows.cols() * sizeof(float);
  std::vector<std::uint64_t> hashes;
  resize_on_huge_pages(hashes, n);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < n; ++i) {
    const float* row = rows.row(i).data();
    std::uint64_t h = 1469598103934665603ULL ^ static_cast<std::uint64_t>(labels_[i]);
    for (std::size_t c = 0; c < rows.cols(); ++c) {
      std::uint32_t v;
      std::memcpy(&v, &row[c], sizeof v);
      h = (h ^ v) * 1099511628211ULL;
      h ^= h >> 29;
    }
    hashes[i] = h;
  }
  std::size_t slots = 16;
  while (slots < 2 * n) slots *= 2;
  std::vector<std::uint32_t> table;  // distinct index + 1; 0: empty
  resize_on_huge_pages(table, slots);
  distinct_first_.clear();
  distinct_count_.clear();
  resize_on_huge_pages(distinct_of_row_, n);
  // The serial pass only numbers the groups; rows are copied afterwards in
  // parallel, so that the copy's page faults are shared between threads.
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t h = hashes[i];
    std::size_t at = h & (slots - 1);
    for (; table[at] != 0; at = (at + 1) & (slots - 1)) {
      const std::uint32_t first = distinct_first_[table[at] - 1];
      if (hashes[first] == h && labels_[first] == labels_[i] &&
          std::memcmp(rows.row(first).data(), rows.row(i).data(), bytes) == 0) {
        break;
      }
    }
    if (table[at] != 0) {
      ++distinct_count_[table[at] - 1];
      distinct_of_row_[i] = table[at] - 1;
      continue;
    }
    distinct_of_row_[i] = static_cast<std::uint32_t>(distinct_first_.size());
    table[at] = static_cast<std::uint32_t>(distinct_first_.size() + 1);
    distinct_first_.push_back(static_cast<std::uint32_t>(i));
    distinct_count_.push_back(1);
  }
  const std::size_t d = distinct_first_.size();
  // Huge pages first: on a VM, faulting tens of MB in 4 KiB pages costs more
  // than the grouping itself.
  distinct_ = Matrix(0, rows.cols());
  distinct_.reserve_rows(d);
  advise_huge_pages(distinct_.data(), d * bytes);
  distinct_.resize_rows(d);
  distinct_norms_.resize(d);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < d; ++i) {
    const std::span<const float> from = rows.row(distinct_first_[i]);
    std::copy(from.begin(), from.end(), distinct_.row(i).begin());
    float s = 0;
    for (float v : from) s += v * v;
    distinct_norms_[i] = s;
  }
  clusters_.reset();  // rebuilt for these rows on the next search
  index_ = std::make_unique<Index>();
  if (settings_.search != KnnParams::Search::kTree) return;
  index_->points.m = &distinct_;
  const nanoflann::KDTreeSingleIndexAdaptorParams p(static_cast<std::size_t>(settings_.leaf_size));
  const int dims = static_cast<int>(distinct_.cols());
  if (settings_.metric == KnnParams::Metric::kManhattan) {
    index_->tree = std::make_unique<L1Tree>(dims, index_->points, p);
  } else {
    index_->tree = std::make_unique<L2Tree>(dims, index_->points, p);
  }
}

void KNearestNeighbours::fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
                             Progress*) {
  VIGIL_CHECK(labels.size() == x.rows() && classes > 0, "kNN fit shapes");
  if (x.rows() == 0) throw InputError("kNN: no training rows");
  labels_.assign(labels.begin(), labels.end());
  classes_ = classes;
  features_ = x.cols();
  build_index(x);
}

std::vector<std::uint32_t> KNearestNeighbours::neighbours(const Matrix& x) const {
  check_input(x);
  const std::size_t k =
      std::min<std::size_t>(static_cast<std::size_t>(settings_.k), labels_.size());
  // Repeated query rows (common in flow data) are searched once.
  std::unordered_map<std::string, std::uint32_t> seen;
  std::vector<std::size_t> first_of_distinct;
  std::vector<std::uint32_t> distinct_of_row(x.rows());
  std::string key;
  for (std::size_t i = 0; i < x.rows(); ++i) {
    key.assign(reinterpret_cast<const char*>(x.row(i).data()), x.row(i).size_bytes());
    const auto [it, added] =
        seen.emplace(key, static_cast<std::uint32_t>(first_of_distinct.size()));
    if (added) first_of_distinct.push_back(i);
    distinct_of_row[i] = it->second;
  }
  if (first_of_distinct.size() == x.rows()) return exact_neighbours(x, k);
  const std::vector<std::uint32_t> found = exact_neighbours(x.select_rows(first_of_distinct), k);
  std::vector<std::uint32_t> out(x.rows() * k);
  for (std::size_t i = 0; i < x.rows(); ++i)
    std::copy_n(&found[distinct_of_row[i] * k], k, &out[i * k]);
  return out;
}

std::vector<std::uint32_t> KNearestNeighbours::tree_candidates(const Matrix& x,
                                                               std::size_t cap) const {
  std::vector<std::uint32_t> out(x.rows() * cap, knn::kNoRow);
#pragma omp parallel
  {
    std::vector<double> dist(cap);
#pragma omp for schedule(dynamic, 64)
    for (std::size_t r = 0; r < x.rows(); ++r) {
      std::visit(
          [&](const auto& tree) {
            tree->knnSearch(x.row(r).data(), cap, &out[r * cap], dist.data());
          },
          index_->tree);
    }
  }
  return out;
}

namespace {

// Exact distance in double (squared for Euclidean), for the final ranking.
double exact_distance(std::span<const float> a, std::span<const float> b, bool manhattan) {
  if (!manhattan) return exact_squared_distance(a, b);
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d += std::abs(static_cast<double>(a[i]) - b[i]);
  return d;
}

}  // namespace

const knn::ClusterIndex& KNearestNeighbours::cluster_index() const {
  // Built on the first search, not at fit: kNN training is storing the rows,
  // and the index is a cache that the first prediction pays for (and its time
  // is counted there).
  const std::lock_guard lock(clusters_mutex_);
  if (!clusters_) {
    clusters_ = std::make_unique<knn::ClusterIndex>(
        distinct_, static_cast<std::size_t>(settings_.clusters), 42);
  }
  return *clusters_;
}

std::vector<std::uint32_t> KNearestNeighbours::exact_neighbours(const Matrix& x,
                                                                std::size_t k) const {
  const bool manhattan = settings_.metric == KnnParams::Metric::kManhattan;
  // Float distances can misorder near-equal ones; keep a margin of extra
  // candidates and settle the order with exact distances. Every distinct row
  // stands for at least one training row, so k + 8 of them hold the k nearest
  // (the cluster index fills the margin only with rows whose float distance
  // ties the k-th's within rounding, and so searches no farther than the k-th).
  const std::size_t cap = std::min(distinct_.rows(), k + 8);
  const KnnParams::Search search = settings_.search;
  const std::vector<std::uint32_t> candidates =
      search == KnnParams::Search::kTree ? tree_candidates(x, cap)
      : search == KnnParams::Search::kClusters && !manhattan
          ? cluster_index().candidates(x, k, cap)
          : knn::brute_candidates(distinct_, distinct_norms_, x, cap, manhattan);
  std::vector<std::uint32_t> out(x.rows() * k);
  using Exact = std::vector<std::tuple<double, std::uint32_t, std::uint32_t>>;  // distance, first
                                                                                // row, distinct row
  const auto settle = [&](std::size_t r, Exact& exact) {
    exact.clear();
    // The candidates' rows are scattered through memory: ask for all of them
    // at once, so that their cache misses overlap rather than queue behind
    // each distance's long chain of additions.
    for (std::size_t j = 0; j < cap; ++j) {
      const std::uint32_t idx = candidates[r * cap + j];
      if (idx == knn::kNoRow) break;
      const auto* row = reinterpret_cast<const char*>(distinct_.row(idx).data());
      for (std::size_t b = 0; b < distinct_.cols() * sizeof(float); b += 64)
        __builtin_prefetch(row + b);
      __builtin_prefetch(&distinct_first_[idx]);
      __builtin_prefetch(&distinct_count_[idx]);
    }
    for (std::size_t j = 0; j < cap; ++j) {
      const std::uint32_t idx = candidates[r * cap + j];
      if (idx == knn::kNoRow) break;
      exact.emplace_back(exact_distance(x.row(r), distinct_.row(idx), manhattan),
                         distinct_first_[idx], idx);
    }
    // Ties in distance go to the earlier training row, whatever the order found.
    std::sort(exact.begin(), exact.end());
    std::size_t filled = 0;
    for (const auto& [dist, first, idx] : exact) {
      const std::uint32_t copies = distinct_count_[idx];
      for (std::uint32_t c = 0; c < copies && filled < k; ++c) out[r * k + filled++] = first;
      if (filled == k) break;
    }
  };
  // A detector's flow at a time is one piece, settled without a parallel region.
  for_row_pieces(x.rows(), 64, [&](std::size_t first, std::size_t last) {
    Exact exact;
    for (std::size_t r = first; r < last; ++r) settle(r, exact);
  });
  return out;
}

Matrix KNearestNeighbours::vote_shares(const std::vector<std::uint32_t>& nn,
                                       std::size_t rows) const {
  const std::size_t k = rows ? nn.size() / rows : 1;
  Matrix proba(rows, static_cast<std::size_t>(classes_));
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < k; ++j)
      proba(r, static_cast<std::size_t>(labels_[nn[r * k + j]])) += 1.0f / static_cast<float>(k);
  }
  return proba;
}

std::vector<std::int32_t> KNearestNeighbours::vote(const std::vector<std::uint32_t>& nn,
                                                   std::size_t rows) const {
  const std::size_t k = rows ? nn.size() / rows : 1;
  std::vector<std::int32_t> out(rows);
  std::vector<std::uint32_t> votes(static_cast<std::size_t>(classes_));
  for (std::size_t r = 0; r < rows; ++r) {
    std::fill(votes.begin(), votes.end(), 0);
    std::uint32_t most = 0;
    for (std::size_t j = 0; j < k; ++j)
      most = std::max(most, ++votes[static_cast<std::size_t>(labels_[nn[r * k + j]])]);
    // Neighbours come nearest first: the first one whose class has the most votes wins.
    for (std::size_t j = 0; j < k; ++j) {
      const std::int32_t c = labels_[nn[r * k + j]];
      if (votes[static_cast<std::size_t>(c)] == most) {
        out[r] = c;
        break;
      }
    }
  }
  return out;
}

Matrix KNearestNeighbours::predict_proba(const Matrix& x) const {
  return vote_shares(neighbours(x), x.rows());
}

std::vector<std::int32_t> KNearestNeighbours::predict(const Matrix& x) const {
  if (settings_.ties == KnnParams::Ties::kLowestClass) return Classifier::predict(x);
  return vote(neighbours(x), x.rows());
}

Classifier::Scored KNearestNeighbours::predict_scored(const Matrix& x) const {
  if (settings_.ties == KnnParams::Ties::kLowestClass) return Classifier::predict_scored(x);
  const std::vector<std::uint32_t> nn = neighbours(x);
  return {vote_shares(nn, x.rows()), vote(nn, x.rows())};
}

void KNearestNeighbours::save_state(ByteWriter& w) const {
  // The training rows in their own order (the distinct rows are rebuilt on load).
  const std::size_t cols = distinct_.cols();
  std::vector<float> values(distinct_of_row_.size() * cols);
  for (std::size_t i = 0; i < distinct_of_row_.size(); ++i) {
    std::copy_n(distinct_.row(distinct_of_row_[i]).data(), cols, &values[i * cols]);
  }
  w.i32(classes_);
  w.u64(distinct_of_row_.size());
  w.u64(cols);
  w.floats(values);
  w.ints(labels_);
}

void KNearestNeighbours::load_state(ByteReader& r) {
  classes_ = r.i32();
  const auto rows = r.u64();
  const auto cols = r.u64();
  std::vector<float> values = r.floats();
  labels_ = r.ints();
  if (classes_ <= 0 || rows == 0 || cols == 0 || labels_.size() != rows ||
      !size_is_product(values.size(), rows, cols)) {
    r.fail("kNN state sizes disagree");
  }
  for (auto y : labels_) {
    if (y < 0 || y >= classes_) r.fail("kNN label out of range");
  }
  Matrix train(rows, cols);
  train.values() = std::move(values);
  features_ = cols;
  build_index(train);
}

void register_knn(Registry& registry) {
  registry.add({"knn", "k-nearest neighbours, exact, Euclidean or Manhattan",
                KNearestNeighbours::param_specs(),
                [](ParamSet p) { return std::make_unique<KNearestNeighbours>(std::move(p)); }});
}

}  // namespace vigil::models
