#include "models/knn_search.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>
#include <utility>

#include "core/distance.hpp"
#include "core/parallel.hpp"
#include "vigil/core/random.hpp"

namespace vigil::models::knn {
namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const RowMat>;

ConstMap rows_map(const Matrix& m, std::size_t first, std::size_t count) {
  return {m.data() + first * m.cols(), static_cast<Eigen::Index>(count),
          static_cast<Eigen::Index>(m.cols())};
}

// Float distances can be off by about this share of the magnitudes involved
// (far less, in fact); pruning keeps that much slack so it never drops a true
// neighbour.
constexpr double kSlack = 1e-5;

// The best `cap` candidates so far, sorted by (distance, index).
struct TopList {
  std::vector<std::pair<float, std::uint32_t>> items;
  std::size_t cap = 0;
  float worst() const {
    return items.size() < cap ? std::numeric_limits<float>::infinity() : items.back().first;
  }
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
void scan_products(float base, const float* products, const float* norms, std::size_t count,
                   const std::uint32_t* ids, TopList& top) {
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
void nearest_centroids(const Matrix& rows, std::size_t first, std::size_t count,
                       const Matrix& centroids, std::span<const float> centroid_norms,
                       std::uint32_t* out) {
  const RowMat products =
      rows_map(rows, first, count) * rows_map(centroids, 0, centroids.rows()).transpose();
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
    nearest_centroids(rows, first, std::min(kChunk, rows.rows() - first), centroids, centroid_norms,
                      &assignment[first]);
  }
  return assignment;
}

// Means of the rows assigned to each centroid; a centroid left without rows keeps its place.
void update_centroids(const Matrix& rows, std::span<const std::uint32_t> assignment,
                      Matrix& centroids) {
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
    for (std::size_t j = 0; j < d; ++j)
      centroids(c, j) = static_cast<float>(sums[c * d + j] / static_cast<double>(counts[c]));
  }
}

}  // namespace

std::vector<std::uint32_t> brute_candidates(const Matrix& rows, std::span<const float> norms,
                                            const Matrix& queries, std::size_t cap,
                                            bool manhattan) {
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
              const float dist =
                  (q.row(static_cast<Eigen::Index>(i)) - t.row(static_cast<Eigen::Index>(j)))
                      .cwiseAbs()
                      .sum();
              tops[i].offer(dist, static_cast<std::uint32_t>(t0 + j));
            }
          }
          continue;
        }
        // |q - t|^2 = |q|^2 + |t|^2 - 2 q.t; |q|^2 is the same for every t, so it is left out.
        products.noalias() = q * t.transpose();
        for (std::size_t i = 0; i < qn; ++i) {
          scan_products(0.0f, products.row(static_cast<Eigen::Index>(i)).data(), &norms[t0], tn,
                        &ids[t0], tops[i]);
        }
      }
      for (std::size_t i = 0; i < qn; ++i) write_candidates(tops[i], &out[(q0 + i) * cap]);
    }
  }
  return out;
}

