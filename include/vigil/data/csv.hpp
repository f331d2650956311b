// CSV reading: RFC 4180 quoting, CRLF or LF, a UTF-8 byte-order mark, blank
// lines. Errors name file, line and column. The rule for numbers, the same in
// every reader of flows and labels (docs/input.md):
//   missing:  an empty cell, `?`, or NaN in any letter case and sign (nan, NAN, -nan)
//   refused:  infinities (inf, Infinity, -INF in any case) and numbers beyond
//             the range of the value read (1e999; 1e39 for a 32-bit feature)
// A NUL byte anywhere is refused, and so are the bounds of vigil/data/limits.hpp.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/data/table.hpp"

namespace vigil::data {

// The cells of a CSV file as text, before any column has a type.
struct RawCsv {
  std::string source;
  std::vector<std::string> header;
  std::vector<std::string_view> cells;    // row-major, rows() * header.size()
  std::vector<std::size_t> line_numbers;  // physical line where each row starts
  // Own the bytes `cells` point into; held on the heap so that moving a RawCsv
  // never moves them (a moved short std::string would move its inline buffer).
  std::shared_ptr<const std::string> text;
  std::shared_ptr<std::deque<std::string>> unescaped;  // quoted cells that held ""

  std::size_t rows() const { return line_numbers.size(); }
  std::string_view cell(std::size_t row, std::size_t col) const {
    return cells[row * header.size() + col];
  }
};

// Reads and splits a CSV file into cells. Throws InputError for an unreadable or
// empty file, a header without data rows, a ragged row or an unclosed quote.
RawCsv read_raw_csv(const std::string& path);
// The same, from text in memory; `source` names it in messages.
RawCsv parse_raw_csv(std::string text, const std::string& source);

// The position of a header name, if the file has that column.
std::optional<std::size_t> column_index(const RawCsv& raw, std::string_view name);

// Whether a cell holds a missing value: empty, ?, or NaN in any case and sign,
// ignoring spaces.
bool is_missing_token(std::string_view cell);

// A cell without its leading and trailing spaces and tabs.
std::string_view trim_cell(std::string_view cell);

enum class NumberParse { kOk, kMissing, kInvalid, kInfinite };
// A cell as a finite number, as every reader of flow CSVs parses it (a
// leading '+' allowed; a missing token gives NaN and kMissing; an infinity
// or an overflow gives kInfinite).
NumberParse parse_number_cell(std::string_view cell, double& out);
// What is wrong with a cell that did not parse (kInvalid or kInfinite), in the
// words every reader uses: "'x' is not a number", "'inf' is infinite ...".
std::string bad_number_text(std::string_view cell, NumberParse why);

struct TypingOptions {
  // Columns whose type is fixed; all others are inferred from their values.
  std::map<std::string, ColumnType> forced;
};

// Gives every column a type and converts it. A column is numeric when every
// non-missing value is a number; a column that is nearly all numbers but holds a
// few that are not is reported as an error (naming the first bad cell) rather
// than silently turned categorical. A forced numeric column must parse fully.
Table type_columns(const RawCsv& raw, const TypingOptions& options);

// read_raw_csv + type_columns.
Table read_csv(const std::string& path, const TypingOptions& options = {});

}  // namespace vigil::data
