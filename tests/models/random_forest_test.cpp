#include "models/random_forest.hpp"

#include <gtest/gtest.h>

#include "models/fixtures.hpp"

namespace vigil::models {
namespace {

TEST(RandomForest, LearnsXorWithDepth) {
  const auto train = vigil::testing::xor_problem(1000, 3);
  const auto test = vigil::testing::xor_problem(500, 4);
  auto rf = builtin_registry().create("rf", {"trees=20"});
  rf->fit(train.x, train.y, 2);
  EXPECT_GT(vigil::testing::accuracy(rf->predict(test.x), test.y), 0.95);
}

TEST(RandomForest, DepthLimitAndPureLeaves) {
  const auto train = vigil::testing::xor_problem(400, 5);
  auto stump = builtin_registry().create("rf", {"trees=5", "max_depth=1", "bootstrap=off"});
  stump->fit(train.x, train.y, 2);
  for (const auto& tree : dynamic_cast<const RandomForest&>(*stump).trees()) {
    EXPECT_LE(tree.nodes.size(), 3u);
  }
  // Unlimited depth without bootstrap fits every distinct training row.
  auto deep = builtin_registry().create("rf", {"trees=3", "bootstrap=off", "max_features=2"});
  deep->fit(train.x, train.y, 2);
  EXPECT_EQ(vigil::testing::accuracy(deep->predict(train.x), train.y), 1.0);
}

TEST(RandomForest, DifferentSeedsGiveDifferentForests) {
  const auto train = vigil::testing::xor_problem(300, 6);
  auto a = builtin_registry().create("rf", {"trees=5", "seed=1"});
  auto b = builtin_registry().create("rf", {"trees=5", "seed=2"});
  a->fit(train.x, train.y, 2);
  b->fit(train.x, train.y, 2);
  EXPECT_NE(a->predict_proba(train.x).values(), b->predict_proba(train.x).values());
}

}  // namespace
}  // namespace vigil::models