namespace {

// Rows a cell holds, about: small enough that a query reads few rows beyond
// its neighbours, large enough that cell centroids stay few.
constexpr std::size_t kCellRows = 48;

// True when every member of a ball lies beyond `reach`, the query's current
// cap-th distance: `lower` is the least distance any member can have. The
// slack covers float rounding, which grows with the magnitudes in play
// (`scale`: the query's norm plus the distances and radius involved), so that
// a true neighbour is never skipped.
bool beyond(float lower, float scale, float reach) {
  return lower > reach + static_cast<float>(kSlack) * (scale + reach);
}

// Farthest of `members` from `centroid`, exactly, rounded up to a float.
float radius_of(const Matrix& rows, std::span<const std::uint32_t> members,
                std::span<const float> centroid) {
  double widest = 0;
  for (std::uint32_t i : members)
    widest = std::max(widest, exact_squared_distance(rows.row(i), centroid));
  return std::nextafter(static_cast<float>(std::sqrt(widest)),
                        std::numeric_limits<float>::infinity());
}

// k-means of `rows` into at most `count` centroids from random distinct seeds,
// `rounds` Lloyd rounds over `sample` rows first: the balls need to be compact,
// not optimal. Returns each row's centroid.
std::vector<std::uint32_t> k_means(const Matrix& rows, std::size_t count, std::size_t sample_size,
                                   int rounds, std::uint64_t seed, Matrix& centroids) {
  const std::size_t n = rows.rows();
  Rng rng(seed);
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  rng.shuffle(std::span(order));
  centroids = rows.select_rows(std::span(order).first(count));
  if (sample_size < n) {
    const Matrix sample = rows.select_rows(std::span(order).first(sample_size));
    for (int round = 0; round < rounds; ++round)
      update_centroids(sample, assign_all(sample, centroids), centroids);
    rounds = 0;
  }
  for (int round = 0; round < rounds; ++round)
    update_centroids(rows, assign_all(rows, centroids), centroids);
  std::vector<std::uint32_t> assignment = assign_all(rows, centroids);
  update_centroids(rows, assignment, centroids);
  return assignment;
}

// Members of each of `count` centroids, in row order.
std::vector<std::vector<std::uint32_t>> members_of(std::span<const std::uint32_t> assignment,
                                                   std::size_t count) {
  std::vector<std::vector<std::uint32_t>> members(count);
  for (std::size_t i = 0; i < assignment.size(); ++i)
    members[assignment[i]].push_back(static_cast<std::uint32_t>(i));
  return members;
}

struct Cell {
  std::vector<float> centroid;
  std::vector<std::uint32_t> members;  // row indices
};

// A group's rows split into cells of about kCellRows by k-means.
std::vector<Cell> split_group(const Matrix& rows, std::span<const std::uint32_t> group,
                              std::span<const float> centroid, std::uint64_t seed) {
  const std::size_t want = (group.size() + kCellRows - 1) / kCellRows;
  if (want <= 1) return {Cell{{centroid.begin(), centroid.end()}, {group.begin(), group.end()}}};
  std::vector<std::size_t> picks(group.begin(), group.end());
  const Matrix local = rows.select_rows(picks);
  Matrix centroids;
  const std::vector<std::uint32_t> assignment =
      k_means(local, want, local.rows(), 3, seed, centroids);
  std::vector<Cell> cells;
  for (auto& members : members_of(assignment, want)) {
    if (members.empty()) continue;
    const std::size_t c = assignment[members.front()];
    for (auto& m : members) m = group[m];
    cells.push_back({{centroids.row(c).begin(), centroids.row(c).end()}, std::move(members)});
  }
  return cells;
}

// Appends `count` rows of `points` from `first` on by columns, sixteen to a
// block, padded with copies of the last so that every lane holds a real point.
constexpr std::size_t kLanes = 16;

void append_columns(const Matrix& points, std::size_t first, std::size_t count,
                    std::vector<float>& out) {
  const std::size_t d = points.cols();
  for (std::size_t b = 0; b < count; b += kLanes) {
    for (std::size_t j = 0; j < d; ++j) {
      for (std::size_t lane = 0; lane < kLanes; ++lane) {
        out.push_back(points(first + std::min(b + lane, count - 1), j));
      }
    }
  }
}

// Distances from `query` to `count` points laid out by append_columns.
void column_distances(const float* query, const float* columns, std::size_t count, std::size_t d,
                      float* out) {
#if defined(__AVX512F__)
  // Spelled out: GCC's -O3 kept the plain loop's sums in memory, at a third of the speed.
  static_assert(kLanes == 16);
  for (std::size_t b = 0; b < count; b += kLanes, columns += d * kLanes) {
    __m512 sum = _mm512_setzero_ps();
    for (std::size_t j = 0; j < d; ++j) {
      const __m512 t =
          _mm512_sub_ps(_mm512_loadu_ps(columns + j * kLanes), _mm512_set1_ps(query[j]));
      sum = _mm512_fmadd_ps(t, t, sum);
    }
    const auto lanes = static_cast<unsigned>(std::min(kLanes, count - b));
    _mm512_mask_storeu_ps(out + b, static_cast<__mmask16>((1u << lanes) - 1), _mm512_sqrt_ps(sum));
  }
#else
  for (std::size_t b = 0; b < count; b += kLanes, columns += d * kLanes) {
    float sum[kLanes] = {};
    for (std::size_t j = 0; j < d; ++j) {
      for (std::size_t lane = 0; lane < kLanes; ++lane) {
        const float t = columns[j * kLanes + lane] - query[j];
        sum[lane] += t * t;
      }
    }
    const std::size_t lanes = std::min(kLanes, count - b);
    for (std::size_t lane = 0; lane < lanes; ++lane) out[b + lane] = std::sqrt(sum[lane]);
  }
#endif
}

// Distances from `query` to `count` boxes whose corners are coded on a grid
// (per feature: low + code x step), by columns of sixteen as append_columns
// lays out points. Codes are bytes or 16-bit words.
template <class Code>
void coded_box_distances(const float* query, const Code* low_codes, const Code* high_codes,
                         const float* grid_low, const float* grid_step, std::size_t count,
                         std::size_t d, float* out) {
#if defined(__AVX512F__)
  const auto decode = [](const Code* codes, __m512 step, __m512 low) {
    __m512i wide;
    if constexpr (sizeof(Code) == 1) {
      wide = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(codes)));
    } else {
      wide = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes)));
    }
    return _mm512_fmadd_ps(_mm512_cvtepi32_ps(wide), step, low);
  };
  for (std::size_t b = 0; b < count;
       b += kLanes, low_codes += d * kLanes, high_codes += d * kLanes) {
    __m512 sum = _mm512_setzero_ps();
    for (std::size_t j = 0; j < d; ++j) {
      const __m512 q = _mm512_set1_ps(query[j]);
      const __m512 step = _mm512_set1_ps(grid_step[j]), low = _mm512_set1_ps(grid_low[j]);
      const __m512 below = _mm512_max_ps(
          _mm512_sub_ps(decode(low_codes + j * kLanes, step, low), q), _mm512_setzero_ps());
      const __m512 above = _mm512_max_ps(
          _mm512_sub_ps(q, decode(high_codes + j * kLanes, step, low)), _mm512_setzero_ps());
      const __m512 t = _mm512_add_ps(below, above);  // one of the two is zero
      sum = _mm512_fmadd_ps(t, t, sum);
    }
    const auto lanes = static_cast<unsigned>(std::min(kLanes, count - b));
    _mm512_mask_storeu_ps(out + b, static_cast<__mmask16>((1u << lanes) - 1), _mm512_sqrt_ps(sum));
  }
