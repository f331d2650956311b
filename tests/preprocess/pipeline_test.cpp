#include "vigil/preprocess/pipeline.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace vigil::preprocess {
namespace {

data::Table table(std::vector<float> bytes, std::vector<std::string> proto) {
  data::Table t;
  t.source = "t";
  for (std::size_t i = 0; i < bytes.size(); ++i) t.line_numbers.push_back(i + 2);
  t.columns.push_back({"bytes", data::ColumnType::kNumeric, std::move(bytes), {}});
  t.columns.push_back({"proto", data::ColumnType::kCategorical, {}, std::move(proto)});
  return t;
}

TEST(Pipeline, FitsOnTrainingRowsOnlyAndAppliesUnchanged) {
  PipelineConfig config;
  config.impute = ImputeStrategy::kMean;
  config.scale = ScaleKind::kStandard;
  Pipeline p(config);
  const data::Table train = table({1, 2, 3, std::nanf("")}, {"tcp", "udp", "tcp", ""});
  const std::vector<std::int32_t> y = {0, 1, 0, 1};
  TrainingData fitted = p.fit_transform(train, y, 2);
  EXPECT_EQ(fitted.synthetic, 0u);
  EXPECT_DOUBLE_EQ(p.imputer().fill_values()[0], 2.0);  // mean of 1, 2, 3
  // Standard scaling of bytes [1,2,3,2]: mean 2.
  EXPECT_NEAR(fitted.x(0, 0), -1.0 / std::sqrt(0.5), 1e-6);
  // Test rows with extreme values are scaled with the training statistics.
  const data::Table test = table({1000, 2}, {"icmp", "udp"});
  const Matrix tx = p.transform(test);
  EXPECT_DOUBLE_EQ(p.scaler().offsets()[0], 2.0);
  EXPECT_NEAR(tx(1, 0), 0.0, 1e-6);
  EXPECT_GT(tx(0, 0), 100.0f);
  // The same rows through transform() match fit_transform() (no SMOTE, no class means).
  const Matrix again = p.transform(train);
  EXPECT_EQ(again.values(), fitted.x.values());
}

TEST(Pipeline, SmoteBalancesAndSaveLoadKeepsState) {
  PipelineConfig config;
  config.smote = true;
  config.smote_config.k = 1;
  Pipeline p(config);
  const data::Table train = table({1, 2, 3, 4, 50, 60}, {"a", "a", "b", "b", "c", "c"});
  TrainingData fitted = p.fit_transform(train, std::vector<std::int32_t>{0, 0, 0, 0, 1, 1}, 2);
  EXPECT_EQ(fitted.x.rows(), 8u);
  EXPECT_EQ(fitted.synthetic, 2u);
  ByteWriter w;
  p.save(w);
  Pipeline back;
  ByteReader r(w.bytes(), "t");
  back.load(r);
  EXPECT_TRUE(r.at_end());
  const data::Table test = table({7, 55}, {"b", "zzz"});
  EXPECT_EQ(back.transform(test).values(), p.transform(test).values());
  EXPECT_EQ(back.describe(), p.describe());
}

}  // namespace
}  // namespace vigil::preprocess
