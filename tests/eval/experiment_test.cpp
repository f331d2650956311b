#include "vigil/eval/experiment.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "test_files.hpp"
#include "vigil/core/error.hpp"
#include "vigil/core/random.hpp"
#include "vigil/data/dataset.hpp"

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

TEST(Experiment, GroupProtocolHoldsEachGroupOutInTurn) {
  data::Dataset d = toy();
  for (std::size_t i = 0; i < d.rows(); ++i) d.groups.push_back("capture" + std::to_string(i % 4));
  ExperimentConfig c;
  c.protocol = Protocol::kGroup;
  c.folds = 0;
  c.models = {"nb"};
  const ExperimentResult r = run_experiment(d, c);
  EXPECT_EQ(r.folds, 4);
  EXPECT_EQ(r.test_rows, 440u);
  EXPECT_EQ(r.models[0].folds.size(), 4u);
  ASSERT_FALSE(r.notes.empty());
  EXPECT_NE(experiment_text(r).find("folds by group: 1: capture0; 2: capture1"), std::string::npos)
      << experiment_text(r);
  d.groups.clear();
  EXPECT_THROW(run_experiment(d, c), ParamError);
}

TEST(Experiment, HoldoutTestsOnRealRowsOnly) {
  ExperimentConfig c;
  c.pipeline.smote = true;
  const ExperimentResult r = run_experiment(toy(), c);
  EXPECT_EQ(r.test_rows, 88u);  // 80 + 8, stratified
  EXPECT_EQ(r.synthetic_test_rows, 0u);
  EXPECT_EQ(r.train_rows, 640u);  // 320 + 32 raised to 320
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

TEST(Experiment, HoldoutNeverFeedsATestRowToTraining) {
  ExperimentConfig c;
  c.pipeline.smote = true;
  ExperimentResult r;
  const data::Dataset d = toy();
  const data::Split split = data::stratified_split(d.labels, 0.2, 42);
  const PreparedSplit p = prepare_holdout(d, split, c, r, nullptr);
  ASSERT_EQ(p.test_x.rows(), 88u);
  // The toy rows are all distinct, so any test row among the training rows
  // (original or synthetic) would be leakage.
  std::set<std::vector<float>> train;
  for (std::size_t i = 0; i < p.train_x.rows(); ++i) {
    train.insert(std::vector<float>(p.train_x.row(i).begin(), p.train_x.row(i).end()));
  }
  for (std::size_t i = 0; i < p.test_x.rows(); ++i) {
    EXPECT_EQ(train.count(std::vector<float>(p.test_x.row(i).begin(), p.test_x.row(i).end())), 0u)
        << i;
  }
}

TEST(Experiment, PaperCountsTheSyntheticTestRowsExactly) {
  ExperimentConfig c;
  c.protocol = Protocol::kPaper;
  c.pipeline.smote = true;
  const ExperimentResult r = run_experiment(toy(), c);
  // SMOTE appends 360 synthetic rows after the 440 originals; the split is a
  // seeded shuffle of the 800, so the synthetic test rows are its test indices >= 440.
  const data::Split split = data::random_split(800, 0.2, 42);
  std::size_t synthetic = 0;
  for (auto i : split.test) synthetic += i >= 440;
  EXPECT_EQ(r.synthetic_test_rows, synthetic);
  EXPECT_EQ(r.synthetic_train_rows, 360u - synthetic);
}

TEST(Experiment, CrossValidationTestsEveryRowOnce) {
  ExperimentConfig c;
  c.protocol = Protocol::kCrossValidation;
  c.folds = 4;
  c.models = {"nb", "lr"};
  const ExperimentResult r = run_experiment(toy(), c);
  EXPECT_EQ(r.test_rows, 440u);
  ASSERT_EQ(r.models.size(), 2u);
  EXPECT_EQ(r.models[0].folds.size(), 4u);
  EXPECT_EQ(r.models[1].confusion.total(), 440u);
  EXPECT_NE(experiment_text(r).find("across folds"), std::string::npos);
  const auto folds = data::stratified_kfold(toy().labels, 4, 1);
  std::vector<int> seen(440, 0);
  for (const auto& f : folds) {
    for (auto i : f.test) ++seen[i];
    EXPECT_EQ(f.train.size() + f.test.size(), 440u);
  }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), 440);
}

