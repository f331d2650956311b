#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "models/fixtures.hpp"
#include "models/forest_walk_avx512.hpp"
#include "vigil/core/error.hpp"
#include "vigil/models/classifier.hpp"

namespace vigil::models {
namespace {

// 60 rows with three classes that depend on two of the three features.
struct Rows {
  Matrix x{60, 3};
  std::vector<std::int32_t> y;
  Rows() {
    for (int i = 0; i < 60; ++i) {
      const auto r = static_cast<std::size_t>(i);
      x(r, 0) = static_cast<float>(i % 7);
      x(r, 1) = static_cast<float>((i * 3) % 11);
      x(r, 2) = static_cast<float>(i / 10.0);
      y.push_back(((i % 7) + (i * 3) % 11) % 3);
    }
  }
};

TEST(GradientBoostedTrees, MatchesXgboostsPythonClassifier) {
  // Reference: /usr/bin/python3 with Debian's python3-xgboost 1.7.4,
  // XGBClassifier(n_estimators=5, max_depth=3, learning_rate=0.3, tree_method="hist",
  // random_state=42).fit(X, y).predict_proba(X[:4]) on the same rows.
  const float expected[4][3] = {{0.31838852f, 0.33731952f, 0.34429193f},
                                {0.33393633f, 0.30495903f, 0.36110467f},
                                {0.33393633f, 0.30495903f, 0.36110467f},
                                {0.35707185f, 0.25680575f, 0.38612244f}};
  const Rows rows;
  auto model = builtin_registry().create("xgb", {"trees=5", "max_depth=3", "learning_rate=0.3"});
  model->fit(rows.x, rows.y, 3);
  const Matrix proba = model->predict_proba(rows.x);
  for (std::size_t r = 0; r < 4; ++r) {
    for (std::size_t c = 0; c < 3; ++c)
      EXPECT_NEAR(proba(r, c), expected[r][c], 1e-6) << r << "," << c;
  }
}

// XGBoost's approximate contributions of the same model: python3-xgboost
// 1.7.4, booster.predict(DMatrix(X[:4]), pred_contribs=True,
// approx_contribs=True), per class the three features (the bias left out),
// bit for bit.
TEST(GradientBoostedTrees, ContributionsAreXgboostsApproximateOnes) {
  const float expected[4][3][3] = {{{0.0f, 0.0f, 0.020114586f},
                                    {0.06504527f, 0.13042465f, -0.11939246f},
                                    {0.0f, 0.0f, 0.07970253f}},
                                   {{0.0f, 0.0f, 0.020114586f},
                                    {0.06504527f, -0.018106502f, -0.11939246f},
                                    {0.0f, 0.0f, 0.07970253f}},
                                   {{0.0f, 0.0f, 0.020114586f},
                                    {0.06504527f, -0.018106502f, -0.11939246f},
                                    {0.0f, 0.0f, 0.07970253f}},
                                   {{0.0f, 0.0f, 0.020114586f},
                                    {-0.17461546f, -0.05314574f, -0.08353662f},
                                    {0.0f, 0.0f, 0.07970253f}}};
  const Rows rows;
  auto model = builtin_registry().create("xgb", {"trees=5", "max_depth=3", "learning_rate=0.3"});
  model->fit(rows.x, rows.y, 3);
  const Matrix first = rows.x.select_rows(std::vector<std::size_t>{0, 1, 2, 3});
  for (std::int32_t c = 0; c < 3; ++c) {
    const Matrix why = model->contributions(first, std::vector<std::int32_t>(4, c));
    ASSERT_EQ(why.rows(), 4u);
    ASSERT_EQ(why.cols(), 3u);
    for (std::size_t r = 0; r < 4; ++r) {
      for (std::size_t f = 0; f < 3; ++f) {
        EXPECT_EQ(why(r, f), expected[r][static_cast<std::size_t>(c)][f])
            << r << ", class " << c << ", " << f;
      }
    }
  }
  // XGBoost's own predictor has no walk to read them from: occlusion instead.
  auto through_xgboost = builtin_registry().create(
      "xgb", {"trees=5", "max_depth=3", "learning_rate=0.3", "predictor=xgboost"});
  through_xgboost->fit(rows.x, rows.y, 3);
  EXPECT_TRUE(through_xgboost->contributions(first, std::vector<std::int32_t>(4, 1)).empty());
}

// One name per concept across models; the names before the rename still read.
TEST(GradientBoostedTrees, OldParameterNamesAreAliases) {
  auto model = builtin_registry().create("xgb", {"rounds=7", "eta=0.2", "max_bin=64"});
  const auto& values = model->params().values();
  EXPECT_EQ(values.at("trees"), "7");
  EXPECT_EQ(values.at("learning_rate"), "0.2");
  EXPECT_EQ(values.at("max_bins"), "64");
  EXPECT_EQ(values.count("rounds") + values.count("eta") + values.count("max_bin"), 0u);
}

TEST(GradientBoostedTrees, OneClassOfTrainingRowsIsAlwaysPredicted) {
  Matrix x(3, 2, 1.0f);
  const std::vector<std::int32_t> y = {2, 2, 2};
  auto model = builtin_registry().create("xgb");
  model->fit(x, y, 4);
  EXPECT_EQ(model->predict(x), y);
  EXPECT_FALSE(model->fit_notes().empty());
}

TEST(GradientBoostedTrees, CorruptBoosterIsAModelFormatError) {
  const Rows rows;
  auto model = builtin_registry().create("xgb", {"trees=2"});
  model->fit(rows.x, rows.y, 3);
  ByteWriter w;
  model->save_state(w);
  std::vector<std::uint8_t> bytes = w.take();
  bytes.resize(bytes.size() - 40);  // cut into the booster
  ByteReader r(bytes, "test model");
  auto loaded = builtin_registry().create("xgb");
  EXPECT_THROW(loaded->load_state(r), ModelFormatError);
}

// Vigil's walk of the booster's trees gives XGBoost's own probabilities, bit
// for bit: deeper trees, four classes, and missing values (NaN) in training
// and in prediction, so that splits send them both ways by default; rows
// narrow enough for the vector walk to hold in registers, and wider ones.
TEST(GradientBoostedTrees, VigilsWalkPredictsAsXgboost) {
  for (const int dims : {5, 70}) {
    const auto train = vigil::testing::blobs(4, 150, dims, 31);
    const auto width = static_cast<std::size_t>(dims);
    Matrix x = train.x;
    for (std::size_t r = 0; r < x.rows(); r += 7)
      x(r, r % width) = std::numeric_limits<float>::quiet_NaN();
    Matrix probe(200, width);
    for (std::size_t r = 0; r < probe.rows(); ++r) {
      for (std::size_t c = 0; c < width; ++c) {
        probe(r, c) = r % 11 == c % 11
                          ? std::numeric_limits<float>::quiet_NaN()
                          : x((r * 37) % x.rows(), c) + static_cast<float>(r % 5) * 0.5f - 1.0f;
      }
    }
    const std::vector<std::string> params = {
        "trees=30",      "max_depth=5",          "learning_rate=0.2",
        "subsample=0.8", "colsample_bytree=0.5", "seed=3"};
    auto ours = builtin_registry().create("xgb", params);
    auto params_xgboost = params;
    params_xgboost.push_back("predictor=xgboost");
    auto theirs = builtin_registry().create("xgb", params_xgboost);
    ours->fit(x, train.y, 4);
    theirs->fit(x, train.y, 4);
    const Matrix b = theirs->predict_proba(probe);
    // Sixteen trees a vector where the CPU has AVX-512, and the scalar walk.
    forest_layout::use_vector_walks(false);
    const Matrix scalar = ours->predict_proba(probe);
    forest_layout::use_vector_walks(true);
    const Matrix a = ours->predict_proba(probe);
    for (std::size_t i = 0; i < a.values().size(); ++i) {
      ASSERT_EQ(a.values()[i], b.values()[i]) << dims << " features, value " << i;
      ASSERT_EQ(scalar.values()[i], b.values()[i]) << dims << " features, value " << i;
    }
    // And after a save and load, through the model file's state.
    ByteWriter w;
    ours->save_state(w);
    const std::vector<std::uint8_t> bytes = w.take();
    ByteReader r(bytes, "test model");
    auto loaded = builtin_registry().create("xgb", params);
    loaded->load_state(r);
    const Matrix c = loaded->predict_proba(probe.select_rows(std::vector<std::size_t>{0, 5, 199}));
    for (std::size_t j = 0; j < 4; ++j) EXPECT_EQ(c(2, j), a(199, j));
  }
}

}  // namespace
}  // namespace vigil::models