#else
  for (std::size_t b = 0; b < count;
       b += kLanes, low_codes += d * kLanes, high_codes += d * kLanes) {
    float sum[kLanes] = {};
    for (std::size_t j = 0; j < d; ++j) {
      for (std::size_t lane = 0; lane < kLanes; ++lane) {
        const float lo =
            std::fma(static_cast<float>(low_codes[j * kLanes + lane]), grid_step[j], grid_low[j]);
        const float hi =
            std::fma(static_cast<float>(high_codes[j * kLanes + lane]), grid_step[j], grid_low[j]);
        const float t = std::max(lo - query[j], 0.0f) + std::max(query[j] - hi, 0.0f);
        sum[lane] += t * t;
      }
    }
    const std::size_t lanes = std::min(kLanes, count - b);
    for (std::size_t lane = 0; lane < lanes; ++lane) out[b + lane] = std::sqrt(sum[lane]);
  }
#endif
}

// A grid a feature from `low` to `high` in as many steps as a Code has
// values less one, as the query computes its lines (one fused multiply-add:
// low + code x step), the last at or above high.
template <class Code>
void grid_between(std::span<const float> low, std::span<const float> high, float* grid_low,
                  float* grid_step) {
  const auto steps = static_cast<float>(std::numeric_limits<Code>::max());
  for (std::size_t j = 0; j < low.size(); ++j) {
    grid_low[j] = low[j];
    grid_step[j] = (high[j] - low[j]) / steps;
    while (std::fma(steps, grid_step[j], low[j]) < high[j]) {
      grid_step[j] = std::nextafter(grid_step[j], std::numeric_limits<float>::infinity());
    }
  }
}

