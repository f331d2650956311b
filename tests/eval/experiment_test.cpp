#include "vigil/eval/experiment.hpp"

#include <gtest/gtest.h>

#include "test_files.hpp"
#include "vigil/core/error.hpp"
#include "vigil/core/random.hpp"

namespace vigil::eval {
namespace {

// Two separable numeric classes, 400 and 40 rows.
data::Dataset toy() {
  data::Dataset d;
  d.class_names = {"attack", "normal"};
  d.features.source = "toy";
  data::Column a{"a", data::ColumnType::kNumeric, {}, {}};
  data::Column b{"b", data::ColumnType::kNumeric, {}, {}};
  Rng rng(1);
  for (int i = 0; i < 440; ++i) {
    const int y = i < 400 ? 1 : 0;
    a.numbers.push_back(static_cast<float>(y * 5 + rng.uniform()));
    b.numbers.push_back(static_cast<float>(rng.uniform()));
    d.labels.push_back(y);
    d.features.line_numbers.push_back(static_cast<std::size_t>(i + 2));
  }
  d.features.columns = {a, b};
  return d;
}

TEST(Experiment, HoldoutTestsOnRealRowsOnly) {
  ExperimentConfig c;
  c.pipeline.smote = true;
  const ExperimentResult r = run_experiment(toy(), c);
  EXPECT_EQ(r.test_rows, 88u);           // 80 + 8, stratified
  EXPECT_EQ(r.synthetic_test_rows, 0u);
  EXPECT_EQ(r.train_rows, 640u);         // 320 + 32 raised to 320
  EXPECT_EQ(r.synthetic_train_rows, 288u);
  ASSERT_EQ(r.models.size(), 1u);
  EXPECT_EQ(r.models[0].confusion.total(), 88u);
  EXPECT_GT(r.models[0].metrics.accuracy, 0.95);
  EXPECT_EQ(experiment_text(r).find("synthetic, made from"), std::string::npos);
}

TEST(Experiment, PaperProtocolSaysHowManyTestRowsAreSynthetic) {
  ExperimentConfig c;
  c.protocol = Protocol::kPaper;
  c.pipeline.smote = true;
  c.pipeline.impute = preprocess::ImputeStrategy::kClassMean;
  const ExperimentResult r = run_experiment(toy(), c);
  EXPECT_EQ(r.train_rows + r.test_rows, 800u);
  EXPECT_EQ(r.test_rows, 160u);
  EXPECT_GT(r.synthetic_test_rows, 40u);  // about 360/800 of 160
  EXPECT_NE(experiment_text(r).find("synthetic, made from"), std::string::npos);
  EXPECT_EQ(to_json(r)["synthetic_test_rows"], r.synthetic_test_rows);
}

TEST(Experiment, UnknownParameterForChosenModelsIsAnError) {
  ExperimentConfig c;
  c.model_params = {"n_trees=5"};
  EXPECT_THROW(run_experiment(toy(), c), ParamError);
}

// The foundation's acceptance figure: naive Bayes on UNSW-NB15's 82,332-row
// file, stratified 80/20 hold-out, SMOTE on training rows, standard scaling.
// scikit-learn 1.2.1 GaussianNB on the same protocol (../shared/bench/sklearn_ref.py
// --protocol holdout --models nb, seed 42) scored accuracy 0.3395 and macro-F1
// 0.1962; Vigil's split and SMOTE draw other rows, within 0.01, as the foundation issue asks.
TEST(Experiment, UnswNaiveBayesHoldoutNearScikitLearn) {
  if (!vigil::testing::have_unsw()) GTEST_SKIP();
  const data::Dataset d = data::load_dataset(vigil::testing::unsw_path(), {});
  ExperimentConfig c;
  c.pipeline.smote = true;
  const ExperimentResult r = run_experiment(d, c);
  EXPECT_EQ(r.test_rows, 16466u);
  EXPECT_EQ(r.train_rows, 296000u);
  EXPECT_NEAR(r.models[0].metrics.accuracy, 0.3395, 0.01);
  EXPECT_NEAR(r.models[0].metrics.macro_f1, 0.1962, 0.01);
}

}  // namespace
}  // namespace vigil::eval
