#include "vigil/data/csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>

#include "vigil/core/error.hpp"
#include "vigil/data/limits.hpp"

namespace vigil::data {
namespace {

std::string_view trim(std::string_view s) { return trim_cell(s); }

std::string read_file(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw InputError(path + ": cannot open: " + std::strerror(errno));
  std::string text;
  char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) text.append(buf, n);
  if (std::ferror(f.get())) throw InputError(path + ": read error: " + std::strerror(errno));
  return text;
}

// Splits the text into records of cells. One pass; cells are views into the text
// except quoted ones with "" escapes, which are unescaped into `raw.unescaped`.
class Tokenizer {
 public:
  explicit Tokenizer(RawCsv& raw) : raw_(raw), text_(*raw.text) {}

  // Reads the next non-blank record into `cells`; false at end of input.
  bool next(std::vector<std::string_view>& cells, std::size_t& line) {
    cells.clear();
    // Skip blank lines (empty or only a CR): they carry no record.
    while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
    if (pos_ >= text_.size()) return false;
    line = line_;
    while (true) {
      cells.push_back(read_cell());
      if (pos_ >= text_.size()) return true;
      const char c = text_[pos_];
      if (c == ',') {
        ++pos_;
        continue;
      }
      // End of record: CRLF or LF.
      if (c == '\r') ++pos_;
      if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      return true;
    }
  }

 private:
  std::string_view read_cell() {
    const std::size_t start = pos_;
    std::size_t lead = pos_;
    while (lead < text_.size() && text_[lead] == ' ') ++lead;
    if (lead < text_.size() && text_[lead] == '"') return read_quoted(lead);
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ',' || c == '\n' || (c == '\r' && is_line_end(pos_))) break;
      ++pos_;
    }
    return bounded(std::string_view(text_).substr(start, pos_ - start), line_);
  }

  // A field longer than kMaxFieldBytes is refused where it starts.
  std::string_view bounded(std::string_view field, std::size_t line) const {
    if (field.size() > kMaxFieldBytes) {
      throw InputError(raw_.source + ":" + std::to_string(line) + ": a field of " +
                       std::to_string(field.size()) + " bytes; fields are at most " +
                       std::to_string(kMaxFieldBytes) + " bytes");
    }
    return field;
  }

  bool is_line_end(std::size_t i) const { return i + 1 >= text_.size() || text_[i + 1] == '\n'; }

  std::string_view read_quoted(std::size_t quote) {
    const std::size_t open_line = line_;
    pos_ = quote + 1;
    const std::size_t start = pos_;
    bool escaped = false;
    while (true) {
      const char* p =
          static_cast<const char*>(std::memchr(text_.data() + pos_, '"', text_.size() - pos_));
      if (p == nullptr) {
        throw InputError(raw_.source + ":" + std::to_string(open_line) +
                         ": quoted field is never closed");
      }
      const std::size_t q = static_cast<std::size_t>(p - text_.data());
      for (std::size_t i = pos_; i < q; ++i) line_ += text_[i] == '\n';
      if (q + 1 < text_.size() && text_[q + 1] == '"') {
        escaped = true;
        pos_ = q + 2;
        continue;
      }
      pos_ = q + 1;
      std::string_view inner = std::string_view(text_).substr(start, q - start);
      // Spaces after the closing quote are tolerated; anything else is malformed.
      while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
        throw InputError(raw_.source + ":" + std::to_string(line_) +
                         ": unexpected text after a closing quote");
      }
      bounded(inner, open_line);
      if (!escaped) return inner;
      std::string value;
      value.reserve(inner.size());
      for (std::size_t i = 0; i < inner.size(); ++i) {
        value.push_back(inner[i]);
        if (inner[i] == '"') ++i;  // "" stands for one quote
      }
      raw_.unescaped->push_back(std::move(value));
      return raw_.unescaped->back();
    }
  }

  RawCsv& raw_;
  const std::string& text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

// Numbers are parsed as doubles and then narrowed, so "0.1" is the float nearest 0.1.
NumberParse parse_number(std::string_view cell, float& out) {
  double v = 0;
  const NumberParse p = parse_number_cell(cell, v);
  if (p == NumberParse::kMissing) {
    out = std::nanf("");
    return p;
  }
  if (p != NumberParse::kOk) return p;
  out = static_cast<float>(v);
  return std::isfinite(out) ? NumberParse::kOk : NumberParse::kInfinite;  // beyond a float's range
}

