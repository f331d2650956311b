#include "vigil/detect/flow_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "vigil/core/error.hpp"
#include "vigil/data/csv.hpp"

namespace vigil::detect {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// As the CSV loader parses numbers (double, then float), so a row read here
// scores exactly as the same row loaded by `vigil predict`.
bool parse_number(std::string_view cell, double& out, bool as_float) {
  cell = trim(cell);
  if (data::is_missing_token(cell)) {
    out = std::nan("");
    return true;
  }
  if (!cell.empty() && cell.front() == '+') cell.remove_prefix(1);
  double v = 0;
  const auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  if (ec != std::errc() || ptr != cell.data() + cell.size() || !std::isfinite(v)) return false;
  out = as_float ? static_cast<double>(static_cast<float>(v)) : v;
  return std::isfinite(out);
}

}  // namespace

FlowCsvReader::FlowCsvReader(std::FILE* in, std::string source) : in_(in), source_(std::move(source)) {
  if (!read_record()) throw InputError(source_ + ": empty input, expected a header line of flow columns");
  header_ = cells_;
  if (!header_.empty() && header_[0].rfind("\xEF\xBB\xBF", 0) == 0) header_[0].erase(0, 3);
  const auto& numeric = capture::numeric_columns();
  for (auto& h : header_) {
    h = std::string(trim(h));
    std::size_t index = 0;
    Target t = h == "id"          ? Target::kId
               : h == "proto"     ? Target::kProto
               : h == "service"   ? Target::kService
               : h == "state"     ? Target::kState
               : h == "app_proto" ? Target::kAppProto
               : h == "srcip"     ? Target::kSrcip
               : h == "dstip"     ? Target::kDstip
               : h == "sport"     ? Target::kSport
               : h == "dsport"    ? Target::kDsport
               : h == "stime"     ? Target::kStime
               : h == "ltime"     ? Target::kLtime
                                  : Target::kSkip;
    if (t == Target::kSkip) {
      const auto at = std::find(numeric.begin(), numeric.end(), h);
      if (at != numeric.end()) {
        t = Target::kNumeric;
        index = static_cast<std::size_t>(at - numeric.begin());
      }
    }
    targets_.push_back(t);
    numeric_index_.push_back(index);
  }
}

bool FlowCsvReader::has_column(const std::string& name) const {
  return std::find(header_.begin(), header_.end(), name) != header_.end();
}

bool FlowCsvReader::read_record() {
  // One record may span lines inside quotes (RFC 4180).
  cells_.clear();
  std::string cell;
  bool quoted = false, any = false;
  for (;;) {
    const ssize_t n = getline(&line_buffer_.data, &line_buffer_.capacity, in_);
    if (n < 0) {
      if (quoted) throw InputError(source_ + ":" + std::to_string(line_) + ": a quoted cell is never closed");
      if (!any) return false;
      cells_.push_back(std::move(cell));
      return true;
    }
    std::string_view text(line_buffer_.data, static_cast<std::size_t>(n));
    if (!any) line_ = next_line_;
    ++next_line_;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    if (!any && trim(text).empty()) continue;  // blank lines between records
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
        cells_.push_back(std::move(cell));
        cell.clear();
      } else {
        cell += c;
      }
    }
    if (quoted) {  // the record goes on, line break included
      cell += '\n';
      continue;
    }
    cells_.push_back(std::move(cell));
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
    const Target t = targets_[c];
    if (t == Target::kSkip) continue;
    const std::string_view cell = trim(cells_[c]);
    auto text = [&] { return data::is_missing_token(cell) ? std::string() : std::string(cell); };
    double v = 0;
    const bool number_wanted = t == Target::kId || t == Target::kSport || t == Target::kDsport ||
                               t == Target::kStime || t == Target::kLtime || t == Target::kNumeric;
    if (number_wanted && !parse_number(cell, v, t == Target::kNumeric)) {
      throw InputError(source_ + ":" + std::to_string(line_) + ": column '" + header_[c] + "': '" +
                       std::string(cell) + "' is not a number");
    }
    auto port = [&](const char* what) -> std::uint16_t {
      if (std::isnan(v)) return 0;
      if (v < 0 || v > 65535 || v != std::floor(v)) {
        throw InputError(source_ + ":" + std::to_string(line_) + ": column '" + header_[c] + "': '" +
                         std::string(cell) + "' is not a " + what);
      }
      return static_cast<std::uint16_t>(v);
    };
    switch (t) {
      case Target::kSkip: break;
      case Target::kId:
        if (!std::isnan(v) && v >= 0) flow.id = static_cast<std::uint64_t>(v);
        break;
      case Target::kProto: flow.proto = text(); break;
      case Target::kService: flow.service = text(); break;
      case Target::kState: flow.state = text(); break;
      case Target::kAppProto: flow.app_proto = text(); break;
      case Target::kSrcip: flow.srcip = text(); break;
      case Target::kDstip: flow.dstip = text(); break;
      case Target::kSport: flow.sport = port("port number"); break;
      case Target::kDsport: flow.dsport = port("port number"); break;
      case Target::kStime: flow.stime = std::isnan(v) ? 0 : v; break;
      case Target::kLtime: flow.ltime = std::isnan(v) ? 0 : v; break;
      case Target::kNumeric: flow.numeric[numeric_index_[c]] = v; break;
    }
  }
  return true;
}

}  // namespace vigil::detect
