#include "vigil/preprocess/scaler.hpp"

#include <gtest/gtest.h>

namespace vigil::preprocess {
namespace {

Matrix sample() {
  Matrix x(4, 3);
  const float v[] = {1, 10, 7, 2, 10, 7, 3, 40, 7, 6, 20, 7};  // third column constant
  std::copy(v, v + 12, x.data());
  return x;
}

// Expected from scikit-learn 1.2: StandardScaler mean [3, 20], scale
// [1.87082869, 12.24744871]; [4, 25] -> [0.53452248, 0.40824829];
// MinMaxScaler [4, 25] -> [0.6, 0.5]. Constant columns get scale 1.
TEST(Scaler, StandardMatchesScikitLearn) {
  Scaler s(ScaleKind::kStandard);
  s.fit(sample());
  EXPECT_NEAR(s.scales()[0], 1.87082869, 1e-7);
  EXPECT_NEAR(s.scales()[1], 12.24744871, 1e-7);
  EXPECT_DOUBLE_EQ(s.scales()[2], 1.0);
  Matrix q(1, 3);
  q(0, 0) = 4;
  q(0, 1) = 25;
  q(0, 2) = 7;
  s.transform(q);
  EXPECT_NEAR(q(0, 0), 0.53452248, 1e-6);
  EXPECT_NEAR(q(0, 1), 0.40824829, 1e-6);
  EXPECT_FLOAT_EQ(q(0, 2), 0.0f);
}

TEST(Scaler, MinMaxMatchesScikitLearnAndNoneIsIdentity) {
  Scaler s(ScaleKind::kMinMax);
  s.fit(sample());
  Matrix q(1, 3);
  q(0, 0) = 4;
  q(0, 1) = 25;
  q(0, 2) = 7;
  Matrix same = q;
  s.transform(q);
  EXPECT_NEAR(q(0, 0), 0.6, 1e-6);
  EXPECT_NEAR(q(0, 1), 0.5, 1e-6);
  EXPECT_FLOAT_EQ(q(0, 2), 0.0f);
  Scaler none(ScaleKind::kNone);
  none.fit(sample());
  none.transform(same);
  EXPECT_FLOAT_EQ(same(0, 1), 25.0f);
}

}  // namespace
}  // namespace vigil::preprocess
