#include "models/knn.hpp"

#include <Eigen/Core>
#include <nanoflann.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>
#include <tuple>
#include <variant>

#include "vigil/core/error.hpp"

namespace vigil::models {
namespace {

struct Points {
  const Matrix* m;
  std::size_t kdtree_get_point_count() const { return m->rows(); }
  float kdtree_get_pt(std::size_t idx, std::size_t dim) const { return (*m)(idx, dim); }
  template <class BBox>
  bool kdtree_get_bbox(BBox&) const {
    return false;
  }
};

using L2Tree = nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<float, Points, double>,
                                                   Points, -1, std::uint32_t>;
using L1Tree = nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L1_Adaptor<float, Points, double>, Points,
                                                   -1, std::uint32_t>;

}  // namespace

struct KNearestNeighbours::Index {
  Points points;
  std::variant<std::unique_ptr<L2Tree>, std::unique_ptr<L1Tree>> tree;
};

KNearestNeighbours::KNearestNeighbours(ParamSet params) : Classifier(std::move(params)) {}
KNearestNeighbours::~KNearestNeighbours() = default;

std::vector<ParamSpec> KNearestNeighbours::param_specs() {
  return {ParamSpec::integer("k", 5, 1, 10000, "neighbours that vote"),
          ParamSpec::choice("metric", "euclidean", {"euclidean", "manhattan"}, "distance between rows"),
          ParamSpec::choice("ties", "nearest", {"nearest", "lowest-class"},
                            "a tied vote goes to the nearest tied neighbour's class, or to the lowest class "
                            "index (scikit-learn's rule)"),
          ParamSpec::choice("search", "brute", {"brute", "tree"},
                            "brute: blocked matrix products (fastest measured on UNSW-NB15); tree: k-d tree"),
          ParamSpec::integer("leaf_size", 16, 1, 100000, "rows per k-d tree leaf (speed only)")};
}

void KNearestNeighbours::build_index() {
  // Group identical (row, class) pairs: hash each row, then compare bytes within a bucket.
  const std::size_t bytes = train_.cols() * sizeof(float);
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> buckets;  // hash -> distinct indices
  buckets.reserve(train_.rows());
  distinct_ = Matrix(0, train_.cols());
  distinct_.reserve_rows(train_.rows());
  distinct_first_.clear();
  distinct_count_.clear();
  for (std::size_t i = 0; i < train_.rows(); ++i) {
    const float* row = train_.row(i).data();
    std::uint64_t h = 1469598103934665603ULL ^ static_cast<std::uint64_t>(labels_[i]);
    for (std::size_t c = 0; c < train_.cols(); ++c) {
      std::uint32_t v;
      std::memcpy(&v, &row[c], sizeof v);
      h = (h ^ v) * 1099511628211ULL;
      h ^= h >> 29;
    }
    auto& bucket = buckets[h];
    bool found = false;
    for (std::uint32_t idx : bucket) {
      if (labels_[distinct_first_[idx]] == labels_[i] && std::memcmp(distinct_.row(idx).data(), row, bytes) == 0) {
        ++distinct_count_[idx];
        found = true;
        break;
      }
    }
    if (found) continue;
    bucket.push_back(static_cast<std::uint32_t>(distinct_first_.size()));
    distinct_.append_row(train_.row(i));
    distinct_first_.push_back(static_cast<std::uint32_t>(i));
    distinct_count_.push_back(1);
  }
  distinct_norms_.resize(distinct_.rows());
  for (std::size_t i = 0; i < distinct_.rows(); ++i) {
    float s = 0;
    for (float v : distinct_.row(i)) s += v * v;
    distinct_norms_[i] = s;
  }
  index_ = std::make_unique<Index>();
  if (params_.text("search") == "brute") return;
  index_->points.m = &train_;
  const nanoflann::KDTreeSingleIndexAdaptorParams p(static_cast<std::size_t>(params_.integer("leaf_size")));
  const int dims = static_cast<int>(train_.cols());
  if (params_.text("metric") == "manhattan") {
    index_->tree = std::make_unique<L1Tree>(dims, index_->points, p);
  } else {
    index_->tree = std::make_unique<L2Tree>(dims, index_->points, p);
  }
}

void KNearestNeighbours::fit(const Matrix& x, std::span<const std::int32_t> labels, int classes, Progress*) {
  VIGIL_CHECK(labels.size() == x.rows() && classes > 0, "kNN fit shapes");
  if (x.rows() == 0) throw InputError("kNN: no training rows");
  train_ = x;
  labels_.assign(labels.begin(), labels.end());
  classes_ = classes;
  features_ = x.cols();
  build_index();
}

std::vector<std::uint32_t> KNearestNeighbours::neighbours(const Matrix& x) const {
  check_input(x);
  const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(params_.integer("k")), train_.rows());
  if (params_.text("search") == "brute") {
    // Repeated query rows (common in flow data) are searched once.
    std::unordered_map<std::string, std::uint32_t> seen;
    std::vector<std::size_t> first_of_distinct;
    std::vector<std::uint32_t> distinct_of_row(x.rows());
    std::string key;
    for (std::size_t i = 0; i < x.rows(); ++i) {
      key.assign(reinterpret_cast<const char*>(x.row(i).data()), x.row(i).size_bytes());
      const auto [it, added] = seen.emplace(key, static_cast<std::uint32_t>(first_of_distinct.size()));
      if (added) first_of_distinct.push_back(i);
      distinct_of_row[i] = it->second;
    }
    if (first_of_distinct.size() == x.rows()) return brute_neighbours(x, k);
    const std::vector<std::uint32_t> found = brute_neighbours(x.select_rows(first_of_distinct), k);
    std::vector<std::uint32_t> out(x.rows() * k);
    for (std::size_t i = 0; i < x.rows(); ++i) {
      std::copy_n(&found[distinct_of_row[i] * k], k, &out[i * k]);
    }
    return out;
  }
  std::vector<std::uint32_t> out(x.rows() * k);
#pragma omp parallel
  {
    std::vector<double> dist(k);
#pragma omp for schedule(dynamic, 64)
    for (std::size_t r = 0; r < x.rows(); ++r) {
      std::visit([&](const auto& tree) { tree->knnSearch(x.row(r).data(), k, &out[r * k], dist.data()); },
                 index_->tree);
    }
  }
  return out;
}

