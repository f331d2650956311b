#include <gtest/gtest.h>

#include <cmath>

#include "vigil/core/error.hpp"
#include "vigil/models/feature_importance.hpp"
#include "vigil/preprocess/feature_scores.hpp"
#include "vigil/preprocess/pca.hpp"

namespace vigil::preprocess {
namespace {

// 300 rows, 3 classes (i % 3): feature 0 and 2 depend on the class, feature 1 does not.
struct Rows {
  Matrix x{300, 3};
  std::vector<std::int32_t> y;
  Rows() {
    for (int i = 0; i < 300; ++i) {
      const auto r = static_cast<std::size_t>(i);
      x(r, 0) = static_cast<float>(std::sin(i) * 3 + i % 3);
      x(r, 1) = static_cast<float>(std::cos(i * 1.3));
      x(r, 2) = static_cast<float>((i % 3) * 0.5 + std::sin(i * 0.7));
      y.push_back(i % 3);
    }
  }
};

// References: /usr/bin/python3 with Debian's scikit-learn 1.2 on the same rows.

TEST(FeatureScores, MutualInformationMatchesScikitLearn) {
  // mutual_info_classif(X, y, random_state=0): its jitter differs from ours, but
  // at 1e-10 of the spread it moves no neighbour on tie-free rows.
  const Rows rows;
  const std::vector<double> mi = mutual_information(rows.x, rows.y, 3, 0);
  EXPECT_NEAR(mi[0], 0.21701769, 1e-6);
  EXPECT_NEAR(mi[1], 0.0, 1e-6);
  EXPECT_NEAR(mi[2], 0.43868644, 1e-6);
}

TEST(FeatureScores, ChiSquaredMatchesScikitLearnOnMinMaxScaledRows) {
  // chi2(MinMaxScaler().fit_transform(X), y)[0]
  const Rows rows;
  const std::vector<double> c = chi_squared(rows.x, rows.y, 3);
  EXPECT_NEAR(c[0], 6.17354409, 1e-5);
  EXPECT_NEAR(c[1], 1.73219987e-04, 1e-8);
  EXPECT_NEAR(c[2], 11.2328211, 1e-5);
}

TEST(FeatureScores, ForestAndPermutationRankTheNoiseLast) {
  const Rows rows;
  for (auto by : {SelectBy::kForest, SelectBy::kPermutation}) {
    const std::vector<double> s = models::feature_scores(by, rows.x, rows.y, 3, 42);
    EXPECT_LT(s[1], s[0]) << to_string(by);
    EXPECT_LT(s[1], s[2]) << to_string(by);
  }
  const std::vector<double> forest =
      models::feature_scores(SelectBy::kForest, rows.x, rows.y, 3, 42);
  EXPECT_NEAR(forest[0] + forest[1] + forest[2], 1.0, 1e-9);
}

TEST(Pca, MatchesScikitLearnUpToSign) {
  // PCA(n_components=2).fit(X): explained_variance_ratio_ and transform(X[:2]).
  const Rows rows;
  Pca pca;
  pca.fit(rows.x, 2);
  ASSERT_EQ(pca.components(), 2u);
  EXPECT_NEAR(pca.explained_variance_ratio()[0], 0.81899652, 1e-6);
  EXPECT_NEAR(pca.explained_variance_ratio()[1], 0.10176666, 1e-6);
  const Matrix t = pca.transform(rows.x);
  const double expected[2][2] = {{1.05453724, -0.44324898}, {-2.55071636, 0.43585622}};
  for (std::size_t r = 0; r < 2; ++r) {
    for (std::size_t c = 0; c < 2; ++c)
      EXPECT_NEAR(std::fabs(t(r, c)), std::fabs(expected[r][c]), 1e-5);
  }
  Pca share;
  share.fit(rows.x, 0.9);  // 0.819 < 0.9 <= 0.819 + 0.102
  EXPECT_EQ(share.components(), 2u);
  Pca too_many;
  EXPECT_THROW(too_many.fit(rows.x, 4), ParamError);
}

TEST(Pipeline, SelectionKeepsTheBestColumnsAndSurvivesSaveLoad) {
  const Rows rows;
  data::Table table;
  for (std::size_t j = 0; j < 3; ++j) {
    data::Column c;
    c.name = "f" + std::to_string(j);
    for (std::size_t r = 0; r < rows.x.rows(); ++r) c.numbers.push_back(rows.x(r, j));
    table.columns.push_back(std::move(c));
  }
  for (std::size_t r = 0; r < rows.x.rows(); ++r) table.line_numbers.push_back(r + 2);
  PipelineConfig config;
  config.select = 2;
  config.pca = 1;
  Pipeline pipeline(config);
  TrainingData fitted = pipeline.fit_transform(table, rows.y, 3);
  const Matrix reduced = models::fit_reduction(pipeline, std::move(fitted.x), rows.y, 3);
  EXPECT_EQ(pipeline.selected(), (std::vector<std::uint32_t>{0, 2}));
  EXPECT_EQ(reduced.cols(), 1u);
  EXPECT_EQ(pipeline.output_width(), 1u);
  EXPECT_EQ(pipeline.transform(table).values(), reduced.values());

  ByteWriter w;
  pipeline.save(w);
  pipeline.save_reduction(w);
  ByteReader r(w.bytes(), "test");
  Pipeline loaded;
  loaded.load(r);
  loaded.load_reduction(r);
  EXPECT_EQ(loaded.transform(table).values(), reduced.values());
  EXPECT_NE(loaded.describe().find("select(2 by mi) > PCA(1 components)"), std::string::npos)
      << loaded.describe();
}

}  // namespace
}  // namespace vigil::preprocess
