#include "vigil/preprocess/label_encoder.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "vigil/core/error.hpp"

namespace vigil::preprocess {
namespace {

TEST(LabelEncoder, SortedCodesUnknownAndMissing) {
  LabelEncoder e;
  e.fit({"udp", "tcp", "arp", "tcp", ""});
  // As scikit-learn's LabelEncoder: codes are ranks in sorted order.
  EXPECT_EQ(e.categories(), (std::vector<std::string>{"arp", "tcp", "udp"}));
  EXPECT_EQ(e.encode("arp"), 0.0f);
  EXPECT_EQ(e.encode("udp"), 2.0f);
  EXPECT_EQ(e.encode("sctp"), 3.0f);  // never seen: the reserved unknown code
  EXPECT_EQ(e.unknown_code(), 3.0f);
  EXPECT_TRUE(std::isnan(e.encode("")));
}

data::Table two_column_table() {
  data::Table t;
  t.source = "t";
  t.line_numbers = {2, 3, 4};
  t.columns.push_back({"proto", data::ColumnType::kCategorical, {}, {"tcp", "udp", "tcp"}});
  t.columns.push_back({"bytes", data::ColumnType::kNumeric, {10, 20, 30}, {}});
  return t;
}

TEST(TableEncoder, ByNameInAnyOrderAndTypeChecked) {
  TableEncoder enc;
  enc.fit(two_column_table());
  data::Table other;
  other.source = "o";
  other.line_numbers = {2, 3};
  other.columns.push_back({"bytes", data::ColumnType::kNumeric, {5, 6}, {}});
  other.columns.push_back({"proto", data::ColumnType::kCategorical, {}, {"icmp", "udp"}});
  Matrix m = enc.transform(other);
  EXPECT_EQ(m(0, 0), 2.0f);  // icmp unknown -> code 2
  EXPECT_EQ(m(1, 0), 1.0f);
  EXPECT_EQ(m(1, 1), 6.0f);
  EXPECT_EQ(enc.unknown_counts(other).front().second, 1u);

  other.columns[0].type = data::ColumnType::kCategorical;
  other.columns[0].strings = {"a", "b"};
  EXPECT_THROW(enc.transform(other), InputError);
  other.columns.pop_back();
  EXPECT_THROW(enc.transform(other), InputError);  // proto missing
}

}  // namespace
}  // namespace vigil::preprocess