TEST(Experiment, OfficialProtocolTestsOnTheOtherFile) {
  ExperimentConfig c;
  c.protocol = Protocol::kOfficial;
  const data::Dataset train = toy();
  data::Dataset test = toy();
  test.features = test.features.select_rows({0, 1, 2, 400, 401});
  test.labels = {1, 1, 1, 0, 0};
  const ExperimentResult r = run_experiment(train, c, nullptr, &test);
  EXPECT_EQ(r.test_rows, 5u);
  EXPECT_EQ(r.quality.test_rows_seen_in_training,
            5u);  // the same rows: the data-quality section says so
  EXPECT_THROW(run_experiment(train, c), ParamError);  // official needs the test file
}

// The exported rows are the models' rows: another run on them, with nothing
// more done to them, scores exactly as the run that wrote them.
TEST(Experiment, ExportedMatricesAreWhatTheModelsWereGiven) {
  const testing::TempDir dir;
  ExperimentConfig c;
  c.pipeline.smote = true;
  c.models = {"nb"};
  c.export_prepared = dir.file("m");
  const ExperimentResult first = run_experiment(toy(), c);
  data::DatasetOptions options;
  options.label = "class";
  const data::Dataset train = data::load_dataset(dir.file("m") + "/train.csv", options);
  const data::Dataset test = data::load_dataset(dir.file("m") + "/test.csv", options);
  EXPECT_EQ(train.labels.size(), first.train_rows);
  EXPECT_EQ(test.labels.size(), first.test_rows);
  EXPECT_EQ(train.class_names, toy().class_names);
  ExperimentConfig again;
  again.protocol = Protocol::kOfficial;
  again.pipeline.scale = preprocess::ScaleKind::kNone;
  again.models = {"nb"};
  const ExperimentResult second = run_experiment(train, again, nullptr, &test);
  const ConfusionMatrix& a = first.models[0].confusion;
  const ConfusionMatrix& b = second.models[0].confusion;
  ASSERT_EQ(a.classes(), b.classes());
  for (std::size_t i = 0; i < a.classes(); ++i) {
    for (std::size_t j = 0; j < a.classes(); ++j) EXPECT_EQ(a.at(i, j), b.at(i, j));
  }
  c.protocol = Protocol::kCrossValidation;
  EXPECT_THROW(run_experiment(toy(), c), ParamError);
}

