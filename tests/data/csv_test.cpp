#include "vigil/data/csv.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "vigil/core/error.hpp"

namespace vigil::data {
namespace {

std::string error_of(const std::string& text, const TypingOptions& typing = {}) {
  try {
    type_columns(parse_raw_csv(text, "t.csv"), typing);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Csv, ReadsQuotesCrlfBomAndBlankTrailingLines) {
  const std::string text =
      "\xEF\xBB\xBF"
      "a,b,c\r\n"
      "1,\"x, y\",2.5\r\n"
      "2,\"say \"\"hi\"\"\",-3e2\r\n"
      "3,\"two\nlines\",\r\n"
      "\r\n\r\n";
  Table t = type_columns(parse_raw_csv(text, "t.csv"), {});
  ASSERT_EQ(t.rows(), 3u);
  ASSERT_EQ(t.column_names(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(t.column("a").type, ColumnType::kNumeric);
  EXPECT_EQ(t.column("b").type, ColumnType::kCategorical);
  EXPECT_EQ(t.column("b").strings[0], "x, y");
  EXPECT_EQ(t.column("b").strings[1], "say \"hi\"");
  EXPECT_EQ(t.column("b").strings[2], "two\nlines");
  EXPECT_FLOAT_EQ(t.column("c").numbers[1], -300.0f);
  EXPECT_TRUE(std::isnan(t.column("c").numbers[2]));
  // The quoted newline makes row 3 span lines 4-5; line numbers stay physical.
  EXPECT_EQ(t.line_numbers, (std::vector<std::size_t>{2, 3, 4}));
}

TEST(Csv, MissingTokensAndLfWithoutFinalNewline) {
  Table t = type_columns(parse_raw_csv("x,y\nNaN,a\nnan,\n?,b\n4,?", "t.csv"), {});
  ASSERT_EQ(t.rows(), 4u);
  const Column& x = t.column("x");
  EXPECT_EQ(x.type, ColumnType::kNumeric);
  EXPECT_TRUE(x.is_missing(0) && x.is_missing(1) && x.is_missing(2));
  EXPECT_FLOAT_EQ(x.numbers[3], 4.0f);
  const Column& y = t.column("y");
  EXPECT_EQ(y.type, ColumnType::kCategorical);
  EXPECT_TRUE(y.is_missing(1) && y.is_missing(3));
  EXPECT_EQ(y.strings[2], "b");
}

TEST(Csv, RaggedRowNamesFileAndLine) {
  const auto msg = error_of("a,b\n1,2\n3\n");
  EXPECT_NE(msg.find("t.csv:3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected 2 fields"), std::string::npos) << msg;
}

TEST(Csv, BadNumberInNumericColumnNamesLineAndColumn) {
  std::string text = "a,b\n";
  for (int i = 0; i < 30; ++i) text += std::to_string(i) + ",1\n";
  text += "oops,1\n";
  const auto msg = error_of(text);
  EXPECT_NE(msg.find("t.csv:32"), std::string::npos) << msg;
  EXPECT_NE(msg.find("column 'a'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'oops' is not a number"), std::string::npos) << msg;
  // Forced numeric: even one bad cell is an error.
  TypingOptions forced;
  forced.forced["b"] = ColumnType::kNumeric;
  EXPECT_NE(error_of("a,b\nx,1\ny,zz\n", forced).find("t.csv:3: column 'b'"), std::string::npos);
  // Forced categorical keeps numbers as text.
  TypingOptions cat;
  cat.forced["a"] = ColumnType::kCategorical;
  Table t = type_columns(parse_raw_csv("a\n1\n2\n", "t.csv"), cat);
  EXPECT_EQ(t.column("a").strings[1], "2");
}

TEST(Csv, EmptyFileHeaderOnlyAndUnclosedQuote) {
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  EXPECT_NE(error_of("\r\n\n").find("empty"), std::string::npos);
  EXPECT_NE(error_of("a,b\r\n").find("no data rows"), std::string::npos);
  EXPECT_NE(error_of("a,b\n1,\"open\n").find("never closed"), std::string::npos);
  EXPECT_NE(error_of("a,a\n1,2\n").find("appears twice"), std::string::npos);
}

TEST(Csv, MissingFileIsAnInputError) {
  EXPECT_THROW(read_csv("/nonexistent/flows.csv"), InputError);
}

TEST(Csv, ReadsUnswNb15FileWithExpectedShape) {
  const std::string path = std::string(VIGIL_SHARED_DATA) + "/unsw-nb15/UNSW_NB15_testing-set.csv";
  if (!std::ifstream(path)) GTEST_SKIP() << "no " << path;
  Table t = read_csv(path);
  EXPECT_EQ(t.rows(), 82332u);
  EXPECT_EQ(t.cols(), 45u);
  EXPECT_EQ(t.columns.front().name, "id");  // the byte-order mark is not part of the name
  EXPECT_EQ(t.column("proto").type, ColumnType::kCategorical);
  EXPECT_EQ(t.column("sbytes").type, ColumnType::kNumeric);
  EXPECT_FLOAT_EQ(t.column("sbytes").numbers[0], 496.0f);  // first data row
  EXPECT_EQ(t.line_numbers.back(), 82333u);
}

}  // namespace
}  // namespace vigil::data
