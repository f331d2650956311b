// Readers of label files: the traffic lab's labels.csv and Zeek's
// conn.log.labeled (IoT-23), both into LabelRecords.
#include <fstream>
#include <sstream>

#include "vigil/core/error.hpp"
#include "vigil/data/csv.hpp"
#include "vigil/data/flow_labels.hpp"

namespace vigil::data {
namespace {

std::string where(const std::string& path, std::size_t line) {
  return path + ":" + std::to_string(line);
}

double number(std::string_view cell, const std::string& at, const char* field) {
  double v = 0;
  const NumberParse p = parse_number_cell(cell, v);
  if (p != NumberParse::kOk) {
    throw InputError(at + ": field '" + field + "': " +
                     (p == NumberParse::kMissing
                          ? "expected a number, found '" + std::string(trim_cell(cell)) + "'"
                          : bad_number_text(cell, p)));
  }
  return v;
}

int port(std::string_view cell, const std::string& at, const char* field) {
  const std::string_view c = trim_cell(cell);
  if (c == "*" || c == "-" || c.empty()) return -1;
  const double v = number(c, at, field);
  if (v < 0 || v > 65535 || v != static_cast<int>(v)) {
    throw InputError(at + ": field '" + field + "': expected a port 0-65535 or *, found '" +
                     std::string(c) + "'");
  }
  return static_cast<int>(v);
}

std::string any_or(std::string_view cell) {
  const std::string_view c = trim_cell(cell);
  return c == "*" ? std::string() : std::string(c);
}

LabelSet read_lab_labels(const std::string& path) {
  const RawCsv raw = read_raw_csv(path);
  auto column = [&](const char* name) {
    if (const auto i = column_index(raw, name)) return *i;
    throw InputError(path + ": lab labels need a column '" + name + "'");
  };
  const std::size_t start = column("start"), end = column("end"), src = column("src"),
                    dst = column("dst"), proto = column("proto"), dport = column("dport"),
                    cls = column("class");
  LabelSet set{path, "lab", {}};
  for (std::size_t r = 0; r < raw.rows(); ++r) {
    const std::string at = where(path, raw.line_numbers[r]);
    LabelRecord rec;
    rec.line = raw.line_numbers[r];
    rec.start = number(raw.cell(r, start), at, "start");
    rec.end = number(raw.cell(r, end), at, "end");
    if (rec.end < rec.start) throw InputError(at + ": field 'end' is before 'start'");
    rec.a = std::string(trim_cell(raw.cell(r, src)));
    rec.b = any_or(raw.cell(r, dst));
    if (rec.a.empty() || rec.a == "*") throw InputError(at + ": field 'src': expected an address");
    rec.proto = any_or(raw.cell(r, proto));
    rec.b_port = port(raw.cell(r, dport), at, "dport");
    rec.label = std::string(trim_cell(raw.cell(r, cls)));
    if (rec.label.empty()) throw InputError(at + ": field 'class' is empty");
    set.records.push_back(std::move(rec));
  }
  return set;
}

// Zeek writes tab-separated fields; IoT-23's labelled logs join the last three
// (tunnel_parents, label, detailed-label) with three spaces instead.
std::vector<std::string_view> zeek_fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t from = 0;
  while (from <= line.size()) {
    std::size_t tab = line.find('\t', from);
    if (tab == std::string_view::npos) tab = line.size();
    std::string_view field = line.substr(from, tab - from);
    std::size_t gap;
    while ((gap = field.find("   ")) != std::string_view::npos) {
      out.push_back(field.substr(0, gap));
      field.remove_prefix(gap + 3);
    }
    out.push_back(field);
    from = tab + 1;
  }
  return out;
}

LabelSet read_zeek_labels(const std::string& path, const std::string& text,
                          const std::string& benign) {
  LabelSet set{path, "zeek", {}};
  std::vector<std::string> names;
  auto index = [&](const char* name, std::size_t line) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return i;
    }
    throw InputError(where(path, line) + ": the #fields line has no '" + name +
                     "' (a Zeek conn.log with label and detailed-label fields is expected)");
  };
  std::size_t ts = 0, oh = 0, op = 0, rh = 0, rp = 0, proto = 0, duration = 0, label = 0,
              detailed = 0;
  std::size_t line_no = 0, from = 0;
  while (from < text.size()) {
    std::size_t nl = text.find('\n', from);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + from, nl - from);
    from = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.front() == '#') {
      if (line.rfind("#fields\t", 0) == 0) {
        names.clear();
        for (auto f : zeek_fields(line.substr(8))) names.emplace_back(f);
        ts = index("ts", line_no), oh = index("id.orig_h", line_no),
        op = index("id.orig_p", line_no);
        rh = index("id.resp_h", line_no), rp = index("id.resp_p", line_no),
        proto = index("proto", line_no);
        duration = index("duration", line_no), label = index("label", line_no);
        detailed = index("detailed-label", line_no);
      }
      continue;
    }
    const std::string at = where(path, line_no);
    if (names.empty()) throw InputError(at + ": a data line before the #fields line");
    const auto f = zeek_fields(line);
    if (f.size() != names.size()) {
      throw InputError(at + ": expected " + std::to_string(names.size()) + " fields, found " +
                       std::to_string(f.size()));
    }
    LabelRecord rec;
    rec.line = line_no;
    rec.start = number(f[ts], at, "ts");
    const double d = trim_cell(f[duration]) == "-" ? 0.0 : number(f[duration], at, "duration");
    rec.end = rec.start + d;
    rec.a = std::string(f[oh]);
    rec.b = std::string(f[rh]);
    rec.proto = std::string(f[proto]);
    if (rec.proto != "icmp") {  // Zeek's ICMP "ports" are the type and code
      rec.a_port = port(f[op], at, "id.orig_p");
      rec.b_port = port(f[rp], at, "id.resp_p");
    }
    const std::string_view verdict = trim_cell(f[label]);
    const std::string_view detail = trim_cell(f[detailed]);
    if (verdict == "Benign" || verdict == "benign") {
      rec.label = benign;
    } else if (verdict == "Malicious" || verdict == "malicious") {
      rec.label = detail.empty() || detail == "-" ? "Malicious" : std::string(detail);
    } else {
      throw InputError(at + ": field 'label': expected Benign or Malicious, found '" +
                       std::string(verdict) + "'");
    }
    set.records.push_back(std::move(rec));
  }
  if (names.empty()) throw InputError(path + ": no #fields line: not a Zeek conn.log");
  return set;
}

}  // namespace

LabelSet read_label_file(const std::string& path, const std::string& benign) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot open the label file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  if (text.rfind("#separator", 0) == 0) return read_zeek_labels(path, text, benign);
  if (text.rfind("start,end,", 0) == 0) return read_lab_labels(path);
  throw InputError(
      path +
      ":1: not a label file: expected the lab's header (start,end,src,dst,proto,dport,class,...) "
      "or a Zeek conn.log starting with #separator");
}

}  // namespace vigil::data
