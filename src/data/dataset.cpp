#include "vigil/data/dataset.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "vigil/core/error.hpp"
#include "vigil/data/csv.hpp"
#include "vigil/data/limits.hpp"

namespace vigil::data {
namespace {

constexpr const char* kUnswTarget = "attack_cat";
constexpr const char* kUnswBinary = "label";
const std::set<std::string> kUnswCategorical = {"proto", "service", "state"};
const std::set<std::string> kUnswNonFeatures = {"id", "attack_cat", "label"};
// The partition files' 42 features; other columns (identifiers, a user's own)
// are typed by their values.
const std::set<std::string> kUnswFeatures = {"dur",
                                             "proto",
                                             "service",
                                             "state",
                                             "spkts",
                                             "dpkts",
                                             "sbytes",
                                             "dbytes",
                                             "rate",
                                             "sttl",
                                             "dttl",
                                             "sload",
                                             "dload",
                                             "sloss",
                                             "dloss",
                                             "sinpkt",
                                             "dinpkt",
                                             "sjit",
                                             "djit",
                                             "swin",
                                             "stcpb",
                                             "dtcpb",
                                             "dwin",
                                             "tcprtt",
                                             "synack",
                                             "ackdat",
                                             "smean",
                                             "dmean",
                                             "trans_depth",
                                             "response_body_len",
                                             "ct_srv_src",
                                             "ct_state_ttl",
                                             "ct_dst_ltm",
                                             "ct_src_dport_ltm",
                                             "ct_dst_sport_ltm",
                                             "ct_dst_src_ltm",
                                             "is_ftp_login",
                                             "ct_ftp_cmd",
                                             "ct_flw_http_mthd",
                                             "ct_src_ltm",
                                             "ct_srv_dst",
                                             "is_sm_ips_ports"};

std::string normalise_name(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c == ' ' || c == '_' || c == '-' || c == '.') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Class name of one label cell. UNSW-NB15 leaves attack_cat blank for normal
// traffic in some copies; the binary label maps 0/1 to Normal/Attack.
std::string label_value(const Table& table, const Column& col, std::size_t row, bool unsw_target,
                        bool binary) {
  // The label column is always read as text (load_dataset forces it categorical).
  const std::string& v = col.strings[row];
  if (binary) {
    if (v == "0") return "Normal";
    if (v == "1") return "Attack";
    throw InputError(table.where(row) + ": column '" + col.name + "': expected 0 or 1, found '" +
                     v + "'");
  }
  if (unsw_target && v.empty()) return "Normal";
  if (v.empty()) {
    throw InputError(table.where(row) + ": label column '" + col.name + "' is empty");
  }
  return v;
}

}  // namespace

const NameTable<FeatureSet>& feature_sets() {
  static const NameTable<FeatureSet> table("feature set",
                                           {{FeatureSet::kAuto, "auto"},
                                            {FeatureSet::kAll, "all"},
                                            {FeatureSet::kDeployment, "deployment"}});
  return table;
}

FeatureSet parse_feature_set(const std::string& name) { return feature_sets().parse(name); }

const std::vector<std::string>& deployment_excluded_features() {
  // docs/features.md says why each is here and what measured it.
  static const std::vector<std::string> kExcluded = {
      "sttl",   "dttl",   "ct_state_ttl",  // TTLs: the senders' operating systems and hop counts
      "swin",   "dwin",   "stcpb",
      "dtcpb",                       // raw window values and initial sequence numbers
      "tcprtt", "synack", "ackdat",  // round trips: the path, not the behaviour
  };
  return kExcluded;
}

std::vector<std::size_t> Dataset::class_counts() const {
  std::vector<std::size_t> counts(class_names.size(), 0);
  for (auto y : labels) ++counts[static_cast<std::size_t>(y)];
  return counts;
}

bool is_unsw_nb15_header(const std::vector<std::string>& header) {
  for (const char* name : {"attack_cat", "label", "proto", "service", "state", "sbytes", "dbytes",
                           "sttl", "ct_srv_src"}) {
    if (!contains(header, name)) return false;
  }
  return true;
}

bool is_identifier_column(const std::string& name) {
  static const std::set<std::string> kIdentifiers = {
      "id",      "uid",     "flowid",  "srcip",     "dstip",     "sourceip",   "destinationip",
      "sport",   "dsport",  "dport",   "srcport",   "dstport",   "sourceport", "destinationport",
      "stime",   "ltime",   "ts",      "timestamp", "starttime", "endtime",    "idorigh",
      "idorigp", "idresph", "idrespp", "saddr",     "daddr"};
  return kIdentifiers.count(normalise_name(name)) > 0;
}

Dataset load_dataset(const std::string& path, const DatasetOptions& options) {
  RawCsv raw = read_raw_csv(path);
  Dataset data;
  const bool unsw = is_unsw_nb15_header(raw.header);
  data.schema = unsw ? "unsw-nb15" : "generic";

  if (!options.label.empty()) {
    data.label_column = options.label;
  } else if (unsw) {
    data.label_column = options.binary ? kUnswBinary : kUnswTarget;
  }
  if (options.binary && !unsw && options.label.empty()) {
    throw ParamError("--binary needs the UNSW-NB15 schema or a --label column holding 0/1");
  }
  const bool has_label = !data.label_column.empty() && contains(raw.header, data.label_column);
  if (options.require_label) {
    if (data.label_column.empty()) {
      throw ParamError(path +
                       ": not a UNSW-NB15 partition file; name the label column with --label");
    }
    if (!has_label) {
      throw InputError(path + ": no label column '" + data.label_column + "' in the header");
    }
  }

  TypingOptions typing;
  if (unsw) {
    // The partition files' features have fixed types. Flows from `vigil extract`
    // carry the same features plus identifiers (typed by their values, if kept)
    // and nDPI's application protocol name.
    for (const auto& h : raw.header) {
      if (kUnswFeatures.count(h) > 0) {
        typing.forced[h] =
            kUnswCategorical.count(h) ? ColumnType::kCategorical : ColumnType::kNumeric;
      } else if (h == "app_proto") {
        typing.forced[h] = ColumnType::kCategorical;
      }
    }
  }
  const std::set<std::string_view> header_names(raw.header.begin(), raw.header.end());
  for (const auto& [name, type] : options.expected_features) {
    if (!header_names.contains(name)) {
      throw InputError(path + ": the model needs column '" + name + "', which the file lacks");
    }
    typing.forced[name] = type;
  }
  for (const auto& c : options.categorical) typing.forced[c] = ColumnType::kCategorical;
  for (const auto& c : options.numeric) typing.forced[c] = ColumnType::kNumeric;
  if (has_label) typing.forced[data.label_column] = ColumnType::kCategorical;
  if (!options.group_by.empty()) {
    if (!contains(raw.header, options.group_by)) {
      throw InputError(path + ": no group column '" + options.group_by +
                       "' (--group-by) in the header");
    }
    typing.forced[options.group_by] = ColumnType::kCategorical;
  }

  Table table = type_columns(raw, typing);

  // Labels: class names sorted, as scikit-learn's LabelEncoder orders them.
  if (has_label) {
    const Column& col = table.column(data.label_column);
    const bool unsw_target = unsw && data.label_column == kUnswTarget;
    const bool binary = options.binary && data.label_column == kUnswBinary;
    std::vector<std::string> values(table.rows());
    std::set<std::string> names;
    for (std::size_t r = 0; r < table.rows(); ++r) {
      values[r] = label_value(table, col, r, unsw_target, binary || (options.binary && !unsw));
      names.insert(values[r]);
    }
    if (names.size() > kMaxClasses) {
      throw InputError(path + ": label column '" + data.label_column + "' has " +
                       std::to_string(names.size()) + " distinct values; at most " +
                       std::to_string(kMaxClasses) +
                       " classes are learnt (is it the right column?)");
    }
    data.class_names.assign(names.begin(), names.end());
    std::map<std::string, std::int32_t> index;
    for (std::size_t i = 0; i < data.class_names.size(); ++i) {
      index[data.class_names[i]] = static_cast<std::int32_t>(i);
    }
    data.labels.reserve(values.size());
    for (const auto& v : values) data.labels.push_back(index[v]);
  }

  // Keep only features: drop the label, UNSW-NB15's other target and id, identifiers
  // and what the user named.
  std::vector<std::string> to_drop = options.drop;
  if (!options.group_by.empty()) {
    const Column& col = table.column(options.group_by);
    data.groups = col.strings;
    for (std::size_t r = 0; r < data.groups.size(); ++r) {
      if (data.groups[r].empty()) {
        throw InputError(table.where(r) + ": group column '" + options.group_by + "' is empty");
      }
    }
    to_drop.push_back(options.group_by);
  }
  const bool extracted = contains(raw.header, "srcip") && contains(raw.header, "stime");
  const bool deployment = options.expected_features.empty() &&
                          (options.feature_set == FeatureSet::kDeployment ||
                           (options.feature_set == FeatureSet::kAuto && extracted));
  if (deployment) {
    data.feature_set = "deployment";
    for (const auto& name : deployment_excluded_features()) {
      if (contains(raw.header, name)) to_drop.push_back(name);
    }
  }
  if (!data.label_column.empty()) to_drop.push_back(data.label_column);
  if (unsw) to_drop.insert(to_drop.end(), kUnswNonFeatures.begin(), kUnswNonFeatures.end());
  for (const auto& d : options.drop) {
    if (!contains(raw.header, d)) throw InputError(path + ": --drop names no column '" + d + "'");
  }
  std::set<std::string> expected_names;
  for (const auto& e : options.expected_features) expected_names.insert(e.first);
  const std::set<std::string> drop_names(to_drop.begin(), to_drop.end());
  table.drop_where([&](const std::string& name) {
    const bool identifier =
        !options.keep_identifiers && is_identifier_column(name) && !expected_names.contains(name);
    if (!identifier && !drop_names.contains(name)) return false;
    data.dropped.push_back(name);
    return true;
  });
  // A model's inputs come in the model's order; columns it does not use are left out.
  if (!options.expected_features.empty()) {
    Table ordered;
    ordered.source = table.source;
    ordered.line_numbers = table.line_numbers;
    const auto positions = table.positions();
    for (const auto& [name, type] : options.expected_features) {
      const auto at = positions.find(name);
      if (at == positions.end()) table.column(name);  // throws, naming the column
      ordered.columns.push_back(std::move(table.columns[at->second]));
    }
    table = std::move(ordered);
  }
  if (table.cols() == 0) throw InputError(path + ": no feature columns left");
  data.features = std::move(table);
  return data;
}

void require_classes_to_learn(const Dataset& data) {
  if (data.class_names.size() >= 2) return;
  const std::string found =
      data.class_names.empty() ? "no class" : "only one class ('" + data.class_names[0] + "')";
  throw InputError(data.features.source + ": label column '" + data.label_column + "' has " +
                   found + "; training needs at least two (is it the right column?)");
}

std::uint64_t label_fingerprint(const Dataset& data) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
    h = (h ^ 0xff) * 1099511628211ULL;
  };
  mix(std::to_string(data.rows()));
  for (auto y : data.labels) mix(data.class_names[static_cast<std::size_t>(y)]);
  return h;
}

std::vector<std::int32_t> map_labels(const Dataset& data, std::vector<std::string>& names) {
  std::vector<std::int32_t> remap(data.class_names.size());
  for (std::size_t i = 0; i < data.class_names.size(); ++i) {
    auto it = std::find(names.begin(), names.end(), data.class_names[i]);
    if (it == names.end()) {
      names.push_back(data.class_names[i]);
      it = names.end() - 1;
    }
    remap[i] = static_cast<std::int32_t>(it - names.begin());
  }
  std::vector<std::int32_t> out;
  out.reserve(data.labels.size());
  for (auto y : data.labels) out.push_back(remap[static_cast<std::size_t>(y)]);
  return out;
}

}  // namespace vigil::data