std::string bad_number_message(const RawCsv& raw, std::size_t row, const std::string& column,
                               std::string_view cell, NumberParse why) {
  return raw.source + ":" + std::to_string(raw.line_numbers[row]) + ": column '" + column +
         "': " + bad_number_text(cell, why);
}

// The first line holding a NUL byte, if any: CSV is text, and a NUL in a name
// or value is damage (or a binary file), never data.
std::optional<std::size_t> line_of_first_nul(const std::string& text) {
  const auto at = text.find('\0');
  if (at == std::string::npos) return std::nullopt;
  return 1 + static_cast<std::size_t>(
                 std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

}  // namespace

std::string_view trim_cell(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

NumberParse parse_number_cell(std::string_view cell, double& out) {
  cell = trim_cell(cell);
  if (is_missing_token(cell)) {
    out = std::nan("");
    return NumberParse::kMissing;
  }
  if (!cell.empty() && cell.front() == '+') cell.remove_prefix(1);
  double v = 0;
  const auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  if (ptr != cell.data() + cell.size() || cell.empty()) return NumberParse::kInvalid;
  // from_chars reads inf and infinity in any case. It flags 1e999 and 1e-999
  // alike as out of range: strtod tells the overflow (infinite) from the
  // underflow (a number that rounds towards zero).
  if (ec == std::errc::result_out_of_range) {
    v = std::strtod(std::string(cell).c_str(), nullptr);
  } else if (ec != std::errc()) {
    return NumberParse::kInvalid;
  }
  if (std::isinf(v)) return NumberParse::kInfinite;
  if (std::isnan(v)) {  // nan(...) with a payload
    out = v;
    return NumberParse::kMissing;
  }
  out = v;
  return NumberParse::kOk;
}

std::string bad_number_text(std::string_view cell, NumberParse why) {
  cell = trim_cell(cell);
  if (why == NumberParse::kInfinite) {
    return "'" + std::string(cell) +
           "' is infinite or out of range: numbers must be finite (leave the cell empty, or write "
           "NaN, to mark a missing value)";
  }
  return "'" + std::string(cell) + "' is not a number";
}

std::optional<std::size_t> column_index(const RawCsv& raw, std::string_view name) {
  for (std::size_t i = 0; i < raw.header.size(); ++i) {
    if (raw.header[i] == name) return i;
  }
  return std::nullopt;
}

bool is_missing_token(std::string_view cell) {
  cell = trim(cell);
  if (cell.empty() || cell == "?") return true;
  if (!cell.empty() && (cell.front() == '+' || cell.front() == '-')) cell.remove_prefix(1);
  return cell.size() == 3 && (cell[0] | 0x20) == 'n' && (cell[1] | 0x20) == 'a' &&
         (cell[2] | 0x20) == 'n';
}

RawCsv parse_raw_csv(std::string text, const std::string& source) {
  RawCsv raw;
  raw.source = source;
  // Skip a UTF-8 byte-order mark.
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  if (const auto line = line_of_first_nul(text)) {
    throw InputError(source + ":" + std::to_string(*line) +
                     ": a NUL byte; a CSV file holds text only (is it a binary file?)");
  }
  raw.text = std::make_shared<const std::string>(std::move(text));
  raw.unescaped = std::make_shared<std::deque<std::string>>();

  Tokenizer tokenizer(raw);
  std::vector<std::string_view> cells;
  std::size_t line = 0;
  if (!tokenizer.next(cells, line)) throw InputError(source + ": file is empty");

  if (cells.size() > kMaxColumns) {
    throw InputError(source + ":" + std::to_string(line) + ": the header has " +
                     std::to_string(cells.size()) + " columns; at most " +
                     std::to_string(kMaxColumns) + " are read");
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    std::string name(trim(cells[i]));
    if (name.empty()) name = "unnamed_" + std::to_string(i + 1);
    if (!seen.insert(name).second) {
      throw InputError(source + ":" + std::to_string(line) + ": column '" + name +
                       "' appears twice in the header");
    }
    raw.header.push_back(std::move(name));
  }
  const std::size_t width = raw.header.size();
  // Lines bound the rows from above, and so do bytes (a row of `width` cells
  // needs width - 1 commas and a line end): reserve once instead of growing
  // (and copying) a vector of millions of cells, but never for blank lines.
  const auto lines = static_cast<std::size_t>(std::count(raw.text->begin(), raw.text->end(), '\n'));
  const std::size_t rows_bound = std::min(lines + 1, raw.text->size() / width + 1);
  raw.cells.reserve(rows_bound * width);
  raw.line_numbers.reserve(rows_bound);

  while (tokenizer.next(cells, line)) {
    if (cells.size() != width) {
      // A line of only spaces is blank too.
      if (cells.size() == 1 && trim(cells[0]).empty() && width > 1) continue;
      throw InputError(source + ":" + std::to_string(line) + ": expected " + std::to_string(width) +
                       " fields (as in the header), found " + std::to_string(cells.size()));
    }
    raw.cells.insert(raw.cells.end(), cells.begin(), cells.end());
    raw.line_numbers.push_back(line);
  }
  if (raw.rows() == 0) throw InputError(source + ": has a header but no data rows");
  return raw;
}

RawCsv read_raw_csv(const std::string& path) { return parse_raw_csv(read_file(path), path); }

Table type_columns(const RawCsv& raw, const TypingOptions& options) {
  const std::set<std::string_view> header(raw.header.begin(), raw.header.end());
  for (const auto& [name, type] : options.forced) {
    (void)type;
    if (!header.contains(name)) throw InputError(raw.source + ": no column named '" + name + "'");
  }
  Table table;
  table.source = raw.source;
  table.line_numbers = raw.line_numbers;
  const std::size_t rows = raw.rows();
  for (std::size_t c = 0; c < raw.header.size(); ++c) {
    Column col;
    col.name = raw.header[c];
    const auto forced = options.forced.find(col.name);
    const bool force_numeric =
        forced != options.forced.end() && forced->second == ColumnType::kNumeric;
    const bool force_categorical =
        forced != options.forced.end() && forced->second == ColumnType::kCategorical;

    if (!force_categorical) {
      col.numbers.resize(rows);
      std::size_t invalid = 0;
      std::size_t present = 0;
      std::size_t first_invalid = 0;
      std::optional<std::size_t> first_infinite;
      for (std::size_t r = 0; r < rows; ++r) {
        const NumberParse p = parse_number(raw.cell(r, c), col.numbers[r]);
        if (p == NumberParse::kMissing) continue;
        ++present;
        if (p == NumberParse::kInfinite && !first_infinite) first_infinite = r;
        if (p == NumberParse::kInvalid || (p == NumberParse::kInfinite && force_numeric)) {
          if (force_numeric)
            throw InputError(bad_number_message(raw, r, col.name, raw.cell(r, c), p));
          if (invalid++ == 0) first_invalid = r;
        }
      }
      // Numbers and infinities only: a numeric column with a value no model can use.
      if (invalid == 0 && first_infinite) {
        throw InputError(bad_number_message(raw, *first_infinite, col.name,
                                            raw.cell(*first_infinite, c), NumberParse::kInfinite));
      }
      if (invalid == 0) {
        col.type = ColumnType::kNumeric;
        table.columns.push_back(std::move(col));
        continue;
      }
      // Mostly numbers with a few strays: a damaged numeric column, not a category.
      if (present >= 10 && invalid * 10 <= present) {
        throw InputError(bad_number_message(raw, first_invalid, col.name,
                                            raw.cell(first_invalid, c), NumberParse::kInvalid) +
                         " (the column is otherwise numeric; declare it categorical to keep it)");
      }
      col.numbers.clear();
    }
    col.type = ColumnType::kCategorical;
    col.strings.reserve(rows);
    for (std::size_t r = 0; r < rows; ++r) {
      const std::string_view cell = raw.cell(r, c);
      col.strings.emplace_back(is_missing_token(cell) ? std::string_view() : trim(cell));
    }
    table.columns.push_back(std::move(col));
  }
  return table;
}

Table read_csv(const std::string& path, const TypingOptions& options) {
  return type_columns(read_raw_csv(path), options);
}

}  // namespace vigil::data
