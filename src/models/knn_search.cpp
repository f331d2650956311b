#include "models/knn_search.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>
#include <utility>

#include "core/distance.hpp"
#include "vigil/core/random.hpp"

namespace vigil::models::knn {
namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const RowMat>;

ConstMap rows_map(const Matrix& m, std::size_t first, std::size_t count) {
  return {m.data() + first * m.cols(), static_cast<Eigen::Index>(count), static_cast<Eigen::Index>(m.cols())};
}

// Float distances can be off by about this share of the magnitudes involved
// (far less, in fact); pruning keeps that much slack so it never drops a true
// neighbour.
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
float radius_of(const Matrix& rows, std::span<const std::uint32_t> members, std::span<const float> centroid) {
  double widest = 0;
  for (std::uint32_t i : members) widest = std::max(widest, exact_squared_distance(rows.row(i), centroid));
  return std::nextafter(static_cast<float>(std::sqrt(widest)), std::numeric_limits<float>::infinity());
}

// k-means of `rows` into at most `count` centroids from random distinct seeds,
// `rounds` Lloyd rounds over `sample` rows first: the balls need to be compact,
// not optimal. Returns each row's centroid.
std::vector<std::uint32_t> k_means(const Matrix& rows, std::size_t count, std::size_t sample_size, int rounds,
                                   std::uint64_t seed, Matrix& centroids) {
  const std::size_t n = rows.rows();
  Rng rng(seed);
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  rng.shuffle(std::span(order));
  centroids = rows.select_rows(std::span(order).first(count));
  if (sample_size < n) {
    const Matrix sample = rows.select_rows(std::span(order).first(sample_size));
    for (int round = 0; round < rounds; ++round) update_centroids(sample, assign_all(sample, centroids), centroids);
    rounds = 0;
  }
  for (int round = 0; round < rounds; ++round) update_centroids(rows, assign_all(rows, centroids), centroids);
  std::vector<std::uint32_t> assignment = assign_all(rows, centroids);
  update_centroids(rows, assignment, centroids);
  return assignment;
}

// Members of each of `count` centroids, in row order.
std::vector<std::vector<std::uint32_t>> members_of(std::span<const std::uint32_t> assignment, std::size_t count) {
  std::vector<std::vector<std::uint32_t>> members(count);
  for (std::size_t i = 0; i < assignment.size(); ++i) members[assignment[i]].push_back(static_cast<std::uint32_t>(i));
  return members;
}

struct Cell {
  std::vector<float> centroid;
  std::vector<std::uint32_t> members;  // row indices
};

// A group's rows split into cells of about kCellRows by k-means.
std::vector<Cell> split_group(const Matrix& rows, std::span<const std::uint32_t> group, std::span<const float> centroid,
                              std::uint64_t seed) {
  const std::size_t want = (group.size() + kCellRows - 1) / kCellRows;
  if (want <= 1) return {Cell{{centroid.begin(), centroid.end()}, {group.begin(), group.end()}}};
  std::vector<std::size_t> picks(group.begin(), group.end());
  const Matrix local = rows.select_rows(picks);
  Matrix centroids;
  const std::vector<std::uint32_t> assignment = k_means(local, want, local.rows(), 3, seed, centroids);
  std::vector<Cell> cells;
  for (auto& members : members_of(assignment, want)) {
    if (members.empty()) continue;
    const std::size_t c = assignment[members.front()];
    for (auto& m : members) m = group[m];
    cells.push_back({{centroids.row(c).begin(), centroids.row(c).end()}, std::move(members)});
  }
  return cells;
}

}  // namespace

ClusterIndex::ClusterIndex(const Matrix& rows, std::size_t clusters, std::uint64_t seed) {
  const std::size_t n = rows.rows(), d = rows.cols();
  if (clusters == 0) clusters = static_cast<std::size_t>(std::sqrt(static_cast<double>(n)));
  clusters = std::clamp<std::size_t>(clusters, 1, n);
  Matrix centroids;
  const std::vector<std::uint32_t> assignment =
      k_means(rows, clusters, std::min(n, std::max<std::size_t>(clusters * 32, 4096)), 4, seed, centroids);
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
      for (std::uint32_t i : cell.members) by_radius.emplace_back(std::sqrt(exact_squared_distance(rows.row(i), cell.centroid)), i);
      std::sort(by_radius.begin(), by_radius.end());
      std::size_t at = cell_rows_.back();
      for (const auto& [radius, i] : by_radius) {
        // Kept relative to the centroid: distances computed from small vectors
        // lose far less to float rounding than from raw rows.
        for (std::size_t j = 0; j < d; ++j) sorted_(at, j) = static_cast<float>(static_cast<double>(rows(i, j)) - cell.centroid[j]);
        row_radius_[at] = static_cast<float>(radius);
        original_[at++] = i;
      }
      cell_centroids_.append_row(cell.centroid);
      cell_shell_.push_back(static_cast<float>(std::sqrt(exact_squared_distance(cell.centroid, group_centroids_.row(g)))));
      cell_radius_.push_back(std::nextafter(static_cast<float>(by_radius.back().first), std::numeric_limits<float>::infinity()));
      cell_rows_.push_back(at);
    }
    group_cells_.push_back(cell_rows_.size() - 1);
  }
}

