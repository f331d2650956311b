#include "models/random_forest.hpp"

#include <gtest/gtest.h>

#include "models/fixtures.hpp"
#include "models/forest_walk_avx512.hpp"

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

// The forest's probabilities by a plain walk of its saved trees.
Matrix plain_walk_proba(const RandomForest& rf, const Matrix& x, int classes,
                        bool* impure_leaf = nullptr) {
  Matrix out(x.rows(), static_cast<std::size_t>(classes));
  const auto k = static_cast<std::size_t>(classes);
  const double trees = static_cast<double>(rf.trees().size());
  for (std::size_t r = 0; r < x.rows(); ++r) {
    std::vector<double> sum(k, 0.0);
    for (const auto& tree : rf.trees()) {
      std::size_t at = 0;
      while (tree.nodes[at].feature >= 0) {
        const auto& n = tree.nodes[at];
        at = x(r, static_cast<std::size_t>(n.feature)) <= n.threshold
                 ? at + 1
                 : static_cast<std::size_t>(n.right);
      }
      const auto leaf = static_cast<std::size_t>(tree.nodes[at].right);
      for (std::size_t c = 0; c < k; ++c) sum[c] += tree.leaf_shares[leaf * k + c];
      if (impure_leaf)
        *impure_leaf |= tree.leaf_shares[leaf * k] > 0 && tree.leaf_shares[leaf * k] < 1;
    }
    for (std::size_t c = 0; c < k; ++c) out(r, c) = static_cast<float>(sum[c] / trees);
  }
  return out;
}

void expect_near_matrices(const Matrix& a, const Matrix& b) {
  ASSERT_EQ(a.rows(), b.rows());
  for (std::size_t r = 0; r < a.rows(); ++r) {
    for (std::size_t c = 0; c < a.cols(); ++c)
      ASSERT_NEAR(a(r, c), b(r, c), 1e-6) << "row " << r << " class " << c;
  }
}

void expect_contributions_add_up(const RandomForest& rf, const Matrix& x, int classes) {
  const std::vector<float> prior = rf.prior();
  const Matrix proba = rf.predict_proba(x);
  for (std::int32_t cls = 0; cls < classes; ++cls) {
    const Matrix why = rf.contributions(x, std::vector<std::int32_t>(x.rows(), cls));
    ASSERT_EQ(why.rows(), x.rows());
    ASSERT_EQ(why.cols(), x.cols());
    for (std::size_t r = 0; r < x.rows(); ++r) {
      double total = prior[static_cast<std::size_t>(cls)];
      for (std::size_t f = 0; f < x.cols(); ++f) total += why(r, f);
      ASSERT_NEAR(total, proba(r, static_cast<std::size_t>(cls)), 1e-5)
          << "row " << r << " class " << cls;
    }
  }
}

// The forest gives `x` the probabilities `batch` bit for bit, in one call and
// (its first `alone` rows) one row a call.
void expect_same_in_batch_and_alone(const RandomForest& rf, const Matrix& x, const Matrix& batch,
                                    std::size_t alone) {
  ASSERT_EQ(rf.predict_proba(x).values(), batch.values());
  Matrix one(1, x.cols());
  for (std::size_t r = 0; r < alone; ++r) {
    for (std::size_t c = 0; c < x.cols(); ++c) one(0, c) = x(r, c);
    const Matrix p = rf.predict_proba(one);
    for (std::size_t c = 0; c < p.cols(); ++c) ASSERT_EQ(p(0, c), batch(r, c)) << "row " << r;
  }
}

