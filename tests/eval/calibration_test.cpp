#include "vigil/eval/calibration.hpp"

#include <gtest/gtest.h>

namespace vigil::eval {
namespace {

Matrix rows(std::initializer_list<std::vector<float>> values) {
  Matrix m(0, values.begin()->size());
  for (const auto& v : values) m.append_row(v);
  return m;
}

TEST(Reliability, SureAndRightIsPerfect) {
  const auto r = reliability(rows({{1, 0}, {0, 1}}), std::vector<std::int32_t>{0, 1});
  EXPECT_DOUBLE_EQ(r.brier, 0.0);
  EXPECT_DOUBLE_EQ(r.ece, 0.0);
  EXPECT_EQ(r.bins.back().rows, 2u);  // confidence 1 falls in the last bin
}

TEST(Reliability, BrierAndEceByHand) {
  // Two rows at confidence 0.8 (one right, one wrong) and one at 0.6 (right).
  const Matrix p = rows({{0.8f, 0.2f}, {0.8f, 0.2f}, {0.4f, 0.6f}});
  const std::vector<std::int32_t> y = {0, 1, 1};
  const auto r = reliability(p, y, 10);
  // Brier: (0.04 + 0.04) + (0.64 + 0.64) + (0.16 + 0.16), over 3 rows.
  EXPECT_NEAR(r.brier, (0.08 + 1.28 + 0.32) / 3, 1e-6);
  // Bin [0.8, 0.9): accuracy 0.5, confidence 0.8; bin [0.6, 0.7): accuracy 1, confidence 0.6.
  EXPECT_NEAR(r.ece, 2.0 / 3 * 0.3 + 1.0 / 3 * 0.4, 1e-6);
  ASSERT_EQ(r.bins.size(), 10u);
  EXPECT_EQ(r.bins[8].rows, 2u);
  EXPECT_NEAR(r.bins[8].accuracy, 0.5, 1e-12);
  EXPECT_EQ(r.bins[6].rows, 1u);
  const auto json = to_json(r);
  EXPECT_EQ(json.at("bins").size(), 10u);
  EXPECT_NEAR(json.at("ece").get<double>(), r.ece, 1e-12);
}

}  // namespace
}  // namespace vigil::eval
