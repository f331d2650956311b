#include "vigil/data/split.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "vigil/core/error.hpp"
#include "vigil/core/random.hpp"

namespace vigil::data {
namespace {

TEST(Split, StratifiedKeepsClassSharesAndCoversEveryRowOnce) {
  std::vector<std::int32_t> labels;
  for (int i = 0; i < 1000; ++i) labels.push_back(0);
  for (int i = 0; i < 200; ++i) labels.push_back(1);
  for (int i = 0; i < 7; ++i) labels.push_back(2);
  for (int i = 0; i < 2; ++i) labels.push_back(3);
  const Split s = stratified_split(labels, 0.2, 42);
  std::vector<int> test_count(4, 0);
  for (auto i : s.test) ++test_count[static_cast<std::size_t>(labels[i])];
  EXPECT_EQ(test_count,
            (std::vector<int>{200, 40, 1, 1}));  // round(7*0.2)=1; class 3 keeps 1 in train
  std::set<std::size_t> all(s.train.begin(), s.train.end());
  all.insert(s.test.begin(), s.test.end());
  EXPECT_EQ(all.size(), labels.size());
  EXPECT_EQ(s.train.size() + s.test.size(), labels.size());
  EXPECT_TRUE(std::is_sorted(s.test.begin(), s.test.end()));
}

TEST(Split, ReproducibleUnderSeedAndDifferentAcrossSeeds) {
  std::vector<std::int32_t> labels(500);
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::int32_t>(i % 3);
  EXPECT_EQ(stratified_split(labels, 0.3, 7).test, stratified_split(labels, 0.3, 7).test);
  EXPECT_NE(stratified_split(labels, 0.3, 7).test, stratified_split(labels, 0.3, 8).test);
  EXPECT_EQ(random_split(100, 0.25, 1).test.size(), 25u);
}

TEST(Split, RejectsFractionsOutsideZeroOne) {
  std::vector<std::int32_t> labels = {0, 1};
  EXPECT_THROW(stratified_split(labels, 0.0, 1), ParamError);
  EXPECT_THROW(random_split(10, 1.0, 1), ParamError);
}

// Flows of one capture are correlated: a group is never on both sides.
TEST(Split, GroupFoldsNeverSplitAGroupAndTestEveryRowOnce) {
  std::vector<std::string> groups;
  Rng rng(3);
  for (int i = 0; i < 500; ++i) groups.push_back("capture-" + std::to_string(rng.below(7)));
  for (int folds : {0, 3, 7, 20}) {
    const std::vector<Split> splits = group_kfold(groups, folds);
    EXPECT_EQ(splits.size(), folds == 3 ? 3u : 7u) << folds;  // at most one fold per group
    std::vector<int> tested(groups.size(), 0);
    for (const auto& s : splits) {
      std::set<std::string> train, test;
      for (auto i : s.train) train.insert(groups[i]);
      for (auto i : s.test) test.insert(groups[i]), ++tested[i];
      for (const auto& g : test) EXPECT_EQ(train.count(g), 0u) << g << " is on both sides";
      EXPECT_EQ(s.train.size() + s.test.size(), groups.size());
      EXPECT_TRUE(std::is_sorted(s.test.begin(), s.test.end()));
    }
    EXPECT_EQ(std::count(tested.begin(), tested.end(), 1), 500);
  }
  EXPECT_THROW(group_kfold(std::vector<std::string>(5, "one"), 0), ParamError);
}

}  // namespace
}  // namespace vigil::data
