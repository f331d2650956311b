#include "vigil/detect/flow_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "vigil/core/error.hpp"
#include "vigil/data/csv.hpp"
#include "vigil/data/limits.hpp"

namespace vigil::detect {
namespace {

using data::trim_cell;

// As the CSV loader reads a feature (a double narrowed to float), so a row
// read here scores exactly as the same row loaded by `vigil predict`;
// identifiers and times keep double precision.
data::NumberParse parse_number(std::string_view cell, double& out, bool as_float) {
  const data::NumberParse p = data::parse_number_cell(cell, out);
  if (p != data::NumberParse::kOk || !as_float) return p;
  out = static_cast<double>(static_cast<float>(out));
  return std::isfinite(out) ? p : data::NumberParse::kInfinite;
}

}  // namespace

FlowCsvReader::FlowCsvReader(std::FILE* in, std::string source)
    : in_(in), source_(std::move(source)) {
  if (!read_record())
    throw InputError(source_ + ": empty input, expected a header line of flow columns");
  if (cells_.size() > data::kMaxColumns) {
    throw InputError(source_ + ":" + std::to_string(line_) + ": the header has " +
                     std::to_string(cells_.size()) + " columns; at most " +
                     std::to_string(data::kMaxColumns) + " are read");
  }
  header_ = cells_;
  if (!header_.empty() && header_[0].rfind("\xEF\xBB\xBF", 0) == 0) header_[0].erase(0, 3);
  for (auto& h : header_) {
    h = std::string(trim_cell(h));
    targets_.push_back(capture::record_column(h));
  }
}

bool FlowCsvReader::has_column(const std::string& name) const {
  return std::find(header_.begin(), header_.end(), name) != header_.end();
}

bool FlowCsvReader::read_line() {
  line_text_.clear();
  int c;
  while ((c = getc_unlocked(in_)) != EOF) {
    if (c == 0) {
      throw InputError(source_ + ":" + std::to_string(next_line_) +
                       ": a NUL byte; flow rows are text only (is it a binary stream?)");
    }
    line_text_.push_back(static_cast<char>(c));
    if (c == '\n') return true;
    if (line_text_.size() > data::kMaxLineBytes) {
      throw InputError(source_ + ":" + std::to_string(next_line_) + ": a line of over " +
                       std::to_string(data::kMaxLineBytes) + " bytes; lines are at most that long");
    }
  }
  if (std::ferror(in_)) throw InputError(source_ + ": read error");
  return !line_text_.empty();
}

bool FlowCsvReader::read_record() {
  // One record may span lines inside quotes (RFC 4180).
  cells_.clear();
  std::string cell;
  bool quoted = false, any = false;
  auto end_cell = [&] {
    if (cell.size() > data::kMaxFieldBytes) {
      throw InputError(source_ + ":" + std::to_string(line_) + ": a field of " +
                       std::to_string(cell.size()) + " bytes; fields are at most " +
                       std::to_string(data::kMaxFieldBytes) + " bytes");
    }
    cells_.push_back(std::move(cell));
    cell.clear();
  };
  for (;;) {
    if (!read_line()) {
      if (quoted)
        throw InputError(source_ + ":" + std::to_string(line_) + ": a quoted cell is never closed");
      if (!any) return false;
      end_cell();
      return true;
    }
    std::string_view text(line_text_);
    if (!any) line_ = next_line_;
    ++next_line_;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    if (!any && trim_cell(text).empty()) continue;  // blank lines between records
    any = true;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (quoted) {
        if (c == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            cell += '"';
            ++i;
          } else {
            quoted = false;
          }
        } else {
          cell += c;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        end_cell();
      } else {
        cell += c;
      }
    }
    if (quoted) {  // the record goes on, line break included
      cell += '\n';
      continue;
    }
    end_cell();
    return true;
  }
}

bool FlowCsvReader::next(capture::FlowRecord& flow) {
  if (!read_record()) return false;
  if (cells_.size() != header_.size()) {
    throw InputError(source_ + ":" + std::to_string(line_) + ": " + std::to_string(cells_.size()) +
                     " cells, but the header has " + std::to_string(header_.size()));
  }
  ++rows_;
  flow = capture::FlowRecord{};
  flow.id = rows_;
  flow.numeric.assign(capture::numeric_columns().size(), std::nan(""));
  for (std::size_t c = 0; c < cells_.size(); ++c) {
    using capture::RecordField;
    const RecordField t = targets_[c].field;
    if (t == RecordField::kNone) continue;
    const std::string_view cell = trim_cell(cells_[c]);
    auto text = [&] { return data::is_missing_token(cell) ? std::string() : std::string(cell); };
    double v = 0;
    if (!capture::is_text_field(t)) {
      const data::NumberParse p = parse_number(cell, v, t == RecordField::kNumeric);
      if (p == data::NumberParse::kInvalid || p == data::NumberParse::kInfinite) {
        throw InputError(source_ + ":" + std::to_string(line_) + ": column '" + header_[c] +
                         "': " + data::bad_number_text(cell, p));
      }
    }
    auto port = [&](const char* what) -> std::uint16_t {
      if (std::isnan(v)) return 0;
      if (v < 0 || v > 65535 || v != std::floor(v)) {
        throw InputError(source_ + ":" + std::to_string(line_) + ": column '" + header_[c] +
                         "': '" + std::string(cell) + "' is not a " + what);
      }
      return static_cast<std::uint16_t>(v);
    };
    switch (t) {
      case RecordField::kNone:
        break;
      case RecordField::kId:
        if (std::isnan(v)) break;  // no id: the row's number stands
        // 2^64 itself is the first double past the largest id.
        if (v < 0 || v >= 18446744073709551616.0 || v != std::floor(v)) {
          throw InputError(source_ + ":" + std::to_string(line_) + ": column '" + header_[c] +
                           "': '" + std::string(cell) +
                           "' is not a flow id (a whole number from 0)");
        }
        flow.id = static_cast<std::uint64_t>(v);
        break;
      case RecordField::kProto:
        flow.proto = text();
        break;
      case RecordField::kService:
        flow.service = text();
        break;
      case RecordField::kState:
        flow.state = text();
        break;
      case RecordField::kAppProto:
        flow.app_proto = text();
        break;
      case RecordField::kSrcip:
        flow.srcip = text();
        break;
      case RecordField::kDstip:
        flow.dstip = text();
        break;
      case RecordField::kSport:
        flow.sport = port("port number");
        break;
      case RecordField::kDsport:
        flow.dsport = port("port number");
        break;
      case RecordField::kStime:
        flow.stime = std::isnan(v) ? 0 : v;
        break;
      case RecordField::kLtime:
        flow.ltime = std::isnan(v) ? 0 : v;
        break;
      case RecordField::kNumeric:
        flow.numeric[targets_[c].numeric] = v;
        break;
    }
  }
  return true;
}

}  // namespace vigil::detect