// The interleaved, branch-free walk of the derived layout must land on
// exactly the leaves a plain walk does; noisy labels on repeated points leave
// impure leaves to average.
TEST(RandomForest, FastWalkMatchesAPlainWalkOfEveryTree) {
  auto train = vigil::testing::xor_problem(3000, 7);
  for (std::size_t r = 0; r < 300; ++r) {  // copies of earlier rows with the other label
    for (std::size_t c = 0; c < train.x.cols(); ++c) train.x(r + 1000, c) = train.x(r, c);
    train.y[r + 1000] = 1 - train.y[r];
  }
  auto model = builtin_registry().create("rf", {"trees=7", "seed=3"});
  model->fit(train.x, train.y, 2);
  const auto& rf = dynamic_cast<const RandomForest&>(*model);
  EXPECT_TRUE(rf.compact_walk());
  const auto test = vigil::testing::xor_problem(2500, 8);
  bool impure_leaf = false;
  const Matrix batch = rf.predict_proba(test.x);
  expect_near_matrices(batch, plain_walk_proba(rf, test.x, 2, &impure_leaf));
  EXPECT_TRUE(impure_leaf);
  // Where the CPU has AVX-512 each row walks 16 trees a vector, in a block of
  // rows and alone; elsewhere both walk scalar lanes. The votes, and so the
  // probabilities, are the same bit for bit in all four. (Rows walk a tree 16
  // rows a vector when they are too wide for registers, below, and when the
  // walk is recorded for reasons.)
  for (const bool vectors : {true, false}) {
    forest_layout::use_vector_walks(vectors);
    expect_same_in_batch_and_alone(rf, test.x, batch, 200);
  }
  forest_layout::use_vector_walks(true);
}

// Splits hold their leaf children in the walk layout: both where their codes
// fit in 10 bits, which pure leaves' and the first impure ones' do, else only
// the high one, the low one laid out as a leaf node. Depth-limited trees on
// noisy labels have thousands of impure leaves, so every case occurs; each
// walks to the leaves a plain walk reaches, and credits its features as it
// predicts.
TEST(RandomForest, LeavesHeldInTheirSplitsWalkAsPlainTrees) {
  auto train = vigil::testing::xor_problem(30000, 31);
  for (std::size_t r = 0; r < train.y.size(); r += 3)
    train.y[r] = 1 - train.y[r];  // a third mislabelled
  auto model = builtin_registry().create("rf", {"trees=6", "seed=2", "max_depth=16"});
  model->fit(train.x, train.y, 2);
  const auto& rf = dynamic_cast<const RandomForest&>(*model);
  ASSERT_TRUE(rf.compact_walk());
  std::size_t nodes = 0, splits = 0, most_leaves = 0;
  for (const auto& tree : rf.trees()) {
    nodes += tree.nodes.size();
    for (const auto& n : tree.nodes) splits += n.feature >= 0;
    most_leaves = std::max(most_leaves, tree.leaf_shares.size() / 2);
  }
  EXPECT_GT(most_leaves, 1000u);  // impure leaves past the 10-bit codes
  // Some leaves are laid out (a split's two leaves that do not fit), far fewer than are held.
  EXPECT_GT(rf.walk_nodes(), splits);
  EXPECT_LT(rf.walk_nodes(), splits + (nodes - splits) / 4);
  const auto test = vigil::testing::xor_problem(3000, 32);
  const Matrix batch = rf.predict_proba(test.x);
  expect_near_matrices(batch, plain_walk_proba(rf, test.x, 2));
  for (const bool vectors : {true, false}) {
    forest_layout::use_vector_walks(vectors);
    expect_same_in_batch_and_alone(rf, test.x, batch, 100);
    const auto likeliest = [](std::size_t, std::span<const float> p) {
      return static_cast<std::int32_t>(std::max_element(p.begin(), p.end()) - p.begin());
    };
    const auto e = rf.predict_explained(test.x, likeliest);
    ASSERT_EQ(e.proba.values(), batch.values());
    ASSERT_EQ(e.contributions.values(), rf.contributions(test.x, e.classes).values());
  }
  forest_layout::use_vector_walks(true);
  expect_contributions_add_up(rf, test.x, 2);
}