struct ClusterIndex::Scratch {
  const float* query = nullptr;
  TopList top;
  float reach = 0;  // sqrt of top's worst: the distance a row must beat
  std::vector<float> group_lower;
  std::vector<std::pair<float, std::uint32_t>> groups;  // (lower bound, group) still to visit
  std::vector<std::tuple<float, float, std::uint32_t>> cells;  // (lower bound, distance, cell)
  float query_norm = 0;
  std::vector<float> zeros, query_less_centroid;

  void offer(float squared, std::uint32_t row) {
    top.offer(squared, row);
    reach = std::sqrt(top.worst());
  }
};

void ClusterIndex::scan_group(std::size_t group, Scratch& s) const {
  const std::size_t d = sorted_.cols();
  s.cells.clear();
  const float group_distance = s.group_lower[group] + group_radius_[group];
  for (std::size_t c = group_cells_[group]; c < group_cells_[group + 1]; ++c) {
    // Every member of the cell lies between shell -+ radius from the group's
    // centroid, so at least |group_distance - shell| - radius from the query.
    const float shell_gap = std::abs(group_distance - cell_shell_[c]) - cell_radius_[c];
    if (beyond(shell_gap, s.query_norm + group_distance + cell_shell_[c] + cell_radius_[c], s.reach)) continue;
    const float distance = std::sqrt(squared_distance(s.query, cell_centroids_.row(c).data(), d));
    const float lower = distance - cell_radius_[c];
    if (!beyond(lower, s.query_norm + distance + cell_radius_[c], s.reach)) {
      s.cells.emplace_back(lower, distance, static_cast<std::uint32_t>(c));
    }
  }
  std::sort(s.cells.begin(), s.cells.end());
  for (const auto& [lower, distance, c] : s.cells) {
    const float scale = s.query_norm + distance + cell_radius_[c];
    if (beyond(lower, scale, s.reach)) break;
    const float* centroid = cell_centroids_.row(c).data();
    for (std::size_t j = 0; j < d; ++j) s.query_less_centroid[j] = s.query[j] - centroid[j];
    // A row at distance r from the centroid lies at least |distance - r| from
    // the query: only rows with r within distance -+ reach can be nearer.
    const float* first = &row_radius_[cell_rows_[c]];
    const float* last = &row_radius_[cell_rows_[c + 1]];
    const float* at = std::lower_bound(first, last, distance - s.reach - static_cast<float>(kSlack) * (scale + s.reach));
    for (; at != last; ++at) {
      if (beyond(*at - distance, scale, s.reach)) break;
      const auto t = static_cast<std::size_t>(at - row_radius_.data());
      const float squared = squared_distance(s.query_less_centroid.data(), sorted_.row(t).data(), d);
      if (squared < s.top.worst()) s.offer(squared, original_[t]);
    }
  }
}

void ClusterIndex::search(const float* query, std::size_t cap, Scratch& s, std::uint32_t* out) const {
  const std::size_t groups = clusters(), d = sorted_.cols();
  s.query = query;
  s.top.items.clear();
  s.top.cap = cap;
  s.reach = std::numeric_limits<float>::infinity();
  s.query_norm = std::sqrt(squared_distance(query, s.zeros.data(), d));
  // The group nearest by its bound first: its rows set a reach that rules out most others.
  std::size_t home = 0;
  for (std::size_t g = 0; g < groups; ++g) {
    const float distance = std::sqrt(squared_distance(query, group_centroids_.row(g).data(), d));
    s.group_lower[g] = distance - group_radius_[g];
    if (s.group_lower[g] < s.group_lower[home]) home = g;
  }
  scan_group(home, s);
  s.groups.clear();
  for (std::size_t g = 0; g < groups; ++g) {
    const float lower = s.group_lower[g];
    if (g != home && !beyond(lower, s.query_norm + lower + 2 * group_radius_[g], s.reach)) {
      s.groups.emplace_back(lower, static_cast<std::uint32_t>(g));
    }
  }
  // Nearest bound first; a heap, as the search usually ends long before the last.
  const auto farther = [](const auto& a, const auto& b) { return a > b; };
  std::make_heap(s.groups.begin(), s.groups.end(), farther);
  for (auto end = s.groups.end(); end != s.groups.begin(); --end) {
    std::pop_heap(s.groups.begin(), end, farther);
    const auto [lower, g] = end[-1];
    if (beyond(lower, s.query_norm + lower + 2 * group_radius_[g], s.reach)) break;
    scan_group(g, s);
  }
  write_candidates(s.top, out);
}

std::vector<std::uint32_t> ClusterIndex::candidates(const Matrix& queries, std::size_t cap) const {
  const std::size_t qn = queries.rows();
  std::vector<std::uint32_t> out(qn * cap);
  const auto count = static_cast<long>(qn);
  // A few queries (a detector's flow at a time) are answered on the caller's thread.
#pragma omp parallel if (qn >= 64)
  {
    Scratch s;
    s.group_lower.resize(clusters());
    s.zeros.resize(sorted_.cols());
    s.query_less_centroid.resize(sorted_.cols());
#pragma omp for schedule(dynamic, 16)
    for (long i = 0; i < count; ++i) {
      search(queries.row(static_cast<std::size_t>(i)).data(), cap, s, &out[static_cast<std::size_t>(i) * cap]);
    }
  }
  return out;
}

}  // namespace vigil::models::knn
