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

// The interleaved, branch-free walk must land on exactly the leaves a plain
// walk does; noisy labels on repeated points leave impure leaves to average.
TEST(RandomForest, FastWalkMatchesAPlainWalkOfEveryTree) {
  auto train = vigil::testing::xor_problem(3000, 7);
  for (std::size_t r = 0; r < 300; ++r) {  // copies of earlier rows with the other label
    for (std::size_t c = 0; c < train.x.cols(); ++c) train.x(r + 1000, c) = train.x(r, c);
    train.y[r + 1000] = 1 - train.y[r];
  }
  auto model = builtin_registry().create("rf", {"trees=7", "seed=3"});
  model->fit(train.x, train.y, 2);
  const auto& rf = dynamic_cast<const RandomForest&>(*model);
  const auto test = vigil::testing::xor_problem(2500, 8);
  const Matrix fast = rf.predict_proba(test.x);
  bool impure_leaf = false;
  for (std::size_t r = 0; r < test.x.rows(); ++r) {
    std::vector<double> expected(2, 0.0);
    for (const auto& tree : rf.trees()) {
      std::size_t at = 0;
      while (tree.nodes[at].feature >= 0) {
        const auto& n = tree.nodes[at];
        at = test.x(r, static_cast<std::size_t>(n.feature)) <= n.threshold ? at + 1 : static_cast<std::size_t>(n.right);
      }
      const auto leaf = static_cast<std::size_t>(tree.nodes[at].right);
      for (std::size_t c = 0; c < 2; ++c) expected[c] += tree.leaf_shares[leaf * 2 + c] / 7.0;
      impure_leaf |= tree.leaf_shares[leaf * 2] > 0 && tree.leaf_shares[leaf * 2] < 1;
    }
    for (std::size_t c = 0; c < 2; ++c) ASSERT_NEAR(fast(r, c), expected[c], 1e-6) << "row " << r;
  }
  EXPECT_TRUE(impure_leaf);
}

}  // namespace
}  // namespace vigil::models