// Saabas's contributions by a plain walk of the saved trees: each split's
// class share computed afresh from the weights and shares of the leaves below
// it, each step crediting its feature with the share's change. Adding up
// (above) holds whatever the split shares are, as the changes telescope; this
// pins every split's share on the path.
Matrix plain_walk_contributions(const RandomForest& rf, const Matrix& x, std::int32_t cls,
                                int classes) {
  const auto k = static_cast<std::size_t>(classes);
  const auto c = static_cast<std::size_t>(cls);
  Matrix out(x.rows(), x.cols());
  std::vector<double> sums(x.rows() * x.cols(), 0.0);
  for (const auto& tree : rf.trees()) {
    // Per node, its training weight and its weight of class c; children follow their parent.
    std::vector<double> weight(tree.nodes.size()), of_class(tree.nodes.size());
    for (std::size_t i = tree.nodes.size(); i-- > 0;) {
      const auto& n = tree.nodes[i];
      const auto right = static_cast<std::size_t>(n.right);
      if (n.feature < 0) {
        weight[i] = tree.leaf_weights[right];
        of_class[i] = weight[i] * tree.leaf_shares[right * k + c];
      } else {
        weight[i] = weight[i + 1] + weight[right];
        of_class[i] = of_class[i + 1] + of_class[right];
      }
    }
    for (std::size_t r = 0; r < x.rows(); ++r) {
      std::size_t at = 0;
      while (tree.nodes[at].feature >= 0) {
        const auto& n = tree.nodes[at];
        const std::size_t next = x(r, static_cast<std::size_t>(n.feature)) <= n.threshold
                                     ? at + 1
                                     : static_cast<std::size_t>(n.right);
        sums[r * x.cols() + static_cast<std::size_t>(n.feature)] +=
            of_class[next] / weight[next] - of_class[at] / weight[at];
        at = next;
      }
    }
  }
  for (std::size_t i = 0; i < sums.size(); ++i)
    out.values()[i] = static_cast<float>(sums[i] / rf.trees().size());
  return out;
}

TEST(RandomForest, PathContributionsMatchAPlainWalkOfTheTrees) {
  auto train = vigil::testing::blobs(3, 400, 4, 13);
  for (std::size_t r = 0; r < train.y.size(); r += 5)
    train.y[r] = (train.y[r] + 1) % 3;  // impure leaves
  auto model = builtin_registry().create("rf", {"trees=9", "seed=6", "max_depth=8"});
  model->fit(train.x, train.y, 3);
  const auto& rf = dynamic_cast<const RandomForest&>(*model);
  for (std::int32_t cls = 0; cls < 3; ++cls) {
    const Matrix why = rf.contributions(train.x, std::vector<std::int32_t>(train.x.rows(), cls));
    const Matrix plain = plain_walk_contributions(rf, train.x, cls, 3);
    // Split shares are kept to the nearest 65535th: at most half of one off per step of a path.
    for (std::size_t i = 0; i < why.values().size(); ++i) {
      ASSERT_NEAR(why.values()[i], plain.values()[i], 8.0 / 65535)
          << "class " << cls << " value " << i;
    }
  }
}

// A feature index too large for an 8-byte node: the forest walks 12-byte
// nodes instead, to the same leaves.
TEST(RandomForest, WideFeaturesWalkTheWideLayout) {
  const auto blobs = vigil::testing::blobs(3, 60, 2, 21);
  const std::size_t width = 2100;
  Matrix x(blobs.x.rows(), width);
  for (std::size_t r = 0; r < x.rows(); ++r) {
    // Only the last columns vary, so every split is on a feature past 511.
    for (std::size_t c = 2048; c < width; ++c)
      x(r, c) = blobs.x(r, c % 2) * static_cast<float>(1 + c % 7);
  }
  auto model = builtin_registry().create("rf", {"trees=9", "max_features=60", "seed=5"});
  model->fit(x, blobs.y, 3);
  const auto& rf = dynamic_cast<const RandomForest&>(*model);
  EXPECT_FALSE(rf.compact_walk());
  expect_near_matrices(rf.predict_proba(x), plain_walk_proba(rf, x, 3));
  expect_contributions_add_up(rf, x, 3);
}

// Saabas's contributions add up: the roots' mean share of a class plus a row's
// contributions is the forest's probability of it, for every row and class.
TEST(RandomForest, PathContributionsAddUpToTheProbability) {
  auto train = vigil::testing::blobs(4, 150, 3, 11);
  // A constant fourth column: never split on, so never credited.
  Matrix x(train.x.rows(), 4);
  for (std::size_t r = 0; r < x.rows(); ++r) {
    for (std::size_t c = 0; c < 3; ++c) x(r, c) = train.x(r, c);
    x(r, 3) = 5.0f;
  }
  auto model =
      builtin_registry().create("rf", {"trees=15", "seed=4", "bootstrap=off", "max_features=2"});
  model->fit(x, train.y, 4);
  const auto& rf = dynamic_cast<const RandomForest&>(*model);
  // Without bootstrap every root sees the whole training set: its class
  // shares, kept to the nearest 65535th.
  const std::vector<float> prior = rf.prior();
  ASSERT_EQ(prior.size(), 4u);
  for (float p : prior) EXPECT_NEAR(p, 0.25, 0.5 / 65535);
  expect_contributions_add_up(rf, x, 4);
  for (std::int32_t cls = 0; cls < 4; ++cls) {
    const Matrix why = rf.contributions(x, std::vector<std::int32_t>(x.rows(), cls));
    for (std::size_t r = 0; r < x.rows(); ++r) EXPECT_EQ(why(r, 3), 0.0f);
  }
  // The same from a saved and loaded forest, and the same whichever rows share the call.
  const std::vector<std::int32_t> predicted = rf.predict(x);
  const Matrix all = rf.contributions(x, predicted);
  const auto loaded = vigil::testing::round_trip(*model);
  EXPECT_EQ(loaded->contributions(x, predicted).values(), all.values());
  Matrix one(1, 4);
  for (std::size_t c = 0; c < 4; ++c) one(0, c) = x(17, c);
  const Matrix single = rf.contributions(one, std::vector<std::int32_t>{predicted[17]});
  for (std::size_t f = 0; f < 4; ++f) EXPECT_EQ(single(0, f), all(17, f));
}

