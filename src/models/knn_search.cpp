#include "models/knn_search.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "vigil/core/random.hpp"

namespace vigil::models::knn {
namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const RowMat>;

ConstMap rows_map(const Matrix& m, std::size_t first, std::size_t count) {
  return {m.data() + first * m.cols(), static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(m.cols())};
}

// Float arithmetic on |a|^2 + |b|^2 - 2 a.b loses about this share of the
// norms; pruning keeps that much slack so it never drops a true neighbour.
constexpr double kSlack = 1e-5;

// The best `cap` candidates so far, sorted by (distance, index).
struct TopList {
  std::vector<std::pair<float, std::uint32_t>> items;
  std::size_t cap = 0;
  float worst() const { return items.size() < cap ? std::numeric_limits<float>::infinity() : items.back().first; }
  void offer(float d, std::uint32_t i) {
    if (d >= worst()) return;
    if (items.size() == cap) items.pop_back();
    items.insert(std::upper_bound(items.begin(), items.end(), std::make_pair(d, i)), {d, i});
  }
};

// Offers one query's squared distances base + |t|^2 - 2 q.t to its list, naming row j
// ids[j]: equal distances then rank by the caller's row order in every search.
// Sixteen at a time: a vectorised test finds the rare chunk holding a new
// candidate, and only that chunk is looked at one by one.
void scan_products(float base, const float* products, const float* norms, std::size_t count, const std::uint32_t* ids,
                   TopList& top) {
  float worst = top.worst();
  constexpr std::size_t kLanes = 16;
  std::size_t j0 = 0;
  for (; j0 + kLanes <= count; j0 += kLanes) {
    float dist[kLanes];
    bool any = false;
    for (std::size_t lane = 0; lane < kLanes; ++lane) {
      dist[lane] = base + norms[j0 + lane] - 2.0f * products[j0 + lane];
      any |= dist[lane] < worst;
    }
    if (!any) continue;
    for (std::size_t lane = 0; lane < kLanes; ++lane) {
      if (dist[lane] < worst) {
        top.offer(dist[lane], ids[j0 + lane]);
        worst = top.worst();
      }
    }
  }
  for (std::size_t j = j0; j < count; ++j) {
    const float dist = base + norms[j] - 2.0f * products[j];
    if (dist < worst) {
      top.offer(dist, ids[j]);
      worst = top.worst();
    }
  }
}

void write_candidates(const TopList& top, std::uint32_t* out) {
  std::size_t i = 0;
  for (const auto& item : top.items) out[i++] = item.second;
  for (; i < top.cap; ++i) out[i] = kNoRow;
}

std::vector<float> squared_norms(const Matrix& m) {
  std::vector<float> norms(m.rows());
  for (std::size_t i = 0; i < m.rows(); ++i) {
    float s = 0;
    for (float v : m.row(i)) s += v * v;
    norms[i] = s;
  }
  return norms;
}

// Index of the nearest centroid for each of `count` rows from `first`.
void nearest_centroids(const Matrix& rows, std::size_t first, std::size_t count, const Matrix& centroids,
                       std::span<const float> centroid_norms, std::uint32_t* out) {
  const RowMat products = rows_map(rows, first, count) * rows_map(centroids, 0, centroids.rows()).transpose();
  for (std::size_t i = 0; i < count; ++i) {
    const float* p = products.row(static_cast<Eigen::Index>(i)).data();
    std::uint32_t best = 0;
    float best_d = std::numeric_limits<float>::infinity();
    for (std::size_t c = 0; c < centroids.rows(); ++c) {
      const float d = centroid_norms[c] - 2.0f * p[c];
      if (d < best_d) {
        best_d = d;
        best = static_cast<std::uint32_t>(c);
      }
    }
    out[i] = best;
  }
}

std::vector<std::uint32_t> assign_all(const Matrix& rows, const Matrix& centroids) {
  const std::vector<float> centroid_norms = squared_norms(centroids);
  std::vector<std::uint32_t> assignment(rows.rows());
  constexpr std::size_t kChunk = 2048;
  const auto chunks = static_cast<long>((rows.rows() + kChunk - 1) / kChunk);
#pragma omp parallel for schedule(dynamic)
  for (long b = 0; b < chunks; ++b) {
    const std::size_t first = static_cast<std::size_t>(b) * kChunk;
    nearest_centroids(rows, first, std::min(kChunk, rows.rows() - first), centroids, centroid_norms, &assignment[first]);
  }
  return assignment;
}

// Means of the rows assigned to each centroid; a centroid left without rows keeps its place.
void update_centroids(const Matrix& rows, std::span<const std::uint32_t> assignment, Matrix& centroids) {
  const std::size_t d = rows.cols();
  std::vector<double> sums(centroids.rows() * d, 0.0);
  std::vector<std::size_t> counts(centroids.rows(), 0);
  for (std::size_t i = 0; i < rows.rows(); ++i) {
    const std::size_t c = assignment[i];
    ++counts[c];
    for (std::size_t j = 0; j < d; ++j) sums[c * d + j] += rows(i, j);
  }
  for (std::size_t c = 0; c < centroids.rows(); ++c) {
    if (counts[c] == 0) continue;
    for (std::size_t j = 0; j < d; ++j) centroids(c, j) = static_cast<float>(sums[c * d + j] / static_cast<double>(counts[c]));
  }
}

}  // namespace