// Appends the boxes [first, first + count) of `low` and `high` coded on the
// grid, by columns of sixteen (padded as append_columns pads). Each corner is
// the grid line at or outside the true one, so the coded box holds the box.
template <class Code>
void append_coded_boxes(const Matrix& low, const Matrix& high, std::size_t first, std::size_t count,
                        const float* grid_low, const float* grid_step, std::vector<Code>& low_codes,
                        std::vector<Code>& high_codes) {
  constexpr long kTop = std::numeric_limits<Code>::max();
  const auto line = [&](std::size_t j, long code) {
    return std::fma(static_cast<float>(code), grid_step[j], grid_low[j]);
  };
  // Clamped as a float: a cast of a float beyond long's range is undefined.
  const auto code_of = [&](float steps) {
    return std::isnan(steps) ? 0L
                             : static_cast<long>(std::clamp(steps, 0.0f, static_cast<float>(kTop)));
  };
  for (std::size_t b = 0; b < count; b += kLanes) {
    for (std::size_t j = 0; j < low.cols(); ++j) {
      for (std::size_t lane = 0; lane < kLanes; ++lane) {
        const std::size_t i = first + std::min(b + lane, count - 1);
        long lo = 0, hi = kTop;
        if (grid_step[j] > 0) {
          lo = code_of(std::floor((low(i, j) - grid_low[j]) / grid_step[j]));
          hi = code_of(std::ceil((high(i, j) - grid_low[j]) / grid_step[j]));
        }
        while (lo > 0 && line(j, lo) > low(i, j)) --lo;
        while (hi < kTop && line(j, hi) < high(i, j)) ++hi;
        low_codes.push_back(static_cast<Code>(lo));
        high_codes.push_back(static_cast<Code>(hi));
      }
    }
  }
}

// The low and high corners of the box around each of `sets` (rows of `rows`).
std::pair<Matrix, Matrix> bounding_boxes(const Matrix& rows,
                                         std::span<const std::vector<std::uint32_t>> sets) {
  Matrix low(sets.size(), rows.cols(), std::numeric_limits<float>::infinity());
  Matrix high(sets.size(), rows.cols(), -std::numeric_limits<float>::infinity());
  for (std::size_t s = 0; s < sets.size(); ++s) {
    for (const std::uint32_t i : sets[s]) {
      for (std::size_t j = 0; j < rows.cols(); ++j) {
        low(s, j) = std::min(low(s, j), rows(i, j));
        high(s, j) = std::max(high(s, j), rows(i, j));
      }
    }
  }
  return {std::move(low), std::move(high)};
}

}  // namespace

