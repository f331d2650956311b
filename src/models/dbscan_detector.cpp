#include "models/dbscan_detector.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string_view>
#include <unordered_map>

#include "core/distance.hpp"
#include "core/kd_tree.hpp"
#include "core/parallel.hpp"
#include "models/knn_search.hpp"
#include "vigil/core/error.hpp"

namespace vigil::models {
namespace {

using Points = MatrixPoints;
using KdTree = L2KdTree;

// Calls `visit(index)` for every point within squared distance `radius` (inclusive, as
// scikit-learn's).
template <typename Visit>
struct RadiusVisitor {
  double radius;
  Visit visit;
  std::size_t found = 0;
  void init() {}
  std::size_t size() const { return found; }
  bool full() const { return true; }
  double worstDist() const {
    return std::nextafter(radius, std::numeric_limits<double>::infinity());
  }
  bool addPoint(double dist, std::uint32_t index) {
    if (dist <= radius) {
      ++found;
      visit(index);
    }
    return true;
  }
};

template <typename Visit>
void within(const KdTree& tree, std::span<const float> row, double radius, Visit visit) {
  RadiusVisitor<Visit> v{radius, std::move(visit)};
  tree.findNeighbors(v, row.data(), nanoflann::SearchParams(32, 0, false));
}

std::uint32_t find_root(std::vector<std::uint32_t>& parent, std::uint32_t i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}

}  // namespace

// Range queries over the core rows (clusters) go through a k-d tree; nearest
// core row queries (scores) through the exact cluster index k-NN uses, which
// is faster in flow data's 40-odd dimensions.
struct DbscanDetector::Tree {
  Points points;
  KdTree tree;
  knn::ClusterIndex index;
  Tree(const Matrix& m, int dims)
      : points{&m},
        tree(dims, points, nanoflann::KDTreeSingleIndexAdaptorParams(16)),
        index(m, 0, 42) {
    tree.buildIndex();
  }
};

DbscanDetector::DbscanDetector(ParamSet params) : AnomalyDetector(std::move(params)) {}
DbscanDetector::~DbscanDetector() = default;

const ParamFields<DbscanDetectorParams>& DbscanDetector::fields() {
  using P = DbscanDetectorParams;
  static const auto fields =
      ParamFields<P>()
          .real("eps", &P::eps, 0, 0, 1e12,
                "neighbourhood radius (Euclidean, in scaled feature units; 0: the (1 - fpr) "
                "quantile of the training rows' distance to their min_samples-th nearest row)")
          .integer("min_samples", &P::min_samples, 5, 1, 1L << 30,
                   "rows within eps, itself included, that make a row core")
          .real("fpr", &P::fpr, 0.05, 0, 1,
                "with eps=0: about the share of training rows left outside dense regions");
  return fields;
}

void DbscanDetector::fit_model(const Matrix& x, Progress* progress) {
  // Flow data repeats rows a lot: search the distinct rows, each weighing its count.
  Matrix distinct(0, x.cols());
  std::vector<std::uint32_t> weight;
  std::unordered_map<std::string_view, std::uint32_t> seen;
  const std::size_t row_bytes = x.cols() * sizeof(float);
  for (std::size_t r = 0; r < x.rows(); ++r) {
    const std::string_view key(reinterpret_cast<const char*>(x.row(r).data()), row_bytes);
    const auto [it, fresh] = seen.try_emplace(key, static_cast<std::uint32_t>(distinct.rows()));
    if (fresh) {
      distinct.append_row(x.row(r));
      weight.push_back(0);
    }
    ++weight[it->second];
  }
  const DbscanDetectorParams settings = fields().bind(params_);
  const auto min_samples = static_cast<std::uint64_t>(settings.min_samples);
  const std::size_t n = distinct.rows();
  std::vector<std::uint8_t> core(n);
  {
    eps_ = settings.eps > 0 ? settings.eps : k_distance_quantile(distinct, weight);
    const Points points{&distinct};
    KdTree all(static_cast<int>(x.cols()), points, nanoflann::KDTreeSingleIndexAdaptorParams(16));
    all.buildIndex();
    const double radius = eps_ * eps_;
    if (progress) progress->begin("dbscan", n);
    const auto rows = static_cast<long>(n);
#pragma omp parallel for schedule(dynamic, 256)
    for (long i = 0; i < rows; ++i) {
      std::uint64_t count = 0;
      within(all, distinct.row(static_cast<std::size_t>(i)), radius,
             [&](std::uint32_t j) { count += weight[j]; });
      core[static_cast<std::size_t>(i)] = count >= min_samples;
    }
    if (progress) progress->end();
  }
  const double radius = eps_ * eps_;
  core_ = Matrix(0, x.cols());
  for (std::size_t i = 0; i < n; ++i) {
    if (core[i]) core_.append_row(distinct.row(i));
  }
  build_tree();
  // Clusters: core rows within eps of each other, joined.
  // Each core row's nearest core neighbour of lower index within eps links
  // them; the searches run in parallel, the joining after.
  std::vector<std::vector<std::uint32_t>> links(core_.rows());
  const auto cores = static_cast<long>(core_.rows());
#pragma omp parallel for schedule(dynamic, 256)
  for (long c = 0; c < cores; ++c) {
    const auto i = static_cast<std::uint32_t>(c);
    within(tree_->tree, core_.row(i), radius, [&](std::uint32_t j) {
      if (j < i) links[i].push_back(j);
    });
  }
  std::vector<std::uint32_t> parent(core_.rows());
  std::iota(parent.begin(), parent.end(), 0u);
  for (std::uint32_t i = 0; i < core_.rows(); ++i) {
    for (std::uint32_t j : links[i]) {
      const std::uint32_t a = find_root(parent, i), b = find_root(parent, j);
      if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
  }
  clusters_ = 0;
  for (std::uint32_t i = 0; i < parent.size(); ++i) clusters_ += find_root(parent, i) == i;
  notes_ = {"dbscan: eps " + std::to_string(eps_) + ", " + std::to_string(clusters_) +
            " clusters of " + std::to_string(core_.rows()) + " distinct core rows among " +
            std::to_string(n) + " distinct training rows"};
  if (core_.rows() == 0) {
    notes_.push_back(
        "dbscan: no training row has min_samples neighbours within eps; every row will be flagged "
        "(raise eps or lower min_samples)");
  }
}

void DbscanDetector::build_tree() {
  tree_.reset();
  if (core_.rows() > 0) tree_ = std::make_unique<Tree>(core_, static_cast<int>(core_.cols()));
}

double DbscanDetector::choose_threshold(std::vector<float>) const { return eps_; }

double DbscanDetector::k_distance_quantile(const Matrix& distinct,
                                           const std::vector<std::uint32_t>& weight) const {
  // Each distinct row's distance to its min_samples-th nearest training row
  // (itself and its duplicates included): the eps that just makes it core.
  // Every distinct row stands for at least one row, so min_samples distinct
  // neighbours hold it.
  const DbscanDetectorParams settings = fields().bind(params_);
  const auto min_samples = static_cast<std::uint64_t>(settings.min_samples);
  const std::size_t n = distinct.rows();
  const std::size_t k = std::min<std::size_t>(n, min_samples);
  const knn::ClusterIndex index(distinct, 0, 42);
  const std::vector<std::uint32_t> nearest = index.candidates(distinct, k, k);
  std::vector<std::pair<double, std::uint32_t>> needed(n);  // (distance, rows that share it)
  const auto rows = static_cast<long>(n);
#pragma omp parallel
  {
    std::vector<std::pair<double, std::uint32_t>> found(k);
#pragma omp for schedule(static)
    for (long i = 0; i < rows; ++i) {
      const auto r = static_cast<std::size_t>(i);
      for (std::size_t j = 0; j < k; ++j) {
        const std::uint32_t other = nearest[r * k + j];
        found[j] = {exact_squared_distance(distinct.row(r), distinct.row(other)), weight[other]};
      }
      std::sort(found.begin(), found.end());
      std::uint64_t seen = 0;
      double d =
          std::numeric_limits<double>::infinity();  // fewer rows than min_samples: never core
      for (const auto& [squared, w] : found) {
        seen += w;
        if (seen >= min_samples) {
          d = std::sqrt(squared);
          break;
        }
      }
      needed[r] = {d, weight[r]};
    }
  }
  std::sort(needed.begin(), needed.end());
  std::uint64_t total = 0;
  for (const auto& [d, w] : needed) total += w;
  const auto keep =
      static_cast<std::uint64_t>(std::ceil((1.0 - settings.fpr) * static_cast<double>(total)));
  std::uint64_t seen = 0;
  for (const auto& [d, w] : needed) {
    seen += w;
    if (seen >= keep && std::isfinite(d)) return std::max(d, 1e-12);
  }
  for (auto it = needed.rbegin(); it != needed.rend(); ++it) {
    if (std::isfinite(it->first)) return std::max(it->first, 1e-12);
  }
  return 1e-12;
}

std::vector<float> DbscanDetector::score(const Matrix& x) const {
  check_input(x);
  std::vector<float> out(x.rows(), std::numeric_limits<float>::infinity());
  if (!tree_) return out;
  // Nearest core rows by float arithmetic (a few, in case of near ties), then exact distances.
  const std::size_t cap = std::min<std::size_t>(core_.rows(), 4);
  const std::vector<std::uint32_t> nearest = tree_->index.candidates(x, 1, cap);
  for_row_pieces(x.rows(), 1024, [&](std::size_t first, std::size_t last) {
    for (std::size_t r = first; r < last; ++r) {
      double best = std::numeric_limits<double>::infinity();
      for (std::size_t j = 0; j < cap && nearest[r * cap + j] != knn::kNoRow; ++j) {
        best = std::min(best, exact_squared_distance(x.row(r), core_.row(nearest[r * cap + j])));
      }
      out[r] = static_cast<float>(std::sqrt(best));
    }
  });
  return out;
}

void DbscanDetector::save_state(ByteWriter& w) const {
  w.u64(core_.rows());
  w.floats(core_.values());
  w.u64(clusters_);
  w.f64(eps_);
}

void DbscanDetector::load_state(ByteReader& r) {
  const std::uint64_t rows = r.count(1ULL << 32, "dbscan core rows");
  std::vector<float> values = r.floats();
  if (!size_is_product(values.size(), rows, features_))
    r.fail("dbscan core rows have the wrong size");
  core_ = Matrix(rows, features_);
  core_.values() = std::move(values);
  clusters_ = r.u64();
  eps_ = r.f64();
  if (!(eps_ > 0)) r.fail("dbscan eps must be positive");
  build_tree();
}

}  // namespace vigil::models
