// Joining label records to flow rows: by connection 5-tuple (Zeek records),
// by host pair and optional service port (lab records), in either direction,
// where the flow's time span meets the record's.
#include <algorithm>
#include <unordered_map>

#include "vigil/core/error.hpp"
#include "vigil/core/random.hpp"
#include "vigil/core/text_format.hpp"
#include "vigil/data/csv.hpp"
#include "vigil/data/flow_labels.hpp"

namespace vigil::data {
namespace {

struct FlowKey {
  std::string_view src, dst, proto;
  int sport = -1, dport = -1;
  double start = 0, end = 0;
};

std::string pair_key(std::string_view a, std::string_view b) {
  return a < b ? std::string(a) + '|' + std::string(b) : std::string(b) + '|' + std::string(a);
}

std::string tuple_key(std::string_view proto, std::string_view a, int ap, std::string_view b,
                      int bp) {
  std::string x = std::string(a) + ':' + std::to_string(ap),
              y = std::string(b) + ':' + std::to_string(bp);
  return std::string(proto) + '|' + (x < y ? x + '|' + y : y + '|' + x);
}

class RecordIndex {
 public:
  explicit RecordIndex(const std::vector<LabelSet>& sets) {
    for (const auto& set : sets) {
      for (const auto& r : set.records) {
        const auto id = records_.size();
        records_.push_back(&r);
        if (r.a_port >= 0 && r.b_port >= 0) {
          by_tuple_[tuple_key(r.proto, r.a, r.a_port, r.b, r.b_port)].push_back(id);
        } else if (!r.b.empty()) {
          by_pair_[pair_key(r.a, r.b)].push_back(id);
        } else {
          by_host_[r.a].push_back(id);
        }
      }
    }
  }

  std::size_t size() const { return records_.size(); }
  const LabelRecord& record(std::size_t id) const { return *records_[id]; }

  // The best record for a flow, or npos.
  std::size_t match(const FlowKey& f, double slack, const std::string& benign) const {
    std::size_t best = npos;
    double best_overlap = -1;
    auto consider = [&](const std::vector<std::size_t>* ids) {
      if (ids == nullptr) return;
      for (std::size_t id : *ids) {
        const LabelRecord& r = *records_[id];
        if (!r.proto.empty() && r.proto != f.proto) continue;
        if (r.a_port < 0 && r.b_port >= 0 && f.sport != r.b_port && f.dport != r.b_port) continue;
        const double lo = std::max(f.start, r.start - slack), hi = std::min(f.end, r.end + slack);
        if (hi < lo) continue;
        const double overlap = hi - lo;
        // A flow that holds any attack's packets is an attack flow (Zeek can
        // split one of Vigil's flows in two: a benign-looking S0, then the attack).
        const bool attack = r.label != benign;
        const bool best_attack = best != npos && records_[best]->label != benign;
        const bool better = best == npos || (attack && !best_attack) ||
                            (attack == best_attack && overlap > best_overlap);
        if (better) best = id, best_overlap = overlap;
      }
    };
    consider(find(by_tuple_, tuple_key(f.proto, f.src, f.sport, f.dst, f.dport)));
    consider(find(by_pair_, pair_key(f.src, f.dst)));
    consider(find(by_host_, std::string(f.src)));
    consider(find(by_host_, std::string(f.dst)));
    return best;
  }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

