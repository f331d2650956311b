#include "models/calibrated.hpp"

#include <gtest/gtest.h>

#include "models/fixtures.hpp"
#include "vigil/core/random.hpp"
#include "vigil/eval/calibration.hpp"

namespace vigil::models {
namespace {

TEST(IsotonicMap, PoolsAdjacentViolatorsAsScikitLearn) {
  // Targets 0 1 0 1 1 at scores 0.1..0.5: the middle violation (1 then 0)
  // pools to 0.5 over scores 0.2 and 0.3.
  const auto map = IsotonicMap::fit({{0.1f, 0}, {0.2f, 1}, {0.3f, 0}, {0.4f, 1}, {0.5f, 1}});
  EXPECT_FLOAT_EQ(map(0.1f), 0.0f);
  EXPECT_FLOAT_EQ(map(0.2f), 0.5f);
  EXPECT_FLOAT_EQ(map(0.3f), 0.5f);
  EXPECT_FLOAT_EQ(map(0.35f), 0.75f);  // linear between (0.3, 0.5) and (0.4, 1)
  EXPECT_FLOAT_EQ(map(0.45f), 1.0f);
  EXPECT_FLOAT_EQ(map(0.0f), 0.0f);  // clipped beyond the ends
  EXPECT_FLOAT_EQ(map(0.9f), 1.0f);
  EXPECT_TRUE(std::is_sorted(map.y.begin(), map.y.end()));
}

TEST(IsotonicMap, EqualScoresAverageTheirTargets) {
  const auto map = IsotonicMap::fit({{0.5f, 1}, {0.5f, 0}, {0.5f, 0}, {0.5f, 1}});
  EXPECT_FLOAT_EQ(map(0.5f), 0.5f);
}

// Naive Bayes on overlapping classes is overconfident (its features are
// correlated here, counted twice); calibrated, its probabilities come close
// to the rates they claim.
TEST(CalibratedClassifier, LowersAnOverconfidentModelsCalibrationError) {
  Rng rng(3);
  const auto make = [&](std::size_t rows) {
    vigil::testing::Problem p;
    p.classes = 2;
    p.x = Matrix(0, 4);
    for (std::size_t i = 0; i < rows; ++i) {
      const std::int32_t c = static_cast<std::int32_t>(i % 2);
      const float v = static_cast<float>(c) + static_cast<float>(rng.normal());
      p.x.append_row(std::vector<float>{v, v, v, v});  // one feature, four times
      p.y.push_back(c);
    }
    return p;
  };
  const auto train = make(4000), test = make(4000);
  auto plain = builtin_registry().create("nb");
  auto calibrated = builtin_registry().create("calibrated", {"base=nb"});
  plain->fit(train.x, train.y, 2);
  calibrated->fit(train.x, train.y, 2);
  const double before = eval::reliability(plain->predict_proba(test.x), test.y).ece;
  const double after = eval::reliability(calibrated->predict_proba(test.x), test.y).ece;
  EXPECT_GT(before, 0.1);
  EXPECT_LT(after, 0.03);
  EXPECT_NE(calibrated->fit_notes().back().find("isotonic maps on 800"), std::string::npos)
      << calibrated->fit_notes().back();
}

}  // namespace
}  // namespace vigil::models
