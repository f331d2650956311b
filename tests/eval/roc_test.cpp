#include "vigil/eval/roc.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace vigil::eval {
namespace {

TEST(RocCurve, MatchesScikitLearnsDocumentedExample) {
  // sklearn.metrics.roc_curve's docstring: y = [1, 1, 2, 2], scores = [0.1, 0.4, 0.35, 0.8], AUC
  // 0.75.
  const std::vector<float> scores = {0.1f, 0.4f, 0.35f, 0.8f};
  const std::vector<std::uint8_t> positive = {0, 0, 1, 1};
  const RocCurve c = roc_curve(scores, positive);
  EXPECT_DOUBLE_EQ(c.auc, 0.75);
  EXPECT_EQ(c.fpr, (std::vector<double>{0, 0, 0.5, 0.5, 1}));
  EXPECT_EQ(c.tpr, (std::vector<double>{0, 0.5, 0.5, 1, 1}));
  EXPECT_TRUE(std::isinf(c.thresholds[0]));
  EXPECT_FLOAT_EQ(static_cast<float>(c.thresholds[1]), 0.8f);
}

TEST(RocCurve, TiedScoresFormOneDiagonalStep) {
  const std::vector<float> scores(6, 0.5f);
  const std::vector<std::uint8_t> positive = {1, 0, 1, 0, 0, 1};
  const RocCurve c = roc_curve(scores, positive);
  EXPECT_DOUBLE_EQ(c.auc, 0.5);
  EXPECT_EQ(c.fpr.size(), 2u);
}

TEST(RocCurve, AucIsTheChanceAPositiveOutscoresANegative) {
  // The Mann-Whitney statistic, ties counted half, computed over all pairs.
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> score(0, 20);
  std::vector<float> scores;
  std::vector<std::uint8_t> positive;
  for (int i = 0; i < 300; ++i) {
    positive.push_back(static_cast<std::uint8_t>(i % 3 == 0));
    scores.push_back(static_cast<float>(score(rng) + (i % 3 == 0 ? 4 : 0)));
  }
  double wins = 0, pairs = 0;
  for (std::size_t a = 0; a < scores.size(); ++a) {
    for (std::size_t b = 0; b < scores.size(); ++b) {
      if (!positive[a] || positive[b]) continue;
      pairs += 1;
      wins += scores[a] > scores[b] ? 1.0 : scores[a] == scores[b] ? 0.5 : 0.0;
    }
  }
  EXPECT_NEAR(roc_curve(scores, positive).auc, wins / pairs, 1e-12);
}

TEST(RocCurve, UndefinedWithoutBothKinds) {
  const std::vector<float> scores = {0.2f, 0.9f};
  const std::vector<std::uint8_t> positive = {1, 1};
  const RocCurve c = roc_curve(scores, positive);
  EXPECT_FALSE(c.defined());
  EXPECT_TRUE(c.fpr.empty());
}

TEST(RocCurve, ThinningKeepsEndsAndArea) {
  std::vector<float> scores;
  std::vector<std::uint8_t> positive;
  for (int i = 0; i < 1000; ++i) {
    scores.push_back(static_cast<float>(i));
    positive.push_back(static_cast<std::uint8_t>(i % 7 < 3));
  }
  const RocCurve full = roc_curve(scores, positive);
  const RocCurve thin = thin_curve(full, 50);
  ASSERT_EQ(thin.fpr.size(), 50u);
  EXPECT_EQ(thin.fpr.front(), 0.0);
  EXPECT_EQ(thin.tpr.back(), 1.0);
  EXPECT_EQ(thin.auc, full.auc);
}

TEST(RocReport, PerClassMicroAndBinary) {
  // Three classes; the model is right about class 2 and guesses between 0 and 1.
  Matrix proba(4, 3);
  const float rows[4][3] = {
      {0.6f, 0.4f, 0.0f}, {0.6f, 0.4f, 0.0f}, {0.1f, 0.1f, 0.8f}, {0.2f, 0.2f, 0.6f}};
  for (std::size_t r = 0; r < 4; ++r) {
    for (std::size_t c = 0; c < 3; ++c) proba(r, c) = rows[r][c];
  }
  const std::vector<std::int32_t> actual = {0, 1, 2, 2};
  const RocReport report = roc_report(proba, actual, {"Normal", "DoS", "Worms"});
  ASSERT_EQ(report.per_class.size(), 3u);
  EXPECT_DOUBLE_EQ(report.per_class[2].auc, 1.0);
  // Tied with the DoS row (half a win), above both Worms rows.
  EXPECT_DOUBLE_EQ(report.per_class[0].auc, 2.5 / 3);
  EXPECT_DOUBLE_EQ(report.per_class[1].auc, 2.5 / 3);
  EXPECT_NEAR(report.macro_auc, (1 + 2 * 2.5 / 3) / 3, 1e-12);
  ASSERT_TRUE(report.has_binary);
  // Attack scores 1 - P(Normal): 0.4 (Normal), 0.4 (DoS), 0.9, 0.8.
  EXPECT_DOUBLE_EQ(report.binary.auc, (0.5 + 1 + 1) / 3);
  EXPECT_TRUE(report.micro.defined());
  const nlohmann::json j = to_json(report, 10);
  EXPECT_EQ(j["binary"]["benign_class"], "Normal");
  EXPECT_EQ(j["per_class"]["Worms"]["auc"], 1.0);
  EXPECT_FALSE(roc_report(proba, actual, {"A", "B", "C"}).has_binary);
}

}  // namespace
}  // namespace vigil::eval