ClusterIndex::ClusterIndex(const Matrix& rows, std::size_t clusters, std::uint64_t seed) {
  const std::size_t n = rows.rows(), d = rows.cols();
  if (clusters == 0) clusters = static_cast<std::size_t>(std::sqrt(static_cast<double>(n)));
  clusters = std::clamp<std::size_t>(clusters, 1, n);
  Matrix centroids;
  const std::vector<std::uint32_t> assignment = k_means(
      rows, clusters, std::min(n, std::max<std::size_t>(clusters * 32, 4096)), 4, seed, centroids);
  std::vector<std::vector<std::uint32_t>> groups = members_of(assignment, clusters);
  std::erase_if(groups, [](const auto& g) { return g.empty(); });
  // Groups keep their k-means centroid; empty ones are gone, so renumber by members.
  std::vector<std::vector<Cell>> cells(groups.size());
  group_centroids_ = Matrix(groups.size(), d);
  group_radius_.resize(groups.size());
  const auto group_count = static_cast<long>(groups.size());
#pragma omp parallel for schedule(dynamic)
  for (long gl = 0; gl < group_count; ++gl) {
    const auto g = static_cast<std::size_t>(gl);
    const std::span<const float> centroid = centroids.row(assignment[groups[g].front()]);
    std::copy(centroid.begin(), centroid.end(), group_centroids_.row(g).begin());
    group_radius_[g] = radius_of(rows, groups[g], centroid);
    cells[g] = split_group(rows, groups[g], centroid, seed + 1 + g);
  }

  // Lay the rows out group by group, cell by cell, nearest to the cell's centroid first.
  sorted_ = Matrix(n, d);
  row_radius_.resize(n);
  original_.resize(n);
  group_cells_.assign(1, 0);
  cell_rows_.assign(1, 0);
  std::vector<std::pair<double, std::uint32_t>> by_radius;
  for (std::size_t g = 0; g < cells.size(); ++g) {
    for (Cell& cell : cells[g]) {
      by_radius.clear();
      for (std::uint32_t i : cell.members)
        by_radius.emplace_back(std::sqrt(exact_squared_distance(rows.row(i), cell.centroid)), i);
      std::sort(by_radius.begin(), by_radius.end());
      std::size_t at = cell_rows_.back();
      for (const auto& [radius, i] : by_radius) {
        // Kept relative to the centroid: distances computed from small vectors
        // lose far less to float rounding than from raw rows.
        for (std::size_t j = 0; j < d; ++j)
          sorted_(at, j) = static_cast<float>(static_cast<double>(rows(i, j)) - cell.centroid[j]);
        row_radius_[at] = static_cast<float>(radius);
        original_[at++] = i;
      }
      cell_centroids_.append_row(cell.centroid);
      cell_radius_.push_back(std::nextafter(static_cast<float>(by_radius.back().first),
                                            std::numeric_limits<float>::infinity()));
      cell_rows_.push_back(at);
    }
    group_cells_.push_back(cell_rows_.size() - 1);
  }
  quantise_rows();
  std::vector<std::vector<std::uint32_t>> cell_members;
  for (auto& group_cells : cells) {
    for (Cell& cell : group_cells) cell_members.push_back(std::move(cell.members));
  }
  const auto [group_low, group_high] = bounding_boxes(rows, groups);
  const auto [cell_low, cell_high] = bounding_boxes(rows, cell_members);
  append_columns(group_centroids_, 0, group_centroids_.rows(), group_columns_);
  // Boxes coded: the groups' in 16 bits a feature on a grid across all rows
  // (a byte's grid is too coarse there: queries then visited 10-20% more
  // groups), each group's cells' in a byte on the group's own grid.
  std::vector<float> all_low(d, std::numeric_limits<float>::infinity()), all_high(d, -all_low[0]);
  for (std::size_t g = 0; g < group_low.rows(); ++g) {
    for (std::size_t j = 0; j < d; ++j) {
      all_low[j] = std::min(all_low[j], group_low(g, j));
      all_high[j] = std::max(all_high[j], group_high(g, j));
    }
  }
  grid_low_.resize(d);
  grid_step_.resize(d);
  grid_between<std::uint16_t>(all_low, all_high, grid_low_.data(), grid_step_.data());
  append_coded_boxes(group_low, group_high, 0, group_low.rows(), grid_low_.data(),
                     grid_step_.data(), group_low_codes_, group_high_codes_);
  group_grid_low_.assign(group_low.rows() * d, 0.0f);
  group_grid_step_.assign(group_low.rows() * d, 0.0f);
  for (std::size_t g = 0; g < group_low.rows(); ++g) {
    grid_between<std::uint8_t>(group_low.row(g), group_high.row(g), &group_grid_low_[g * d],
                               &group_grid_step_[g * d]);
    group_cell_codes_.push_back(cell_low_codes_.size());
    append_coded_boxes(cell_low, cell_high, group_cells_[g], group_cells_[g + 1] - group_cells_[g],
                       &group_grid_low_[g * d], &group_grid_step_[g * d], cell_low_codes_,
                       cell_high_codes_);
  }
}

