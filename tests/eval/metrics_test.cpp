#include "vigil/eval/metrics.hpp"

#include <gtest/gtest.h>

#include "vigil/eval/report.hpp"

namespace vigil::eval {
namespace {

// Hand-made 3-class matrix (rows actual, columns predicted):
//        A   B   C
//   A   50   5   0      support 55
//   B   10  30  10      support 50
//   C    0   0  20      support 20   (total 125)
ConfusionMatrix hand_made() {
  ConfusionMatrix cm({"A", "B", "C"});
  cm.add(0, 0, 50);
  cm.add(0, 1, 5);
  cm.add(1, 0, 10);
  cm.add(1, 1, 30);
  cm.add(1, 2, 10);
  cm.add(2, 2, 20);
  return cm;
}

TEST(Metrics, EveryMetricOnAHandMadeMatrix) {
  const Metrics m = compute_metrics(hand_made());
  EXPECT_DOUBLE_EQ(m.accuracy, 100.0 / 125.0);
  const ClassMetrics& a = m.per_class[0];
  EXPECT_EQ(a.tp, 50u);
  EXPECT_EQ(a.fp, 10u);
  EXPECT_EQ(a.fn, 5u);
  EXPECT_EQ(a.tn, 60u);
  EXPECT_DOUBLE_EQ(a.precision, 50.0 / 60.0);
  EXPECT_DOUBLE_EQ(a.recall, 50.0 / 55.0);
  EXPECT_DOUBLE_EQ(a.f1, 2.0 * 50 / (2.0 * 50 + 10 + 5));
  EXPECT_DOUBLE_EQ(a.false_positive_rate, 10.0 / 70.0);
  EXPECT_DOUBLE_EQ(a.false_negative_rate, 5.0 / 55.0);
  const ClassMetrics& b = m.per_class[1];
  EXPECT_DOUBLE_EQ(b.precision, 30.0 / 35.0);
  EXPECT_DOUBLE_EQ(b.recall, 30.0 / 50.0);
  const ClassMetrics& c = m.per_class[2];
  EXPECT_DOUBLE_EQ(c.precision, 20.0 / 30.0);
  EXPECT_DOUBLE_EQ(c.recall, 1.0);
  EXPECT_DOUBLE_EQ(c.false_negative_rate, 0.0);
  const double f1[] = {100.0 / 115.0, 60.0 / 85.0, 40.0 / 50.0};
  EXPECT_NEAR(m.macro_f1, (f1[0] + f1[1] + f1[2]) / 3, 1e-12);
  EXPECT_NEAR(m.weighted_f1, (55 * f1[0] + 50 * f1[1] + 20 * f1[2]) / 125, 1e-12);
  EXPECT_NEAR(m.macro_precision, (50.0 / 60 + 30.0 / 35 + 20.0 / 30) / 3, 1e-12);
  EXPECT_NEAR(m.weighted_recall, m.accuracy, 1e-12);  // always so
}

TEST(Metrics, ClassNeverPredictedCountsAsZeroNotNaN) {
  ConfusionMatrix cm({"A", "B"});
  cm.add(0, 0, 3);
  cm.add(1, 0, 2);
  const Metrics m = compute_metrics(cm);
  EXPECT_DOUBLE_EQ(m.per_class[1].precision, 0.0);
  EXPECT_DOUBLE_EQ(m.per_class[1].f1, 0.0);
  EXPECT_DOUBLE_EQ(m.macro_recall, 0.5);
}

TEST(Report, TextAndJsonNameTheClasses) {
  const auto cm = hand_made();
  const std::string text = confusion_table(cm);
  EXPECT_NE(text.find("actual \\ predicted"), std::string::npos);
  EXPECT_NE(text.find("  10  30  10\n"), std::string::npos) << text;
  const auto j = to_json(compute_metrics(cm));
  EXPECT_EQ(j["per_class"][2]["class"], "C");
  EXPECT_EQ(to_json(cm)["rows_actual_columns_predicted"][1][2], 10);
}

}  // namespace
}  // namespace vigil::eval
