#include "models/naive_bayes.hpp"

#include <gtest/gtest.h>

#include "vigil/core/error.hpp"

namespace vigil::models {
namespace {

Matrix rows(std::initializer_list<std::initializer_list<float>> values) {
  Matrix m(0, values.begin()->size());
  for (const auto& r : values) m.append_row(std::vector<float>(r));
  return m;
}

// Expected values from scikit-learn 1.2 GaussianNB fitted on the same rows.
TEST(GaussianNaiveBayes, MatchesScikitLearn) {
  const Matrix x = rows(
      {{1.0, 2.0}, {1.5, 1.8}, {0.8, 2.4}, {5.0, 7.0}, {5.5, 6.5}, {4.8, 7.2}, {9, 1}, {8.5, 0.5}});
  const std::vector<std::int32_t> y = {0, 0, 0, 1, 1, 1, 2, 2};
  auto nb = builtin_registry().create("nb");
  nb->fit(x, y, 3);
  const auto& g = dynamic_cast<const GaussianNaiveBayes&>(*nb);
  EXPECT_NEAR(g.means()[0], 1.1, 1e-6);
  EXPECT_NEAR(g.means()[5], 0.75, 1e-6);
  // Variances include epsilon = 1e-9 * largest feature variance (9.066e-9 here).
  EXPECT_NEAR(g.variances()[0], 0.08666667573276042, 1e-7);
  EXPECT_NEAR(g.variances()[4], 0.06250000906609375, 1e-7);

  const Matrix q = rows({{1.2, 2.1}, {5.1, 6.9}, {3.0, 4.0}, {8.8, 0.9}});
  EXPECT_EQ(nb->predict(q), (std::vector<std::int32_t>{0, 1, 0, 2}));
  const Matrix p = nb->predict_proba(q);
  EXPECT_NEAR(p(2, 0), 0.9999999999212364, 1e-6);
  EXPECT_NEAR(p(2, 1), 7.876294550105656e-11, 1e-12);
  for (std::size_t r = 0; r < q.rows(); ++r) {
    EXPECT_NEAR(p(r, 0) + p(r, 1) + p(r, 2), 1.0, 1e-6);
  }
}

TEST(GaussianNaiveBayes, ParametersAndInputWidthAreChecked) {
  EXPECT_THROW(builtin_registry().create("nb", {"var_smoothing=-1"}), ParamError);
  EXPECT_THROW(builtin_registry().create("nb", {"alpha=1"}), ParamError);
  EXPECT_THROW(builtin_registry().create("nope"), ParamError);
  auto nb = builtin_registry().create("nb");
  nb->fit(rows({{1, 2}, {3, 4}}), std::vector<std::int32_t>{0, 1}, 2);
  EXPECT_THROW(nb->predict(rows({{1, 2, 3}})), InputError);
}

TEST(GaussianNaiveBayes, ConstantFeaturesStayFinite) {
  auto nb = builtin_registry().create("nb");
  nb->fit(rows({{1, 1}, {1, 1}, {1, 1}}), std::vector<std::int32_t>{0, 1, 1}, 2);
  const Matrix p = nb->predict_proba(rows({{1, 1}}));
  EXPECT_NEAR(p(0, 1), 2.0 / 3.0, 1e-6);  // only the priors decide
}

}  // namespace
}  // namespace vigil::models