void ClusterIndex::quantise_rows() {
  const std::size_t d = sorted_.cols(), cells = cell_rows_.size() - 1;
  code_width_ = (d + kLanes - 1) / kLanes * kLanes;
  codes_.assign(sorted_.rows() * code_width_, 0);
  code_low_.assign(cells * code_width_, 0.0f);
  code_step_.assign(cells * code_width_, 0.0f);
  code_error_.assign(cells * code_width_, 0.0f);
  for (std::size_t c = 0; c < cells; ++c) {
    const std::size_t first = cell_rows_[c], last = cell_rows_[c + 1];
    for (std::size_t j = 0; j < d; ++j) {
      float low = std::numeric_limits<float>::infinity(), high = -low;
      for (std::size_t t = first; t < last; ++t) {
        low = std::min(low, sorted_(t, j));
        high = std::max(high, sorted_(t, j));
      }
      const float step = (high - low) / 255.0f;
      double error = 0;
      for (std::size_t t = first; t < last; ++t) {
        const float steps = step > 0 ? (sorted_(t, j) - low) / step : 0.0f;
        const float code =
            std::isfinite(steps) ? std::clamp(std::nearbyint(steps), 0.0f, 255.0f) : 0.0f;
        codes_[t * code_width_ + j] = static_cast<std::uint8_t>(code);
        const double rebuilt = static_cast<double>(low) + static_cast<double>(code) * step;
        error = std::max(error, std::abs(static_cast<double>(sorted_(t, j)) - rebuilt));
      }
      code_low_[c * code_width_ + j] = low;
      code_step_[c * code_width_ + j] = step;
      code_error_[c * code_width_ + j] =
          std::nextafter(static_cast<float>(error), std::numeric_limits<float>::infinity());
    }
  }
}

namespace {

// The least squared distance a row coded on a cell's grid can have from a
// query: per feature, how far the query lies from the code's value less the
// grid's error, never below zero. `gap` is the query less the cell's centroid
// less the grid's low corner.
float coded_lower_bound(const std::uint8_t* code, const float* gap, const float* step,
                        const float* error, std::size_t width) {
#if defined(__AVX512F__)
  __m512 sum = _mm512_setzero_ps();
  for (std::size_t j = 0; j < width; j += kLanes) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(code + j));
    const __m512 value = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(bytes));
    const __m512 off =
        _mm512_abs_ps(_mm512_fnmadd_ps(value, _mm512_loadu_ps(step + j), _mm512_loadu_ps(gap + j)));
    const __m512 t =
        _mm512_max_ps(_mm512_sub_ps(off, _mm512_loadu_ps(error + j)), _mm512_setzero_ps());
    sum = _mm512_fmadd_ps(t, t, sum);
  }
  return _mm512_reduce_add_ps(sum);
#else
  float sum = 0;
  for (std::size_t j = 0; j < width; ++j) {
    const float t =
        std::max(std::abs(gap[j] - static_cast<float>(code[j]) * step[j]) - error[j], 0.0f);
    sum += t * t;
  }
  return sum;
#endif
}

}  // namespace

// The k nearest rows so far by float distance, and after them up to
// `cap` - k more whose float distance lies within rounding of the k-th's.
// Float distances can misorder near-equal rows, and the caller settles the
// order with exact ones: a row among the k nearest by exact distance is
// within twice the rounding of the k-th float distance, so it is kept. The
// search itself only has to reach as far as the k-th, not the cap-th.
struct NearList {
  struct Item {
    float squared;
    std::uint32_t row;
    float scale;  // the magnitudes its float distance was computed from
    bool operator<(const Item& o) const {
      return std::tie(squared, row) < std::tie(o.squared, o.row);
    }
  };
  std::vector<Item> items;  // sorted by distance, then row
  std::size_t k = 0, cap = 0;
  float reach =
      std::numeric_limits<float>::infinity();  // the k-th's distance: what a row must come near

