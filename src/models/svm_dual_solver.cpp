#include "models/svm_dual_solver.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "vigil/core/random.hpp"

namespace vigil::models::svm {
namespace {

double dot(const std::vector<double>& w, std::span<const float> row) {
  double s = w.back();  // the bias feature is 1
  for (std::size_t j = 0; j < row.size(); ++j) s += w[j] * row[j];
  return s;
}

}  // namespace

DualResult solve_dual(const Matrix& x, std::span<const std::uint8_t> positive, double c,
                      double tolerance, int max_iter, std::uint64_t seed) {
  const std::size_t n = x.rows(), d = x.cols();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  // The squared hinge loss adds 1/(2C) to the dual's diagonal and has no upper bound on alpha.
  const double diag = 0.5 / c;
  std::vector<double> alpha(n, 0.0), q_diag(n);
  std::vector<std::int8_t> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = positive[i] ? 1 : -1;
    double norm = 1.0;  // the bias feature
    for (float v : x.row(i)) norm += static_cast<double>(v) * v;
    q_diag[i] = norm + diag;
  }
  DualResult result;
  result.w.assign(d + 1, 0.0);
  std::vector<double>& w = result.w;
  std::vector<std::uint32_t> index(n);
  std::iota(index.begin(), index.end(), 0u);
  Rng rng(seed);
  std::size_t active = n;
  double pg_max_old = kInf;
  while (result.iterations < max_iter) {
    double pg_max = -kInf, pg_min = kInf;
    rng.shuffle(std::span<std::uint32_t>(index.data(), active));
    for (std::size_t s = 0; s < active; ++s) {
      const std::uint32_t i = index[s];
      const auto row = x.row(i);
      const double g = y[i] * dot(w, row) - 1.0 + alpha[i] * diag;
      double pg = 0.0;
      if (alpha[i] == 0.0) {
        // At the bound and pushing against it harder than last pass: shrink it away.
        if (g > pg_max_old) {
          --active;
          std::swap(index[s], index[active]);
          --s;
          continue;
        }
        if (g < 0) pg = g;
      } else {
        pg = g;
      }
      pg_max = std::max(pg_max, pg);
      pg_min = std::min(pg_min, pg);
      if (std::fabs(pg) > 1e-12) {
        const double old = alpha[i];
        alpha[i] = std::max(old - g / q_diag[i], 0.0);
        const double step = (alpha[i] - old) * y[i];
        for (std::size_t j = 0; j < d; ++j) w[j] += step * row[j];
        w[d] += step;
      }
    }
    ++result.iterations;
    if (pg_max - pg_min <= tolerance) {
      if (active == n) {
        result.converged = true;
        break;
      }
      // Converged on the shrunk set: check once more on every row.
      active = n;
      pg_max_old = kInf;
      continue;
    }
    pg_max_old = pg_max <= 0 ? kInf : pg_max;
  }
  return result;
}

}  // namespace vigil::models::svm