 private:
  using Index = std::unordered_map<std::string, std::vector<std::size_t>>;
  static const std::vector<std::size_t>* find(const Index& index, const std::string& key) {
    const auto it = index.find(key);
    return it == index.end() ? nullptr : &it->second;
  }
  std::vector<const LabelRecord*> records_;
  Index by_tuple_, by_pair_, by_host_;
};

std::size_t column(const RawCsv& raw, const char* name) {
  if (const auto i = column_index(raw, name)) return *i;
  throw InputError(raw.source + ": no column '" + name +
                   "' (flows from `vigil extract` are expected)");
}

double number_at(const RawCsv& raw, std::size_t row, std::size_t col) {
  double v = 0;
  const NumberParse p = parse_number_cell(raw.cell(row, col), v);
  if (p != NumberParse::kOk) {
    throw InputError(
        raw.source + ":" + std::to_string(raw.line_numbers[row]) + ": column '" + raw.header[col] +
        "': " +
        (p == NumberParse::kMissing
             ? "expected a number, found '" + std::string(trim_cell(raw.cell(row, col))) + "'"
             : bad_number_text(raw.cell(row, col), p)));
  }
  return v;
}

}  // namespace

const NameTable<Unmatched>& unmatched_policies() {
  static const NameTable<Unmatched> table(
      "policy for unmatched flows",
      {{Unmatched::kDrop, "drop"}, {Unmatched::kBenign, "benign"}, {Unmatched::kFail, "fail"}});
  return table;
}

std::string LabelJoinSummary::line() const {
  std::string s =
      "label: " + std::to_string(flows) + " flows, " + std::to_string(matched) + " matched, " +
      std::to_string(unmatched) + " unmatched; " + std::to_string(records_matched) + " of " +
      std::to_string(records) + " label records matched a flow; " +
      (sampled_out ? std::to_string(sampled_out) + " left out by --max-per-record; " : "") +
      "written:";
  for (const auto& [name, n] : flows_by_class) s += " " + name + " " + std::to_string(n);
  return s;
}

std::string LabelJoinSummary::json() const {
  std::string s =
      "{\"flows\":" + std::to_string(flows) + ",\"matched\":" + std::to_string(matched) +
      ",\"unmatched\":" + std::to_string(unmatched) + ",\"written\":" + std::to_string(written) +
      ",\"sampled_out\":" + std::to_string(sampled_out) +
      ",\"records\":" + std::to_string(records) +
      ",\"records_matched\":" + std::to_string(records_matched);
  auto map = [&s](const char* key, const std::map<std::string, std::size_t>& m) {
    s += ",\"";
    s += key;
    s += "\":{";
    bool first = true;
    for (const auto& [name, n] : m) {
      if (!first) s += ',';
      first = false;
      append_json_text(s, name);
      s += ':' + std::to_string(n);
    }
    s += '}';
  };
  map("flows_by_class", flows_by_class);
  map("records_by_class", records_by_class);
  map("unmatched_records_by_class", unmatched_records_by_class);
  return s + "}\n";
}

LabelJoinSummary label_flows(const std::string& flows_path, const std::vector<LabelSet>& labels,
                             const LabelJoinOptions& options,
                             const std::function<void(std::string_view)>& out) {
  const RawCsv raw = read_raw_csv(flows_path);
  const std::size_t srcip = column(raw, "srcip"), dstip = column(raw, "dstip"),
                    sport = column(raw, "sport"), dsport = column(raw, "dsport"),
                    proto = column(raw, "proto"), stime = column(raw, "stime"),
                    ltime = column(raw, "ltime");
  std::vector<std::size_t> kept;  // columns written as read: all but earlier labels
  for (std::size_t c = 0; c < raw.header.size(); ++c) {
    if (raw.header[c] != "attack_cat" && raw.header[c] != "label") kept.push_back(c);
  }
  const RecordIndex index(labels);
  std::vector<bool> used(index.size(), false);
  LabelJoinSummary summary;
  summary.records = index.size();
  for (std::size_t i = 0; i < index.size(); ++i) ++summary.records_by_class[index.record(i).label];

  // First every flow's record, so that a record's flows can be sampled.
  std::vector<std::size_t> match(raw.rows(), RecordIndex::npos);
  std::vector<std::vector<std::size_t>> flows_of(index.size());
  for (std::size_t r = 0; r < raw.rows(); ++r) {
    FlowKey f;
    f.src = trim_cell(raw.cell(r, srcip));
    f.dst = trim_cell(raw.cell(r, dstip));
    f.proto = trim_cell(raw.cell(r, proto));
    f.sport = static_cast<int>(number_at(raw, r, sport));
    f.dport = static_cast<int>(number_at(raw, r, dsport));
    f.start = number_at(raw, r, stime);
    f.end = std::max(f.start, number_at(raw, r, ltime));
    ++summary.flows;
    match[r] = index.match(f, options.slack, options.benign);
    if (match[r] != RecordIndex::npos) {
      ++summary.matched;
      used[match[r]] = true;
      flows_of[match[r]].push_back(r);
      continue;
    }
    ++summary.unmatched;
    if (options.unmatched == Unmatched::kFail) {
      throw InputError(flows_path + ":" + std::to_string(raw.line_numbers[r]) + ": flow " +
                       std::string(f.src) + ":" + std::to_string(f.sport) + " - " +
                       std::string(f.dst) + ":" + std::to_string(f.dport) +
                       " matches no label record");
    }
  }
  std::vector<bool> keep(raw.rows(), true);
  if (options.max_per_record > 0) {
    Rng rng(options.seed);
    for (auto& rows : flows_of) {
      if (rows.size() <= options.max_per_record) continue;
      rng.shuffle(std::span<std::size_t>(rows));
      for (std::size_t i = options.max_per_record; i < rows.size(); ++i) keep[rows[i]] = false;
      summary.sampled_out += rows.size() - options.max_per_record;
    }
  }

  std::string text;
  for (std::size_t c : kept) {
    append_csv_text(text, raw.header[c]);
    text += ',';
  }
  text += "attack_cat,label\n";
  for (std::size_t r = 0; r < raw.rows(); ++r) {
    if (!keep[r]) continue;
    if (match[r] == RecordIndex::npos && options.unmatched == Unmatched::kDrop) continue;
    const std::string& cls =
        match[r] != RecordIndex::npos ? index.record(match[r]).label : options.benign;
    for (std::size_t c : kept) {
      append_csv_text(text, raw.cell(r, c));
      text += ',';
    }
    append_csv_text(text, cls);
    text += cls == options.benign ? ",0\n" : ",1\n";
    ++summary.written;
    ++summary.flows_by_class[cls];
    if (text.size() > (1u << 20)) {
      out(text);
      text.clear();
    }
  }
  out(text);
  for (std::size_t i = 0; i < index.size(); ++i) {
    if (used[i]) {
      ++summary.records_matched;
    } else {
      ++summary.unmatched_records_by_class[index.record(i).label];
    }
  }
  return summary;
}

}  // namespace vigil::data
