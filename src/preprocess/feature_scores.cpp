#include "vigil/preprocess/feature_scores.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "vigil/core/error.hpp"
#include "vigil/core/random.hpp"

namespace vigil::preprocess {
namespace {

// psi(x) for x > 0: recurrence up to 6, then the asymptotic series.
double digamma(double x) {
  double result = 0;
  while (x < 6) {
    result -= 1 / x;
    x += 1;
  }
  const double f = 1 / (x * x);
  return result + std::log(x) - 0.5 / x -
         f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
}

// I(v; class) for one feature's values.
double mutual_information_1d(std::vector<double> v, std::span<const std::int32_t> labels,
                             std::size_t classes, int neighbours) {
  const std::size_t n = v.size();
  std::vector<std::vector<std::uint32_t>> members(classes);
  for (std::size_t i = 0; i < n; ++i)
    members[static_cast<std::size_t>(labels[i])].push_back(static_cast<std::uint32_t>(i));
  std::vector<double> radius(n, 0.0);
  std::vector<int> k_of(n, 0);
  std::vector<std::size_t> class_count(n, 0);
  for (auto& rows : members) {
    for (auto i : rows) class_count[i] = rows.size();
    if (rows.size() < 2) continue;
    const auto k = static_cast<std::size_t>(
        std::min<std::size_t>(static_cast<std::size_t>(neighbours), rows.size() - 1));
    std::sort(rows.begin(), rows.end(),
              [&](std::uint32_t a, std::uint32_t b) { return v[a] < v[b]; });
    for (std::size_t p = 0; p < rows.size(); ++p) {
      // The k-th nearest other member: merge outwards from p.
      std::size_t lo = p, hi = p;
      double d = 0;
      for (std::size_t step = 0; step < k; ++step) {
        const double left = lo > 0 ? v[rows[p]] - v[rows[lo - 1]] : INFINITY;
        const double right = hi + 1 < rows.size() ? v[rows[hi + 1]] - v[rows[p]] : INFINITY;
        if (left <= right) {
          d = left;
          --lo;
        } else {
          d = right;
          ++hi;
        }
      }
      radius[rows[p]] = std::nextafter(d, 0.0);
      k_of[rows[p]] = static_cast<int>(k);
    }
  }
  // Rows alone in their class are left out, as scikit-learn does.
  std::vector<double> kept;
  for (std::size_t i = 0; i < n; ++i) {
    if (class_count[i] > 1) kept.push_back(v[i]);
  }
  std::sort(kept.begin(), kept.end());
  double sum_k = 0, sum_count = 0, sum_m = 0;
  std::size_t used = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (class_count[i] < 2) continue;
    ++used;
    // Rows with |v - v[i]| <= radius, compared as differences (v[i] + radius
    // can round up onto the neighbour that radius was set just short of).
    auto lo = std::lower_bound(kept.begin(), kept.end(), v[i] - radius[i]);
    auto hi = std::upper_bound(kept.begin(), kept.end(), v[i] + radius[i]);
    while (lo != kept.end() && v[i] - *lo > radius[i]) ++lo;
    while (lo != kept.begin() && v[i] - *(lo - 1) <= radius[i]) --lo;
    while (hi != kept.begin() && *(hi - 1) - v[i] > radius[i]) --hi;
    while (hi != kept.end() && *hi - v[i] <= radius[i]) ++hi;
    const auto m = hi - lo;
    sum_k += digamma(k_of[i]);
    sum_count += digamma(static_cast<double>(class_count[i]));
    sum_m += digamma(static_cast<double>(m));
  }
  if (used == 0) return 0;
  const auto u = static_cast<double>(used);
  return std::max(0.0, digamma(u) + sum_k / u - sum_count / u - sum_m / u);
}

}  // namespace

const NameTable<SelectBy>& select_by_names() {
  static const NameTable<SelectBy> table("feature score",
                                         {{SelectBy::kMutualInfo, "mi"},
                                          {SelectBy::kChi2, "chi2"},
                                          {SelectBy::kForest, "rf"},
                                          {SelectBy::kPermutation, "permutation"}});
  return table;
}

SelectBy parse_select_by(const std::string& name) { return select_by_names().parse(name); }

std::string to_string(SelectBy by) { return select_by_names().name(by); }

std::vector<double> mutual_information(const Matrix& x, std::span<const std::int32_t> labels,
                                       int classes, std::uint64_t seed, int neighbours) {
  VIGIL_CHECK(labels.size() == x.rows() && classes > 0, "mutual_information shapes");
  const std::size_t n = x.rows(), d = x.cols();
  std::vector<double> out(d, 0.0);
  if (n == 0) return out;
  const auto features = static_cast<long>(d);
#pragma omp parallel for schedule(dynamic)
  for (long jj = 0; jj < features; ++jj) {
    const auto j = static_cast<std::size_t>(jj);
    std::vector<double> v(n);
    double sum = 0, sq = 0;
    for (std::size_t r = 0; r < n; ++r) {
      v[r] = x(r, j);
      sum += v[r];
      sq += v[r] * v[r];
    }
    const double mean = sum / static_cast<double>(n);
    const double sd = std::sqrt(std::max(0.0, sq / static_cast<double>(n) - mean * mean));
    double magnitude = 0;
    for (auto& value : v) {
      if (sd > 0) value /= sd;
      magnitude += std::fabs(value);
    }
    const double jitter = 1e-10 * std::max(1.0, magnitude / static_cast<double>(n));
    Rng rng(seed + j * 0x9e3779b97f4a7c15ULL);
    for (auto& value : v) value += jitter * rng.normal();
    out[j] =
        mutual_information_1d(std::move(v), labels, static_cast<std::size_t>(classes), neighbours);
  }
  return out;
}

std::vector<double> chi_squared(const Matrix& x, std::span<const std::int32_t> labels,
                                int classes) {
  VIGIL_CHECK(labels.size() == x.rows() && classes > 0, "chi_squared shapes");
  const std::size_t n = x.rows(), d = x.cols(), k = static_cast<std::size_t>(classes);
  std::vector<double> lo(d, INFINITY), hi(d, -INFINITY);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t j = 0; j < d; ++j) {
      lo[j] = std::min(lo[j], static_cast<double>(x(r, j)));
      hi[j] = std::max(hi[j], static_cast<double>(x(r, j)));
    }
  }
  std::vector<double> observed(k * d, 0.0), feature_sum(d, 0.0), class_rows(k, 0.0);
  for (std::size_t r = 0; r < n; ++r) {
    const auto c = static_cast<std::size_t>(labels[r]);
    class_rows[c] += 1;
    for (std::size_t j = 0; j < d; ++j) {
      const double v = hi[j] > lo[j] ? (x(r, j) - lo[j]) / (hi[j] - lo[j]) : 0.0;
      observed[c * d + j] += v;
      feature_sum[j] += v;
    }
  }
  std::vector<double> out(d, 0.0);
  for (std::size_t j = 0; j < d; ++j) {
    for (std::size_t c = 0; c < k; ++c) {
      const double expected = class_rows[c] / static_cast<double>(n) * feature_sum[j];
      if (expected > 0)
        out[j] += (observed[c * d + j] - expected) * (observed[c * d + j] - expected) / expected;
    }
  }
  return out;
}

}  // namespace vigil::preprocess
