#include "vigil/data/csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>

#include "vigil/core/error.hpp"

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
    return std::string_view(text_).substr(start, pos_ - start);
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
  if (p == NumberParse::kInvalid) return p;
  out = static_cast<float>(v);
  return std::isfinite(out) ? NumberParse::kOk : NumberParse::kInvalid;
}

std::string bad_number_message(const RawCsv& raw, std::size_t row, const std::string& column,
                               std::string_view cell) {
  return raw.source + ":" + std::to_string(raw.line_numbers[row]) + ": column '" + column + "': '" +
         std::string(cell) + "' is not a number";
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
  if (ec != std::errc() || ptr != cell.data() + cell.size() || !std::isfinite(v))
    return NumberParse::kInvalid;
  out = v;
  return NumberParse::kOk;
}

std::optional<std::size_t> column_index(const RawCsv& raw, std::string_view name) {
  for (std::size_t i = 0; i < raw.header.size(); ++i) {
    if (raw.header[i] == name) return i;
  }
  return std::nullopt;
}

bool is_missing_token(std::string_view cell) {
  cell = trim(cell);
  return cell.empty() || cell == "NaN" || cell == "nan" || cell == "?";
}

RawCsv parse_raw_csv(std::string text, const std::string& source) {
  RawCsv raw;
  raw.source = source;
  // Skip a UTF-8 byte-order mark.
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  raw.text = std::make_shared<const std::string>(std::move(text));
  raw.unescaped = std::make_shared<std::deque<std::string>>();

  Tokenizer tokenizer(raw);
  std::vector<std::string_view> cells;
  std::size_t line = 0;
  if (!tokenizer.next(cells, line)) throw InputError(source + ": file is empty");

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
  // Lines bound the rows from above: reserve once instead of growing (and
  // copying) a vector of millions of cells.
  const auto lines = static_cast<std::size_t>(std::count(raw.text->begin(), raw.text->end(), '\n'));
  raw.cells.reserve((lines + 1) * width);
  raw.line_numbers.reserve(lines + 1);

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
  for (const auto& [name, type] : options.forced) {
    (void)type;
    bool present = false;
    for (const auto& h : raw.header) present = present || h == name;
    if (!present) throw InputError(raw.source + ": no column named '" + name + "'");
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
      for (std::size_t r = 0; r < rows; ++r) {
        const NumberParse p = parse_number(raw.cell(r, c), col.numbers[r]);
        if (p == NumberParse::kMissing) continue;
        ++present;
        if (p == NumberParse::kInvalid) {
          if (force_numeric) {
            throw InputError(bad_number_message(raw, r, col.name, trim(raw.cell(r, c))));
          }
          if (invalid++ == 0) first_invalid = r;
        }
      }
      if (invalid == 0) {
        col.type = ColumnType::kNumeric;
        table.columns.push_back(std::move(col));
        continue;
      }
      // Mostly numbers with a few strays: a damaged numeric column, not a category.
      if (present >= 10 && invalid * 10 <= present) {
        throw InputError(
            bad_number_message(raw, first_invalid, col.name, trim(raw.cell(first_invalid, c))) +
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