  void clear(std::size_t nearest, std::size_t most) {
    items.clear();
    k = std::min(nearest, most);
    cap = most;
    reach = std::numeric_limits<float>::infinity();
  }
  // Whether a row at this float distance (computed from magnitudes about
  // `scale`) may be among the k nearest.
  bool near(float squared, float scale) const { return !beyond(std::sqrt(squared), scale, reach); }
  void offer(float squared, std::uint32_t row, float scale) {
    const Item item{squared, row, scale};
    items.insert(std::upper_bound(items.begin(), items.end(), item), item);
    if (items.size() < k) return;
    reach = std::sqrt(items[k - 1].squared);
    // The rows after the k-th that a nearer k-th has left out of reach go.
    const auto kept = std::remove_if(items.begin() + static_cast<std::ptrdiff_t>(k), items.end(),
                                     [&](const Item& i) { return !near(i.squared, i.scale); });
    items.erase(kept, items.end());
    if (items.size() > cap) items.resize(cap);
  }
  void write(std::uint32_t* out) const {
    std::size_t i = 0;
    for (const Item& item : items) out[i++] = item.row;
    for (; i < cap; ++i) out[i] = kNoRow;
  }
};

struct ClusterIndex::Scratch {
  const float* query = nullptr;
  NearList nearest;
  std::vector<float> group_distance, group_box;
  std::vector<std::pair<float, std::uint32_t>> groups;  // (lower bound, group) still to visit
  std::vector<float> cell_box;
  std::vector<std::pair<float, std::uint32_t>> cells;  // (distance, cell) that may hold a candidate
  float query_norm = 0;
  std::vector<float> zeros, query_less_centroid, gap;
};

void ClusterIndex::scan_group(std::size_t group, Scratch& s) const {
  const std::size_t d = sorted_.cols();
  const std::size_t first_cell = group_cells_[group],
                    cell_count = group_cells_[group + 1] - first_cell;
  const std::size_t codes = group_cell_codes_[group];
  coded_box_distances(s.query, &cell_low_codes_[codes], &cell_high_codes_[codes],
                      &group_grid_low_[group * d], &group_grid_step_[group * d], cell_count, d,
                      s.cell_box.data());
  // The magnitudes of any of the group's cells' distances, at most.
  const float group_scale = s.query_norm + s.group_distance[group] + 3 * group_radius_[group];
  s.cells.clear();
  for (std::size_t i = 0; i < cell_count; ++i) {
    if (beyond(s.cell_box[i], group_scale, s.nearest.reach)) continue;
    // Only the cells the box leaves in reach read their centroid.
    const std::size_t c = first_cell + i;
    const float distance = std::sqrt(squared_distance(s.query, cell_centroids_.row(c).data(), d));
    s.cell_box[i] = std::max(s.cell_box[i], distance - cell_radius_[c]);  // the tighter bound
    if (!beyond(s.cell_box[i], s.query_norm + distance + cell_radius_[c], s.nearest.reach)) {
      s.cells.emplace_back(distance, static_cast<std::uint32_t>(c));
    }
  }
  // Nearest centroid first, not nearest bound: the rows around the query come
  // first and shrink the reach soonest; each cell is then checked on its own.
  std::sort(s.cells.begin(), s.cells.end());
  for (const auto& [distance, c] : s.cells) {
    const float scale = s.query_norm + distance + cell_radius_[c];
    if (beyond(s.cell_box[c - first_cell], scale, s.nearest.reach)) continue;
    const float* centroid = cell_centroids_.row(c).data();
    const float* low = &code_low_[c * code_width_];
    for (std::size_t j = 0; j < d; ++j) {
      s.query_less_centroid[j] = s.query[j] - centroid[j];
      s.gap[j] = s.query_less_centroid[j] - low[j];
    }
    const float* step = &code_step_[c * code_width_];
    const float* error = &code_error_[c * code_width_];
    // A row at distance r from the centroid lies at least |distance - r| from
    // the query: only rows with r within distance -+ reach can be nearer.
    const float* first = &row_radius_[cell_rows_[c]];
    const float* last = &row_radius_[cell_rows_[c + 1]];
    const float reach = s.nearest.reach;
    const float* at = std::lower_bound(
        first, last, distance - reach - static_cast<float>(kSlack) * (scale + reach));
    for (; at != last; ++at) {
      if (beyond(*at - distance, scale, s.nearest.reach)) break;
      const auto t = static_cast<std::size_t>(at - row_radius_.data());
      const float bound =
          coded_lower_bound(&codes_[t * code_width_], s.gap.data(), step, error, code_width_);
      if (beyond(std::sqrt(bound), scale, s.nearest.reach)) continue;
      const float squared =
          squared_distance(s.query_less_centroid.data(), sorted_.row(t).data(), d);
      if (s.nearest.near(squared, scale)) s.nearest.offer(squared, original_[t], scale);
    }
  }
}