// Rows explained together share the interleaved lanes, and end their walks in
// another order than a lone row does: the same contributions bit for bit,
// impure leaves too.
TEST(RandomForest, ReasonsDoNotDependOnTheRowsExplainedAlongside) {
  auto train = vigil::testing::xor_problem(2000, 9);
  for (std::size_t r = 0; r < 200;
       ++r) {  // copies of earlier rows with the other label: impure leaves
    for (std::size_t c = 0; c < train.x.cols(); ++c) train.x(r + 1000, c) = train.x(r, c);
    train.y[r + 1000] = 1 - train.y[r];
  }
  auto model = builtin_registry().create("rf", {"trees=7", "seed=8"});
  model->fit(train.x, train.y, 2);
  const auto& rf = dynamic_cast<const RandomForest&>(*model);
  const auto test = vigil::testing::xor_problem(300, 10);
  Matrix x(test.x.rows() + 40, test.x.cols());
  for (std::size_t r = 0; r < x.rows();
       ++r) {  // and some training rows, which end in the impure leaves
    for (std::size_t c = 0; c < x.cols(); ++c)
      x(r, c) = r < test.x.rows() ? test.x(r, c) : train.x(r - test.x.rows(), c);
  }
  expect_contributions_add_up(rf, x, 2);
  std::vector<std::int32_t> classes(x.rows());
  for (std::size_t r = 0; r < x.rows(); ++r) classes[r] = static_cast<std::int32_t>(r % 2);
  const Matrix together = rf.contributions(x, classes);
  Matrix one(1, x.cols());
  for (std::size_t r = 0; r < x.rows(); ++r) {
    for (std::size_t c = 0; c < x.cols(); ++c) one(0, c) = x(r, c);
    const Matrix alone = rf.contributions(one, std::vector<std::int32_t>{classes[r]});
    for (std::size_t f = 0; f < x.cols(); ++f)
      ASSERT_EQ(alone(0, f), together(r, f)) << "row " << r;
  }
}

