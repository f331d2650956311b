// k-means clustering as scikit-learn's KMeans: greedy k-means++ seeding
// (2 + ln k candidates per centre), Lloyd iterations until the centres move
// less than tol x the mean feature variance, several seeded restarts keeping
// the lowest inertia. Distances come from matrix products (|x|^2 - 2 x.c + |c|^2).
#pragma once

#include <cstdint>
#include <vector>

#include "vigil/core/matrix.hpp"

namespace vigil::models {

struct KMeansOptions {
  std::size_t clusters = 8;
  int restarts = 10;
  int max_iter = 300;
  double tol = 1e-4;
  std::uint64_t seed = 42;
};

struct KMeansResult {
  Matrix centres;                         // clusters x features
  std::vector<std::uint32_t> assignment;  // nearest centre per row
  double inertia = 0;                     // sum of squared distances to the nearest centre
  int iterations = 0;                     // of the kept restart
  bool converged = false;
};

// Fewer distinct rows than clusters is allowed: the extra centres repeat rows.
KMeansResult kmeans(const Matrix& x, const KMeansOptions& options);

// For each row, its nearest centre and the squared distance to it.
void nearest_centres(const Matrix& x, const Matrix& centres, std::vector<std::uint32_t>& nearest,
                     std::vector<float>& squared_distance);

}  // namespace vigil::models