void ClusterIndex::search(const float* query, std::size_t k, std::size_t cap, Scratch& s,
                          std::uint32_t* out) const {
  const std::size_t groups = clusters(), d = sorted_.cols();
  s.query = query;
  s.nearest.clear(k, cap);
  s.query_norm = std::sqrt(squared_distance(query, s.zeros.data(), d));
  column_distances(query, group_columns_.data(), groups, d, s.group_distance.data());
  coded_box_distances(query, group_low_codes_.data(), group_high_codes_.data(), grid_low_.data(),
                      grid_step_.data(), groups, d, s.group_box.data());
  // The group with the nearest centroid first: its rows set a reach that rules out most others.
  const auto home = static_cast<std::size_t>(
      std::min_element(s.group_distance.begin(),
                       s.group_distance.begin() + static_cast<long>(groups)) -
      s.group_distance.begin());
  scan_group(home, s);
  s.groups.clear();
  for (std::size_t g = 0; g < groups; ++g) {
    const float lower = std::max(s.group_box[g], s.group_distance[g] - group_radius_[g]);
    if (g != home &&
        !beyond(lower, s.query_norm + s.group_distance[g] + group_radius_[g], s.nearest.reach)) {
      s.groups.emplace_back(lower, static_cast<std::uint32_t>(g));
    }
  }
  // Nearest bound first; a heap, as the search usually ends long before the last.
  const auto farther = [](const auto& a, const auto& b) { return a > b; };
  std::make_heap(s.groups.begin(), s.groups.end(), farther);
  for (auto end = s.groups.end(); end != s.groups.begin(); --end) {
    std::pop_heap(s.groups.begin(), end, farther);
    const auto [lower, g] = end[-1];
    if (beyond(lower, s.query_norm + s.group_distance[g] + group_radius_[g], s.nearest.reach))
      break;
    scan_group(g, s);
  }
  s.nearest.write(out);
}

std::vector<std::uint32_t> ClusterIndex::candidates(const Matrix& queries, std::size_t k,
                                                    std::size_t cap) const {
  const std::size_t qn = queries.rows();
  std::vector<std::uint32_t> out(qn * cap);
  const auto scratch = [&] {
    Scratch s;
    s.group_distance.resize(clusters());
    s.group_box.resize(clusters());
    std::size_t widest = 0;
    for (std::size_t g = 0; g < clusters(); ++g)
      widest = std::max(widest, group_cells_[g + 1] - group_cells_[g]);
    s.cell_box.resize(widest + kLanes);
    s.zeros.resize(sorted_.cols());
    s.query_less_centroid.resize(sorted_.cols());
    s.gap.assign(code_width_, 0.0f);
    return s;
  };
  // A detector's flow at a time is one piece, answered without a parallel region.
  for_row_pieces(qn, 64, [&](std::size_t first, std::size_t last) {
    Scratch s = scratch();
    for (std::size_t i = first; i < last; ++i)
      search(queries.row(i).data(), k, cap, s, &out[i * cap]);
  });
  return out;
}

}  // namespace vigil::models::knn