std::vector<std::uint32_t> brute_candidates(const Matrix& rows, std::span<const float> norms, const Matrix& queries,
                                            std::size_t cap, bool manhattan) {
  const std::size_t n = rows.rows();
  constexpr std::size_t kQueryBlock = 512;
  constexpr std::size_t kRowBlock = 4096;
  std::vector<std::uint32_t> out(queries.rows() * cap);
  std::vector<std::uint32_t> ids(n);
  std::iota(ids.begin(), ids.end(), 0u);
  const auto blocks = static_cast<long>((queries.rows() + kQueryBlock - 1) / kQueryBlock);
#pragma omp parallel
  {
    RowMat products;
    std::vector<TopList> tops(kQueryBlock);
#pragma omp for schedule(dynamic)
    for (long b = 0; b < blocks; ++b) {
      const std::size_t q0 = static_cast<std::size_t>(b) * kQueryBlock;
      const std::size_t qn = std::min(kQueryBlock, queries.rows() - q0);
      const ConstMap q = rows_map(queries, q0, qn);
      for (std::size_t i = 0; i < qn; ++i) {
        tops[i].items.clear();
        tops[i].cap = cap;
      }
      for (std::size_t t0 = 0; t0 < n; t0 += kRowBlock) {
        const std::size_t tn = std::min(kRowBlock, n - t0);
        const ConstMap t = rows_map(rows, t0, tn);
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
        products.noalias() = q * t.transpose();
        for (std::size_t i = 0; i < qn; ++i) {
          scan_products(0.0f, products.row(static_cast<Eigen::Index>(i)).data(), &norms[t0], tn, &ids[t0], tops[i]);
        }
      }
      for (std::size_t i = 0; i < qn; ++i) write_candidates(tops[i], &out[(q0 + i) * cap]);
    }
  }
  return out;
}

ClusterIndex::ClusterIndex(const Matrix& rows, std::size_t clusters, std::uint64_t seed) {
  const std::size_t n = rows.rows(), d = rows.cols();
  if (clusters == 0) clusters = static_cast<std::size_t>(std::sqrt(static_cast<double>(n)));
  clusters = std::clamp<std::size_t>(clusters, 1, n);
  // Seeds: distinct random rows. Lloyd rounds on a sample refine them; the
  // clusters need only be compact, not optimal, for the search to prune well.
  Rng rng(seed);
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  rng.shuffle(std::span(order));
  centroids_ = rows.select_rows(std::span(order).first(clusters));
  const std::size_t sample_size = std::min(n, std::max<std::size_t>(clusters * 32, 4096));
  const Matrix sample = rows.select_rows(std::span(order).first(sample_size));
  for (int round = 0; round < 4; ++round) update_centroids(sample, assign_all(sample, centroids_), centroids_);
  std::vector<std::uint32_t> assignment = assign_all(rows, centroids_);
  update_centroids(rows, assignment, centroids_);

  // Lay the rows out cluster by cluster, dropping clusters left empty.
  std::vector<std::size_t> counts(clusters, 0);
  for (auto c : assignment) ++counts[c];
  std::vector<std::size_t> kept;
  for (std::size_t c = 0; c < clusters; ++c) {
    if (counts[c] > 0) kept.push_back(c);
  }
  std::vector<std::size_t> slot(clusters, 0);
  start_.assign(1, 0);
  for (std::size_t c : kept) {
    slot[c] = start_.back();
    start_.push_back(start_.back() + counts[c]);
  }
  centroids_ = centroids_.select_rows(kept);
  std::vector<std::size_t> renumber(clusters, 0);
  for (std::size_t i = 0; i < kept.size(); ++i) renumber[kept[i]] = i;
  sorted_ = Matrix(n, d);
  original_.resize(n);
  std::vector<std::uint32_t> sorted_cluster(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t at = slot[assignment[i]]++;
    std::copy_n(rows.row(i).data(), d, sorted_.row(at).data());
    original_[at] = static_cast<std::uint32_t>(i);
    sorted_cluster[at] = static_cast<std::uint32_t>(renumber[assignment[i]]);
  }
  // Members are kept relative to their centroid: distances computed from small
  // vectors lose far less to float rounding than |q|^2 + |t|^2 - 2 q.t on raw rows.
  radius_.assign(kept.size(), 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t c = sorted_cluster[i];
    double s = 0;
    for (std::size_t j = 0; j < d; ++j) {
      const double diff = static_cast<double>(sorted_(i, j)) - centroids_(c, j);
      s += diff * diff;
      sorted_(i, j) = static_cast<float>(diff);
    }
    radius_[c] = std::max(radius_[c], std::sqrt(s));
  }
  norms_ = squared_norms(sorted_);
  centroid_norms_ = squared_norms(centroids_);
}

