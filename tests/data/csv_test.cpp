#include "vigil/data/csv.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "vigil/core/error.hpp"
#include "vigil/data/limits.hpp"

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

// One rule for every reader: NaN in any case and sign is missing; infinities
// and overflows are refused by name, however few of them there are.
TEST(Csv, NanInAnyCaseIsMissingAndInfinitiesAreRefused) {
  Table t = type_columns(parse_raw_csv("x\nNAN\nnan\nNaN\n-nan\n nAn \n1e-999\n2\n", "t.csv"), {});
  const Column& x = t.column("x");
  ASSERT_EQ(x.type, ColumnType::kNumeric);
  for (std::size_t r = 0; r < 5; ++r) EXPECT_TRUE(x.is_missing(r)) << r;
  EXPECT_EQ(x.numbers[5], 0.0f);  // an underflow rounds to zero, as strtod does
  EXPECT_EQ(x.numbers[6], 2.0f);
  for (const char* inf : {"inf", "INF", "-Infinity", "+inf", "1e999", "1e39"}) {
    const auto msg = error_of(std::string("x\n1\n") + inf + "\n3\n");
    EXPECT_NE(msg.find("t.csv:3: column 'x': '"), std::string::npos) << inf << ": " << msg;
    EXPECT_NE(msg.find("is infinite or out of range"), std::string::npos) << inf << ": " << msg;
  }
  // A text column that happens to hold the word stays text.
  EXPECT_EQ(type_columns(parse_raw_csv("x\ninf\nabc\n", "t.csv"), {}).column("x").type,
            ColumnType::kCategorical);
  double v = 0;
  EXPECT_EQ(parse_number_cell("NAN", v), NumberParse::kMissing);
  EXPECT_EQ(parse_number_cell("-INF", v), NumberParse::kInfinite);
  EXPECT_EQ(parse_number_cell("nano", v), NumberParse::kInvalid);
}

TEST(Csv, NulByteIsRefusedWithItsLine) {
  EXPECT_EQ(error_of(std::string("a\0z,b\n1,2\n", 10)),
            "t.csv:1: a NUL byte; a CSV file holds text only (is it a binary file?)");
  EXPECT_NE(error_of(std::string("a,b\n1,2\n3,\0\n", 12)).find("t.csv:3: a NUL byte"),
            std::string::npos);
}

TEST(Csv, BoundsOnColumnsAndFieldLengthAreErrorsNotExhaustion) {
  std::string wide;
  for (std::size_t i = 0; i <= kMaxColumns; ++i) wide += (i ? ",c" : "c") + std::to_string(i);
  const auto msg = error_of(wide + "\n");
  EXPECT_NE(msg.find("t.csv:1: the header has 100001 columns; at most 100000"), std::string::npos)
      << msg;
  const std::string field(kMaxFieldBytes + 1, 'x');
  EXPECT_NE(error_of("a,b\n1,2\n3," + field + "\n").find("t.csv:3: a field of 65537 bytes"),
            std::string::npos);
  EXPECT_NE(error_of("a,b\n1,\"" + field + "\"\n").find("t.csv:2: a field of 65537 bytes"),
            std::string::npos);
  // A wide header above many blank lines reserves for the rows the bytes allow,
  // not for lines * columns (which once asked for terabytes).
  std::string blank_rows = "a";
  for (int i = 1; i < 50000; ++i) blank_rows += ",c" + std::to_string(i);
  blank_rows += "\n" + std::string(500000, '\n') + std::string(49999, ',') + "\n";
  EXPECT_EQ(parse_raw_csv(blank_rows, "t.csv").rows(), 1u);
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
