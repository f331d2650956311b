// What every registered model promises: it learns separable blobs, predicts the
// same after a save/load round trip, and is reproducible under its seed.
#include <gtest/gtest.h>

#include "models/fixtures.hpp"

namespace vigil::models {
namespace {

using vigil::testing::accuracy;
using vigil::testing::blobs;

class EveryModel : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryModel, LearnsSeparableBlobs) {
  const auto train = blobs(3, 80, 4, 1);
  const auto test = blobs(3, 40, 4, 2);
  auto m = builtin_registry().create(GetParam());
  m->fit(train.x, train.y, 3);
  EXPECT_GT(accuracy(m->predict(test.x), test.y), 0.97);
  const Matrix p = m->predict_proba(test.x);
  for (std::size_t r = 0; r < p.rows(); ++r) {
    float s = 0;
    for (float v : p.row(r)) s += v;
    EXPECT_NEAR(s, 1.0f, 1e-4f);
  }
}

TEST_P(EveryModel, PredictsIdenticallyAfterSaveLoad) {
  const auto train = blobs(3, 60, 3, 3);
  auto m = builtin_registry().create(GetParam());
  m->fit(train.x, train.y, 3);
  const auto back = vigil::testing::round_trip(*m);
  EXPECT_EQ(back->predict_proba(train.x).values(), m->predict_proba(train.x).values());
  EXPECT_EQ(back->predict(train.x), m->predict(train.x));
}

TEST_P(EveryModel, ReproducibleUnderSeed) {
  const auto train = blobs(2, 100, 3, 4);
  auto a = builtin_registry().create(GetParam());
  auto b = builtin_registry().create(GetParam());
  a->fit(train.x, train.y, 2);
  b->fit(train.x, train.y, 2);
  EXPECT_EQ(a->predict_proba(train.x).values(), b->predict_proba(train.x).values());
}

INSTANTIATE_TEST_SUITE_P(Models, EveryModel,
                         ::testing::Values("nb", "mlp", "knn", "lr", "rf", "xgb", "svm", "vote",
                                           "stack"));

}  // namespace
}  // namespace vigil::models