std::vector<std::uint32_t> ClusterIndex::candidates(const Matrix& queries, std::size_t cap) const {
  const std::size_t qn = queries.rows(), d = queries.cols(), nc = clusters();
  // Neighbouring queries share their pruning work: sort them by nearest centroid.
  const std::vector<std::uint32_t> home = assign_all(queries, centroids_);
  std::vector<std::uint32_t> order(qn);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return home[a] < home[b]; });
  const std::vector<float> query_norms = squared_norms(queries);

  std::vector<std::uint32_t> out(qn * cap);
  constexpr std::size_t kBlock = 64;
  constexpr std::size_t kRowBlock = 4096;
  const auto blocks = static_cast<long>((qn + kBlock - 1) / kBlock);
#pragma omp parallel
  {
    RowMat block(kBlock, static_cast<Eigen::Index>(d)), centred, to_centroids, products;
    std::vector<float> centred_norms(kBlock);
    std::vector<float> bound(kBlock * nc);  // per query and cluster: least squared distance any member can have
    std::vector<float> block_bound(nc);
    std::vector<std::uint32_t> visit(nc);
    std::vector<TopList> tops(kBlock);
    std::vector<float> limit(kBlock);
#pragma omp for schedule(dynamic)
    for (long b = 0; b < blocks; ++b) {
      const std::size_t b0 = static_cast<std::size_t>(b) * kBlock;
      const std::size_t bn = std::min(kBlock, qn - b0);
      for (std::size_t i = 0; i < bn; ++i) {
        std::copy_n(queries.row(order[b0 + i]).data(), d, block.row(static_cast<Eigen::Index>(i)).data());
        tops[i].items.clear();
        tops[i].cap = cap;
      }
      const auto live = block.topRows(static_cast<Eigen::Index>(bn));
      to_centroids.noalias() = live * rows_map(centroids_, 0, nc).transpose();
      std::fill(block_bound.begin(), block_bound.end(), std::numeric_limits<float>::infinity());
      for (std::size_t i = 0; i < bn; ++i) {
        const double qq = query_norms[order[b0 + i]];
        for (std::size_t c = 0; c < nc; ++c) {
          // |q - mu| from the product form, less its float error; then every
          // member lies at least |q - mu| - radius away (triangle inequality).
          const double approx = qq + centroid_norms_[c] - 2.0 * to_centroids(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c));
          const double error = kSlack * (qq + centroid_norms_[c]);
          const double gap = std::sqrt(std::max(0.0, approx - error)) - radius_[c];
          const auto least = static_cast<float>(gap > 0 ? gap * gap : 0.0);
          bound[i * nc + c] = least;
          block_bound[c] = std::min(block_bound[c], least);
        }
      }
      std::iota(visit.begin(), visit.end(), 0u);
      std::sort(visit.begin(), visit.end(), [&](auto x, auto y) { return block_bound[x] < block_bound[y]; });
      for (std::uint32_t c : visit) {
        // A query's current cap-th candidate, as a true squared distance with
        // slack; a cluster that lies beyond it for every query is skipped, and
        // clusters come nearest first, so the first one beyond all ends the search.
        float widest = 0;
        bool needed = false;
        for (std::size_t i = 0; i < bn; ++i) {
          const double worst = tops[i].worst();
          limit[i] = static_cast<float>(worst + kSlack * (std::abs(worst) + radius_[c] * radius_[c]));
          widest = std::max(widest, limit[i]);
          needed |= bound[i * nc + c] <= limit[i];
        }
        if (block_bound[c] > widest) break;
        if (!needed) continue;
        centred.noalias() = live.rowwise() - rows_map(centroids_, c, 1).row(0);
        for (std::size_t i = 0; i < bn; ++i) centred_norms[i] = centred.row(static_cast<Eigen::Index>(i)).squaredNorm();
        for (std::size_t t0 = start_[c]; t0 < start_[c + 1]; t0 += kRowBlock) {
          const std::size_t tn = std::min(kRowBlock, start_[c + 1] - t0);
          products.noalias() = centred * rows_map(sorted_, t0, tn).transpose();
          for (std::size_t i = 0; i < bn; ++i) {
            if (bound[i * nc + c] > limit[i]) continue;
            scan_products(centred_norms[i], products.row(static_cast<Eigen::Index>(i)).data(), &norms_[t0], tn,
                          &original_[t0], tops[i]);
          }
        }
      }
      for (std::size_t i = 0; i < bn; ++i) write_candidates(tops[i], &out[order[b0 + i] * cap]);
    }
  }
  return out;
}

}  // namespace vigil::models::knn