TEST(DataQuality, DuplicatesConflictsAndCeilingsByHand) {
  // Rows (feature a, class): (1,A) (1,A) (1,B) (2,B) (3,A) (3,A): vector 1 occurs
  // three times with two classes, vector 3 twice with one.
  data::Table t;
  t.source = "t";
  t.columns.push_back({"a", data::ColumnType::kNumeric, {1, 1, 1, 2, 3, 3}, {}});
  t.line_numbers = {2, 3, 4, 5, 6, 7};
  const std::vector<std::int32_t> y = {0, 0, 1, 1, 0, 0};
  const DataQuality q = assess_data_quality(t, y, 2);
  EXPECT_EQ(q.distinct_vectors, 3u);
  EXPECT_EQ(q.duplicate_rows, 3u);
  EXPECT_EQ(q.conflicting_vectors, 1u);
  EXPECT_EQ(q.rows_in_conflicts, 3u);
  // Plain: vector 1 -> A (2 of 3 right), 2 -> B, 3 -> A: 5 of 6.
  EXPECT_DOUBLE_EQ(q.ceiling, 5.0 / 6.0);
  // Balanced: A has 4 rows, B 2. Vector 1: max(2/4, 1/2) = 0.5; vector 2: 1/2;
  // vector 3: 2/4. Sum 1.5 over 2 classes = 0.75.
  EXPECT_DOUBLE_EQ(q.balanced_ceiling, 0.75);
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

namespace vigil::eval {
namespace {

// The figures the experiment issue expects on UNSW-NB15's 82,332-row file.
TEST(DataQuality, UnswFileHasAThirdDuplicatesAndKnownCeilings) {
  if (!vigil::testing::have_unsw()) GTEST_SKIP();
  const data::Dataset d = data::load_dataset(vigil::testing::unsw_path(), {});
  const DataQuality q =
      assess_data_quality(d.features, d.labels, static_cast<int>(d.class_names.size()));
  EXPECT_EQ(q.rows, 82332u);
  EXPECT_EQ(q.distinct_vectors, 53946u);
  EXPECT_NEAR(q.ceiling, 0.94, 0.01);
  EXPECT_NEAR(q.balanced_ceiling, 0.83, 0.01);
}

}  // namespace
}  // namespace vigil::eval

namespace vigil::eval {
namespace {

// Normal rows near the origin, DoS far along a, and Worms that look Normal on
// a but sit far along b: a classifier that never saw Worms calls them Normal.
data::Dataset three_kinds() {
  data::Dataset d;
  d.class_names = {"DoS", "Normal", "Worms"};
  d.features.source = "three";
  data::Column a{"a", data::ColumnType::kNumeric, {}, {}};
  data::Column b{"b", data::ColumnType::kNumeric, {}, {}};
  Rng rng(3);
  for (int i = 0; i < 600; ++i) {
    const int y = i < 100 ? 0 : i < 550 ? 1 : 2;
    a.numbers.push_back(static_cast<float>((y == 0 ? 6 : 0) + rng.uniform()));
    b.numbers.push_back(static_cast<float>((y == 2 ? 8 : 0) + rng.uniform()));
    d.labels.push_back(y);
    d.features.line_numbers.push_back(static_cast<std::size_t>(i + 2));
  }
  d.features.columns = {a, b};
  return d;
}

TEST(Experiment, HybridCatchesTheClassLeftOutOfTraining) {
  ExperimentConfig c;
  c.models = {"nb"};
  c.anomaly = {"kmeans", "dbscan"};
  c.holdout_class = "Worms";
  c.model_params = {"kmeans.clusters=2", "fpr=0.02"};
  const ExperimentResult r = run_experiment(three_kinds(), c);
  ASSERT_EQ(r.anomaly.size(), 2u);
  ASSERT_EQ(r.hybrids.size(), 2u);
  const std::size_t worms = 2;
  for (const auto& h : r.hybrids) {
    EXPECT_EQ(h.alone_by_class.rows[worms], 10u);  // 50 Worms rows, 20% tested
    EXPECT_EQ(h.alone_by_class.caught[worms], 0u) << "the classifier never saw Worms";
    EXPECT_EQ(h.hybrid_by_class.caught[worms], 10u) << h.detector;
    EXPECT_GE(h.unknown, 10u);
  }
  for (const auto& a : r.anomaly) {
    EXPECT_EQ(a.training_rows, 360u);  // the Normal training rows only
    EXPECT_GT(a.roc.auc, 0.95) << a.detector;
  }
  const std::string text = experiment_text(r);
  EXPECT_NE(text.find("held-out class Worms"), std::string::npos);
  const nlohmann::json j = to_json(r);
  EXPECT_EQ(j["holdout_class"], "Worms");
  EXPECT_EQ(j["hybrids"].size(), 2u);
  EXPECT_TRUE(j["models"][0]["roc"].contains("binary"));
}

TEST(Experiment, DetectorsFitOnEveryRealTrainingRowWhenAsked) {
  ExperimentConfig c;
  c.anomaly = {"kmeans"};
  c.anomaly_on_all_rows = true;
  c.pipeline.smote = true;  // SMOTE's rows are not traffic: the detector never sees them
  const ExperimentResult r = run_experiment(three_kinds(), c);
  EXPECT_GT(r.synthetic_train_rows, 0u);
  EXPECT_EQ(r.anomaly[0].training_rows, 480u);
  EXPECT_NE(experiment_text(r).find("every real training row"), std::string::npos);
}

TEST(Experiment, HoldoutClassAndAnomalyInputsAreChecked) {
  ExperimentConfig c;
  c.holdout_class = "Nope";
  EXPECT_THROW(run_experiment(three_kinds(), c), ParamError);
  c.holdout_class = "Worms";
  c.protocol = Protocol::kPaper;
  EXPECT_THROW(run_experiment(three_kinds(), c), ParamError);
  ExperimentConfig d;
  d.anomaly = {"isolation-forest"};
  EXPECT_THROW(run_experiment(three_kinds(), d), ParamError);
  d.anomaly = {"kmeans"};
  d.benign = "Benign";
  EXPECT_THROW(run_experiment(three_kinds(), d), ParamError);
}

TEST(Experiment, SelectionAndPcaReachTheModels) {
  ExperimentConfig c;
  c.pipeline.select = 1;
  c.pipeline.select_by = preprocess::SelectBy::kChi2;
  const ExperimentResult r = run_experiment(three_kinds(), c);
  EXPECT_NE(r.pipeline.find("select(1 by chi2)"), std::string::npos) << r.pipeline;
  c.pipeline.select = 0;
  c.pipeline.pca = 2;
  c.protocol = Protocol::kPaper;
  EXPECT_NE(run_experiment(three_kinds(), c).pipeline.find("PCA(2 components)"), std::string::npos);
}

}  // namespace
}  // namespace vigil::eval
