// A binary L2-regularised, squared-hinge-loss linear SVM solved in its dual by
// coordinate descent with shrinking (Hsieh et al., ICML 2008: the solver behind
// liblinear's L2R_L2LOSS_SVC_DUAL and scikit-learn's LinearSVC). Written here
// rather than called through liblinear because liblinear draws its coordinate
// order from the C library's global rand(): classes trained in parallel would
// not be reproducible, and its sparse 16-byte entries quadruple dense rows.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vigil/core/matrix.hpp"

namespace vigil::models::svm {

struct DualResult {
  std::vector<double> w;  // x.cols() weights, then the bias weight (bias feature = 1)
  int iterations = 0;
  bool converged = false;
};

// `positive[i]` says whether row i is of the positive class. Stops when the
// projected gradient's spread falls below `tolerance` or after `max_iter` passes.
DualResult solve_dual(const Matrix& x, std::span<const std::uint8_t> positive, double c,
                      double tolerance, int max_iter, std::uint64_t seed);

}  // namespace vigil::models::svm
