#include "vigil/eval/dedup.hpp"

#include <gtest/gtest.h>

#include "vigil/core/error.hpp"
#include "vigil/core/random.hpp"
#include "vigil/data/dataset.hpp"
#include "vigil/eval/experiment.hpp"

namespace vigil::eval {
namespace {

// Keys of rows 0..7: a a b c a d b e.
const std::vector<std::string> kKeys = {"a", "a", "b", "c", "a", "d", "b", "e"};

data::Split sample_split() {
  data::Split s;
  s.train = {0, 1, 2, 3};  // a a b c
  s.test = {4, 5, 6, 7};   // a d b e
  return s;
}

TEST(Dedup, TrainKeepsTheFirstRowOfEachVector) {
  DedupCounts counts;
  const auto s = drop_duplicates(sample_split(), kKeys, kKeys, Dedup::kTrain, counts);
  EXPECT_EQ(s.train, (std::vector<std::size_t>{0, 2, 3}));
  EXPECT_EQ(s.test, (std::vector<std::size_t>{4, 5, 6, 7}));
  EXPECT_EQ(counts.train_dropped, 1u);
  EXPECT_EQ(counts.test_dropped, 0u);
}

TEST(Dedup, TestDropsRowsWhoseVectorIsInTraining) {
  DedupCounts counts;
  const auto s = drop_duplicates(sample_split(), kKeys, kKeys, Dedup::kTest, counts);
  EXPECT_EQ(s.train, (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(s.test, (std::vector<std::size_t>{5, 7}));
  EXPECT_EQ(counts.test_dropped, 2u);
  EXPECT_NE(counts.text().find("dropped 2 of 4 test rows"), std::string::npos) << counts.text();
}

TEST(Dedup, BothDoesBothAndCountsAddUpOverRounds) {
  DedupCounts counts;
  drop_duplicates(sample_split(), kKeys, kKeys, Dedup::kBoth, counts);
  const auto s = drop_duplicates(sample_split(), kKeys, kKeys, Dedup::kBoth, counts);
  EXPECT_EQ(s.train, (std::vector<std::size_t>{0, 2, 3}));
  EXPECT_EQ(s.test, (std::vector<std::size_t>{5, 7}));
  EXPECT_EQ(counts.train_rows, 8u);
  EXPECT_EQ(counts.train_dropped, 2u);
  EXPECT_EQ(counts.test_dropped, 4u);
}

data::Dataset with_repeats(int repeated_rows, int unique_rows) {
  data::Dataset d;
  d.class_names = {"attack", "normal"};
  d.features.source = "repeats";
  data::Column a{"a", data::ColumnType::kNumeric, {}, {}};
  for (int i = 0; i < repeated_rows + unique_rows; ++i) {
    // The first rows share 3 vectors; the rest are each their own.
    a.numbers.push_back(static_cast<float>(i < repeated_rows ? i % 3 : 100 + i));
    d.labels.push_back(i % 2);
    d.features.line_numbers.push_back(static_cast<std::size_t>(i + 2));
  }
  d.features.columns = {a};
  return d;
}

// Through the experiment: 30 rows of 3 vectors (10 rows each, so every vector
// has rows in training) and 30 unique rows. With --dedup both, training keeps
// one row per repeated vector and the test keeps only unique rows.
TEST(Dedup, AnExperimentTestsOnlyOnVectorsItNeverTrainedOn) {
  ExperimentConfig c;
  c.models = {"nb"};
  c.dedup = Dedup::kBoth;
  const ExperimentResult r = run_experiment(with_repeats(30, 30), c);
  EXPECT_EQ(r.dedup.train_rows, 48u);
  EXPECT_EQ(r.dedup.test_rows, 12u);
  const std::size_t repeated_in_test = r.dedup.test_dropped;  // every one's vector is in training
  EXPECT_EQ(r.dedup.train_dropped, (30 - repeated_in_test) - 3);
  EXPECT_EQ(r.test_rows, 12 - repeated_in_test);
  EXPECT_EQ(r.train_rows, 48 - r.dedup.train_dropped);
  EXPECT_NE(experiment_text(r).find("dedup both: dropped " + std::to_string(r.dedup.train_dropped) +
                                    " of 48 training rows"),
            std::string::npos)
      << experiment_text(r);
}

TEST(Dedup, NothingLeftToTestIsAnErrorAndPaperIsRefused) {
  ExperimentConfig c;
  c.models = {"nb"};
  c.dedup = Dedup::kTest;
  try {
    run_experiment(with_repeats(60, 0), c);
    FAIL() << "an experiment without test rows ran";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--dedup test left no test rows in repeats"),
              std::string::npos)
        << e.what();
  }
  c.protocol = Protocol::kPaper;
  EXPECT_THROW(run_experiment(with_repeats(30, 30), c), ParamError);
}

}  // namespace
}  // namespace vigil::eval
