#include "models/logistic_regression.hpp"

#include <gtest/gtest.h>

#include "models/fixtures.hpp"

namespace vigil::models {
namespace {

// Expected from scikit-learn 1.2 LogisticRegression(C=1) on the same four rows:
// coef_ [[-0.5411]] and intercept_ [0.0] are not needed; the probabilities are.
// Rows x = -2, -1, 1, 2 with classes 0, 0, 1, 1: the fit is symmetric, so the
// intercepts are equal and P(class 1 | x = 0) = 0.5 exactly.
TEST(LogisticRegression, SymmetricProblemHasAnEvenBoundary) {
  Matrix x(0, 1);
  for (float v : {-2.0f, -1.0f, 1.0f, 2.0f}) x.append_row(std::vector<float>{v});
  auto lr = builtin_registry().create("lr");
  lr->fit(x, std::vector<std::int32_t>{0, 0, 1, 1}, 2);
  Matrix q(0, 1);
  q.append_row(std::vector<float>{0.0f});
  EXPECT_NEAR(lr->predict_proba(q)(0, 1), 0.5, 1e-6);
  const auto& m = dynamic_cast<const LogisticRegression&>(*lr);
  // Softmax weights are only defined up to a shift; the L2 penalty makes them sum to zero.
  EXPECT_NEAR(m.coefficients()[0] + m.coefficients()[1], 0.0, 1e-6);
  EXPECT_NE(m.fit_notes().at(0).find("converged"), std::string::npos);
}

TEST(LogisticRegression, ReportsStoppingShort) {
  const auto train = vigil::testing::blobs(3, 100, 4, 2);
  auto lr = builtin_registry().create("lr", {"max_iter=2", "tol=1e-12"});
  lr->fit(train.x, train.y, 3);
  EXPECT_NE(lr->fit_notes().at(0).find("stopped short"), std::string::npos)
      << lr->fit_notes().at(0);
}

}  // namespace
}  // namespace vigil::models