namespace {

// Exact distance in double, for the final ranking.
double exact_distance(std::span<const float> a, std::span<const float> b, bool manhattan) {
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double diff = static_cast<double>(a[i]) - b[i];
    d += manhattan ? std::abs(diff) : diff * diff;
  }
  return d;
}

// A small sorted list of the best candidates so far (distance, index).
struct TopList {
  std::vector<std::pair<float, std::uint32_t>> items;
  std::size_t cap;
  float worst() const { return items.size() < cap ? std::numeric_limits<float>::infinity() : items.back().first; }
  void offer(float d, std::uint32_t i) {
    if (d >= worst()) return;
    if (items.size() == cap) items.pop_back();
    auto at = std::upper_bound(items.begin(), items.end(), std::make_pair(d, i));
    items.insert(at, {d, i});
  }
};

}  // namespace

std::vector<std::uint32_t> KNearestNeighbours::brute_neighbours(const Matrix& x, std::size_t k) const {
  using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Map = Eigen::Map<const RowMat>;
  const bool manhattan = params_.text("metric") == "manhattan";
  const std::size_t d = distinct_.cols();
  const std::size_t n = distinct_.rows();
  // Float products can misorder near-equal distances; keep a margin of extra
  // candidates and settle the order with exact distances. Every distinct row
  // stands for at least one training row, so k + 8 of them hold the k nearest.
  const std::size_t cap = std::min(n, k + 8);
  constexpr std::size_t kQueryBlock = 512;
  constexpr std::size_t kTrainBlock = 4096;
  std::vector<std::uint32_t> out(x.rows() * k);
  const auto blocks = static_cast<long>((x.rows() + kQueryBlock - 1) / kQueryBlock);
#pragma omp parallel
  {
    RowMat dots;
    std::vector<TopList> tops(kQueryBlock);
    std::vector<std::tuple<double, std::uint32_t, std::uint32_t>> exact;  // distance, first row, distinct row
#pragma omp for schedule(dynamic)
    for (long b = 0; b < blocks; ++b) {
      const std::size_t q0 = static_cast<std::size_t>(b) * kQueryBlock;
      const std::size_t qn = std::min(kQueryBlock, x.rows() - q0);
      const Map q(x.row(q0).data(), static_cast<Eigen::Index>(qn), static_cast<Eigen::Index>(d));
      for (std::size_t i = 0; i < qn; ++i) {
        tops[i].items.clear();
        tops[i].cap = cap;
      }
      for (std::size_t t0 = 0; t0 < n; t0 += kTrainBlock) {
        const std::size_t tn = std::min(kTrainBlock, n - t0);
        const Map t(distinct_.row(t0).data(), static_cast<Eigen::Index>(tn), static_cast<Eigen::Index>(d));
        if (manhattan) {
          for (std::size_t i = 0; i < qn; ++i) {
            for (std::size_t j = 0; j < tn; ++j) {
              const float dist = (q.row(static_cast<Eigen::Index>(i)) - t.row(static_cast<Eigen::Index>(j))).cwiseAbs().sum();
              tops[i].offer(dist, static_cast<std::uint32_t>(t0 + j));
            }
          }
          continue;
        }
        // |q - t|^2 = |q|^2 + |t|^2 - 2 q.t; |q|^2 is the same for every t, so it is left out.
        dots.noalias() = q * t.transpose();
        const float* norms = &distinct_norms_[t0];
        for (std::size_t i = 0; i < qn; ++i) {
          const float* row = dots.row(static_cast<Eigen::Index>(i)).data();
          TopList& top = tops[i];
          float worst = top.worst();
          // Sixteen candidates at a time: a vectorised test finds the rare chunk
          // that holds a new candidate, and only that chunk is looked at one by one.
          constexpr std::size_t kLanes = 16;
          std::size_t j0 = 0;
          for (; j0 + kLanes <= tn; j0 += kLanes) {
            float dist[kLanes];
            bool any = false;
            for (std::size_t lane = 0; lane < kLanes; ++lane) {
              dist[lane] = norms[j0 + lane] - 2.0f * row[j0 + lane];
              any |= dist[lane] < worst;
            }
            if (!any) continue;
            for (std::size_t lane = 0; lane < kLanes; ++lane) {
              if (dist[lane] < worst) {
                top.offer(dist[lane], static_cast<std::uint32_t>(t0 + j0 + lane));
                worst = top.worst();
              }
            }
          }
          for (std::size_t j = j0; j < tn; ++j) {
            const float dist = norms[j] - 2.0f * row[j];
            if (dist < worst) {
              top.offer(dist, static_cast<std::uint32_t>(t0 + j));
              worst = top.worst();
            }
          }
        }
      }
      for (std::size_t i = 0; i < qn; ++i) {
        exact.clear();
        for (const auto& [approx, idx] : tops[i].items) {
          exact.emplace_back(exact_distance(x.row(q0 + i), distinct_.row(idx), manhattan), distinct_first_[idx], idx);
        }
        // Ties in distance go to the earlier training row, whatever the order found.
        std::sort(exact.begin(), exact.end());
        std::size_t filled = 0;
        for (const auto& [dist, first, idx] : exact) {
          const std::uint32_t copies = distinct_count_[idx];
          for (std::uint32_t c = 0; c < copies && filled < k; ++c) out[(q0 + i) * k + filled++] = first;
          if (filled == k) break;
        }
      }
    }
  }
  return out;
}