// Probabilities and reasons from one recorded walk are those of
// predict_proba and contributions, bit for bit: for blocks of rows of every
// size around the record's 16 and 64, with classes chosen from the
// probabilities (and not always the likeliest), on the vector walk and off it.
TEST(RandomForest, OneWalkExplainsAsPredictThenContributions) {
  auto train = vigil::testing::blobs(3, 300, 6, 21);
  for (std::size_t r = 0; r < 60; ++r)
    train.y[r * 7] = static_cast<std::int32_t>(r % 3);  // noise: impure leaves
  auto model = builtin_registry().create("rf", {"trees=9", "seed=4"});
  model->fit(train.x, train.y, 3);
  const auto& rf = dynamic_cast<const RandomForest&>(*model);
  for (const bool vectors : {true, false}) {
    forest_layout::use_vector_walks(vectors);
    for (const std::size_t rows : {1, 15, 16, 63, 64, 65, 130, 300}) {
      Matrix x(rows, train.x.cols());
      for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < x.cols(); ++c) x(r, c) = train.x((r * 13) % train.x.rows(), c);
      }
      std::vector<std::size_t> seen;
      const auto which = [&](std::size_t r, std::span<const float> p) -> std::int32_t {
        seen.push_back(r);
        if (r % 3 == 0) return -1;
        const auto best =
            static_cast<std::int32_t>(std::max_element(p.begin(), p.end()) - p.begin());
        return r % 3 == 1 ? best : (best + 1) % 3;
      };
      const auto e = rf.predict_explained(x, which);
      const Matrix p = rf.predict_proba(x);
      ASSERT_EQ(seen.size(), rows);
      for (std::size_t r = 0; r < rows; ++r) ASSERT_EQ(seen[r], r);
      for (std::size_t i = 0; i < p.values().size(); ++i)
        ASSERT_EQ(e.proba.values()[i], p.values()[i]) << rows;
      ASSERT_EQ(e.rows.size(), e.classes.size());
      ASSERT_EQ(e.contributions.rows(), e.rows.size());
      Matrix listed(e.rows.size(), x.cols());
      for (std::size_t i = 0; i < e.rows.size(); ++i) {
        EXPECT_NE(e.rows[i] % 3, 0u);
        for (std::size_t c = 0; c < x.cols(); ++c) listed(i, c) = x(e.rows[i], c);
      }
      if (e.rows.empty()) continue;
      const Matrix why = rf.contributions(listed, e.classes);
      for (std::size_t i = 0; i < why.values().size(); ++i) {
        ASSERT_EQ(e.contributions.values()[i], why.values()[i])
            << rows << " rows, vectors " << vectors;
      }
    }
  }
  forest_layout::use_vector_walks(true);
}

// A tree that is one leaf (its rows all of one class) votes its class for
// every row and credits no feature.
TEST(RandomForest, TreesThatAreOneLeaf) {
  const auto train = vigil::testing::blobs(2, 40, 3, 12);
  const std::vector<std::int32_t> all_two(train.y.size(), 2);
  auto model = builtin_registry().create("rf", {"trees=5"});
  model->fit(train.x, all_two, 3);
  const auto& rf = dynamic_cast<const RandomForest&>(*model);
  for (const Matrix& x : {train.x, Matrix(1, 3, 0.5f)}) {  // a block of rows, and one row
    const Matrix p = rf.predict_proba(x);
    for (std::size_t r = 0; r < x.rows(); ++r) {
      EXPECT_EQ(p(r, 0), 0.0f);
      EXPECT_EQ(p(r, 2), 1.0f);
    }
    const Matrix why = rf.contributions(x, std::vector<std::int32_t>(x.rows(), 2));
    for (float c : why.values()) EXPECT_EQ(c, 0.0f);
    const auto e = rf.predict_explained(x, [](std::size_t, std::span<const float>) { return 2; });
    ASSERT_EQ(e.contributions.rows(), x.rows());
    for (float c : e.contributions.values()) EXPECT_EQ(c, 0.0f);
  }
  EXPECT_EQ(rf.prior(), (std::vector<float>{0.0f, 0.0f, 1.0f}));
}

// A forest from a version-2 file has no leaf weights: it still predicts, and
// says it cannot give contributions rather than give wrong ones.
TEST(RandomForest, VersionTwoStateLoadsWithoutContributions) {
  ByteWriter w;
  w.i32(2);  // classes
  w.u64(1);  // features
  w.u64(1);  // trees
  w.u64(3);  // nodes: a split, then its two leaves
  w.i32(0);
  w.f32(0.5f);
  w.i32(2);
  w.i32(-1);
  w.f32(0.0f);
  w.i32(0);
  w.i32(-1);
  w.f32(0.0f);
  w.i32(1);
  w.floats(std::vector<float>{1.0f, 0.0f, 0.25f, 0.75f});
  w.strings(std::vector<std::string>{});
  const std::vector<std::uint8_t> bytes = w.take();
  ByteReader r(bytes, "test state");
  r.set_version(2);
  auto model = builtin_registry().create("rf", {});
  model->load_state(r);
  EXPECT_TRUE(r.at_end());
  Matrix x(2, 1);
  x(0, 0) = 0.0f;
  x(1, 0) = 1.0f;
  const Matrix p = model->predict_proba(x);
  EXPECT_FLOAT_EQ(p(0, 0), 1.0f);
  EXPECT_FLOAT_EQ(p(1, 1), 0.75f);
  EXPECT_TRUE(model->contributions(x, std::vector<std::int32_t>{0, 1}).empty());
}

}  // namespace
}  // namespace vigil::models
