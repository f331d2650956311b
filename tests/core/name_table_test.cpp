// Every enum that users spell has one name table: each name reads back as its
// value, names are distinct, and an unknown name is refused with the list.
#include "vigil/core/name_table.hpp"

#include <gtest/gtest.h>

#include <set>

#include "vigil/data/dataset.hpp"
#include "vigil/data/flow_labels.hpp"
#include "vigil/eval/dedup.hpp"
#include "vigil/preprocess/feature_scores.hpp"
#include "vigil/preprocess/imputer.hpp"
#include "vigil/preprocess/scaler.hpp"

namespace vigil {
namespace {

template <typename E>
void check_table(const NameTable<E>& table, std::size_t values) {
  SCOPED_TRACE(table.what());
  EXPECT_EQ(table.entries().size(), values) << "a value without a name, or a name twice";
  std::set<std::string> seen;
  std::set<E> values_seen;
  for (const auto& [value, name] : table.entries()) {
    EXPECT_TRUE(seen.insert(name).second) << name;
    EXPECT_TRUE(values_seen.insert(value).second) << name;
    EXPECT_EQ(table.parse(name), value);
    EXPECT_EQ(table.name(value), name);
  }
  try {
    table.parse("no-such-name");
    FAIL() << "an unknown name was accepted";
  } catch (const ParamError& e) {
    for (const auto& name : table.names()) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
}

TEST(NameTables, EachNameReadsBackAndUnknownNamesAreRefused) {
  check_table(preprocess::impute_strategies(), 5);
  check_table(preprocess::scale_kinds(), 3);
  check_table(preprocess::select_by_names(), 4);
  check_table(data::feature_sets(), 3);
  check_table(data::unmatched_policies(), 3);
  check_table(eval::dedup_modes(), 4);
}

TEST(NameTables, TheOldFunctionsReadTheTables) {
  EXPECT_EQ(preprocess::to_string(preprocess::parse_impute_strategy("class-mean")), "class-mean");
  EXPECT_EQ(preprocess::to_string(preprocess::parse_scale_kind("minmax")), "minmax");
  EXPECT_EQ(preprocess::to_string(preprocess::parse_select_by("chi2")), "chi2");
  EXPECT_EQ(data::parse_feature_set("deployment"), data::FeatureSet::kDeployment);
  EXPECT_THROW(preprocess::parse_scale_kind("zscore"), ParamError);
}

}  // namespace
}  // namespace vigil