Matrix KNearestNeighbours::predict_proba(const Matrix& x) const {
  const std::vector<std::uint32_t> nn = neighbours(x);
  const std::size_t k = x.rows() ? nn.size() / x.rows() : 1;
  Matrix proba(x.rows(), static_cast<std::size_t>(classes_));
  for (std::size_t r = 0; r < x.rows(); ++r) {
    for (std::size_t j = 0; j < k; ++j) proba(r, static_cast<std::size_t>(labels_[nn[r * k + j]])) += 1.0f / static_cast<float>(k);
  }
  return proba;
}

std::vector<std::int32_t> KNearestNeighbours::predict(const Matrix& x) const {
  if (params_.text("ties") == "lowest-class") return Classifier::predict(x);
  const std::vector<std::uint32_t> nn = neighbours(x);
  const std::size_t k = x.rows() ? nn.size() / x.rows() : 1;
  std::vector<std::int32_t> out(x.rows());
  std::vector<std::uint32_t> votes(static_cast<std::size_t>(classes_));
  for (std::size_t r = 0; r < x.rows(); ++r) {
    std::fill(votes.begin(), votes.end(), 0);
    std::uint32_t most = 0;
    for (std::size_t j = 0; j < k; ++j) most = std::max(most, ++votes[static_cast<std::size_t>(labels_[nn[r * k + j]])]);
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

void KNearestNeighbours::save_state(ByteWriter& w) const {
  w.i32(classes_);
  w.u64(train_.rows());
  w.u64(train_.cols());
  w.floats(train_.values());
  w.ints(labels_);
}

void KNearestNeighbours::load_state(ByteReader& r) {
  classes_ = r.i32();
  const auto rows = r.u64();
  const auto cols = r.u64();
  std::vector<float> values = r.floats();
  labels_ = r.ints();
  if (classes_ <= 0 || values.size() != rows * cols || labels_.size() != rows || rows == 0) {
    r.fail("kNN state sizes disagree");
  }
  for (auto y : labels_) {
    if (y < 0 || y >= classes_) r.fail("kNN label out of range");
  }
  train_ = Matrix(rows, cols);
  train_.values() = std::move(values);
  features_ = cols;
  build_index();
}

void register_knn(Registry& registry) {
  registry.add({"knn", "k-nearest neighbours, exact (k-d tree), Euclidean or Manhattan", KNearestNeighbours::param_specs(),
                [](ParamSet p) { return std::make_unique<KNearestNeighbours>(std::move(p)); }});
}

}  // namespace vigil::models
