#include "models/kmeans.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/parallel.hpp"
#include "vigil/core/error.hpp"
#include "vigil/core/random.hpp"

namespace vigil::models {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

Eigen::Map<const RowMatrix> view(const Matrix& m) {
  return {m.data(), static_cast<Eigen::Index>(m.rows()), static_cast<Eigen::Index>(m.cols())};
}

std::vector<float> squared_norms(const Matrix& x) {
  std::vector<float> out(x.rows());
  for (std::size_t r = 0; r < x.rows(); ++r) {
    double s = 0;
    for (float v : x.row(r)) s += static_cast<double>(v) * v;
    out[r] = static_cast<float>(s);
  }
  return out;
}

float squared_distance(std::span<const float> a, std::span<const float> b) {
  float s = 0;
  for (std::size_t j = 0; j < a.size(); ++j) s += (a[j] - b[j]) * (a[j] - b[j]);
  return s;
}

// Greedy k-means++: each new centre is the best of a few candidates drawn with
// probability proportional to the squared distance to the nearest centre so far.
Matrix seed_centres(const Matrix& x, std::size_t k, Rng& rng) {
  const std::size_t n = x.rows();
  Matrix centres(0, x.cols());
  centres.append_row(x.row(rng.below(n)));
  std::vector<float> closest(n);
  for (std::size_t i = 0; i < n; ++i) closest[i] = squared_distance(x.row(i), centres.row(0));
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(k)));
  std::vector<float> candidate(n), best(n);
  while (centres.rows() < k) {
    double total = 0;
    for (float v : closest) total += v;
    double best_potential = std::numeric_limits<double>::infinity();
    std::size_t best_row = 0;
    for (int t = 0; t < trials; ++t) {
      std::size_t pick = rng.below(n);
      if (total > 0) {
        double target = rng.uniform() * total;
        for (pick = 0; pick + 1 < n && (target -= closest[pick]) > 0; ++pick) {
        }
      }
      const auto rows = static_cast<long>(n);
#pragma omp parallel for schedule(static)
      for (long row = 0; row < rows; ++row) {
        const auto i = static_cast<std::size_t>(row);
        candidate[i] = std::min(closest[i], squared_distance(x.row(i), x.row(pick)));
      }
      // Summed in row order: a parallel reduction's order varies from run to
      // run, and near-equal candidates would then win by chance.
      double potential = 0;
      for (float v : candidate) potential += v;
      if (potential < best_potential) {
        best_potential = potential;
        best_row = pick;
        best.swap(candidate);
      }
    }
    centres.append_row(x.row(best_row));
    closest.swap(best);
  }
  return centres;
}

}  // namespace

void nearest_centres(const Matrix& x, const Matrix& centres, std::vector<std::uint32_t>& nearest,
                     std::vector<float>& squared) {
  const std::size_t n = x.rows(), k = centres.rows();
  nearest.assign(n, 0);
  squared.assign(n, 0);
  const std::vector<float> x_norms = squared_norms(x), c_norms = squared_norms(centres);
  // A detector scores a flow at a time: one piece, without a parallel region.
  for_row_pieces(n, 4096, [&](std::size_t begin, std::size_t end) {
    const RowMatrix products = view(x).middleRows(static_cast<Eigen::Index>(begin),
                                                  static_cast<Eigen::Index>(end - begin)) *
                               view(centres).transpose();
    for (std::size_t r = begin; r < end; ++r) {
      float best = std::numeric_limits<float>::infinity();
      std::uint32_t arg = 0;
      for (std::size_t c = 0; c < k; ++c) {
        const float d = c_norms[c] - 2 * products(static_cast<Eigen::Index>(r - begin),
                                                  static_cast<Eigen::Index>(c));
        if (d < best) {
          best = d;
          arg = static_cast<std::uint32_t>(c);
        }
      }
      nearest[r] = arg;
      squared[r] = std::max(0.0f, best + x_norms[r]);
    }
  });
}

KMeansResult kmeans(const Matrix& x, const KMeansOptions& options) {
  const std::size_t n = x.rows(), d = x.cols(), k = options.clusters;
  if (n == 0) throw InputError("k-means: no rows to cluster");
  VIGIL_CHECK(k > 0 && options.restarts > 0, "k-means options");
  // tol is relative to the data's spread, as scikit-learn's.
  double mean_variance = 0;
  for (std::size_t j = 0; j < d; ++j) {
    double s = 0, sq = 0;
    for (std::size_t r = 0; r < n; ++r) {
      s += x(r, j);
      sq += static_cast<double>(x(r, j)) * x(r, j);
    }
    mean_variance +=
        sq / static_cast<double>(n) - (s / static_cast<double>(n)) * (s / static_cast<double>(n));
  }
  const double tolerance =
      options.tol * mean_variance / static_cast<double>(std::max<std::size_t>(d, 1));
  Rng rng(options.seed);
  KMeansResult best;
  best.inertia = std::numeric_limits<double>::infinity();
  std::vector<float> squared;
  for (int restart = 0; restart < options.restarts; ++restart) {
    KMeansResult run;
    run.centres = seed_centres(x, k, rng);
    std::vector<double> sums(k * d);
    std::vector<std::size_t> counts(k);
    for (run.iterations = 1; run.iterations <= options.max_iter; ++run.iterations) {
      nearest_centres(x, run.centres, run.assignment, squared);
      std::fill(sums.begin(), sums.end(), 0.0);
      std::fill(counts.begin(), counts.end(), 0);
      for (std::size_t r = 0; r < n; ++r) {
        const std::size_t c = run.assignment[r];
        ++counts[c];
        const auto row = x.row(r);
        for (std::size_t j = 0; j < d; ++j) sums[c * d + j] += row[j];
      }
      // An empty cluster takes the row farthest from its centre.
      for (std::size_t c = 0; c < k; ++c) {
        if (counts[c] > 0) continue;
        const auto far = static_cast<std::size_t>(std::max_element(squared.begin(), squared.end()) -
                                                  squared.begin());
        squared[far] = 0;
        for (std::size_t j = 0; j < d; ++j) sums[c * d + j] = x(far, j);
        counts[c] = 1;
      }
      double shift = 0;
      for (std::size_t c = 0; c < k; ++c) {
        for (std::size_t j = 0; j < d; ++j) {
          const double updated = sums[c * d + j] / static_cast<double>(counts[c]);
          shift += (updated - run.centres(c, j)) * (updated - run.centres(c, j));
          run.centres(c, j) = static_cast<float>(updated);
        }
      }
      if (shift <= tolerance) {
        run.converged = true;
        break;
      }
    }
    run.iterations = std::min(run.iterations, options.max_iter);
    nearest_centres(x, run.centres, run.assignment, squared);
    for (float v : squared) run.inertia += v;
    if (run.inertia < best.inertia) best = std::move(run);
  }
  return best;
}

}  // namespace vigil::models
