// Reads a detection run's EVE lines into the counts its page draws.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "vigil/core/error.hpp"
#include "vigil/report/html_report.hpp"

namespace vigil::report {
namespace {

constexpr std::size_t kTopCount = 10;
constexpr std::size_t kTopReasons = 15;
constexpr std::size_t kMostBins = 60;

// EVE's "2026-12-04T20:25:34.123456+0000" (also Z, +hh:mm, or no fraction) as
// epoch seconds; NaN when the text is not such a time.
double eve_seconds(const std::string& text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, consumed = 0;
  double second = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%n", &year, &month, &day, &hour, &minute,
                  &second, &consumed) != 6) {
    return NAN;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  const double whole = static_cast<double>(timegm(&tm));
  double offset = 0;
  const char* zone = text.c_str() + consumed;
  int zh = 0, zm = 0;
  if ((zone[0] == '+' || zone[0] == '-') && (std::sscanf(zone + 1, "%2d:%2d", &zh, &zm) == 2 ||
                                             std::sscanf(zone + 1, "%2d%2d", &zh, &zm) == 2)) {
    offset = (zone[0] == '+' ? 1 : -1) * (zh * 3600.0 + zm * 60.0);
  }
  return whole + second - offset;
}

const nlohmann::json* member(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::uint64_t count_at(const nlohmann::json& j, const char* a, const char* b) {
  const nlohmann::json* outer = member(j, a);
  const nlohmann::json* v = outer ? member(*outer, b) : nullptr;
  return v && v->is_number_unsigned() ? v->get<std::uint64_t>() : 0;  // counters are whole
}

double number_at(const nlohmann::json& j, const char* a, const char* b) {
  const nlohmann::json* outer = member(j, a);
  const nlohmann::json* v = outer ? member(*outer, b) : nullptr;
  return v && v->is_number() ? v->get<double>() : 0.0;
}

std::vector<std::pair<std::string, std::uint64_t>> top(
    const std::map<std::string, std::uint64_t>& counts, std::size_t n) {
  std::vector<std::pair<std::string, std::uint64_t>> all(counts.begin(), counts.end());
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (all.size() > n) all.resize(n);
  return all;
}

// A round bin width giving at most kMostBins bins over `span` seconds.
double bin_width(double span) {
  for (double w : {1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0,
                   3600.0, 7200.0, 10800.0, 21600.0, 43200.0, 86400.0}) {
    if (span / w < static_cast<double>(kMostBins)) return w;
  }
  return std::ceil(span / static_cast<double>(kMostBins) / 86400.0) * 86400.0;
}

// Vigil's verdict in an alert: alert.metadata.vigil (where Suricata's schema
// takes extensions), or the top-level "vigil" object of Vigil before 0.1.1.
const nlohmann::json* verdict_of(const nlohmann::json& event) {
  if (const auto* alert = member(event, "alert")) {
    if (const auto* metadata = member(*alert, "metadata")) {
      if (const auto* v = member(*metadata, "vigil")) return v;
    }
  }
  return member(event, "vigil");
}

// A counter under Suricata's name, else under the name Vigil used before.
std::uint64_t count_either(const nlohmann::json& stats, const char* a, const char* b,
                           const char* old_a, const char* old_b) {
  const nlohmann::json* outer = member(stats, a);
  return outer && member(*outer, b) ? count_at(stats, a, b) : count_at(stats, old_a, old_b);
}

}  // namespace

std::uint32_t EveSummarizer::type_index(const std::string& name) {
  const auto [it, added] = type_of_.emplace(name, static_cast<std::uint32_t>(s_.classes.size()));
  if (added) {
    s_.classes.push_back(name);
    s_.alerts_by_class.push_back(0);
    s_.anomaly_alerts_by_class.push_back(0);
    s_.confidence.emplace_back(DetectionSummary::kConfidenceBins, 0);
  }
  return it->second;
}

void EveSummarizer::add(std::string_view text, const std::string& source) {
  begin_source(source);
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    add_line(text.substr(pos, end - pos), source, ++line_no);
    pos = end + 1;
  }
}

void EveSummarizer::add_line(std::string_view line, const std::string& source,
                             std::size_t line_no) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
  const std::string where = source + ":" + std::to_string(line_no);
  nlohmann::json event;
  try {
    event = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(where + ": not a JSON event (" + std::string(e.what()) +
                     "); expected EVE JSON lines such as vigil detect writes");
  }
  if (!event.is_object()) throw InputError(where + ": expected a JSON object per line");
  ++s_.events;
  const auto* type = member(event, "event_type");
  const std::string kind = type && type->is_string() ? type->get<std::string>() : "";
  if (kind == "flow") {
    ++s_.flow_events;
  } else if (kind == "stats") {
    ++s_.stats_events;
    const auto* st = member(event, "stats");
    if (!st) throw InputError(where + ": a stats event without its 'stats' object");
    DetectionSummary::Stats row;
    if (const auto* t = member(event, "timestamp"); t && t->is_string()) row.timestamp = *t;
    if (const auto* u = member(*st, "uptime"); u && u->is_number()) row.uptime = *u;
    row.packets = count_either(*st, "decoder", "pkts", "capture", "packets");
    row.kernel_drops = count_at(*st, "capture", "kernel_drops");
    row.flows_in = count_either(*st, "flow", "total", "flow", "in");
    row.alerts = count_either(*st, "detect", "alert", "detect", "alerts");
    // Vigil's own counters: stats.vigil, or where Vigil kept them before.
    const nlohmann::json* own = member(*st, "vigil");
    if (own) {
      if (const auto* secs = member(*own, "seconds"); secs && secs->is_number()) {
        row.uptime = *secs;
      }
      if (const auto* f = member(*own, "flows_per_second"); f && f->is_number()) {
        row.flows_per_second = *f;
      }
    } else {
      row.flows_per_second = number_at(*st, "flow", "per_second");
    }
    const auto whole = [&](const char* key, const char* old_a, const char* old_b) -> std::uint64_t {
      if (!own) return count_at(*st, old_a, old_b);
      const auto* n = member(*own, key);
      return n && n->is_number_unsigned() ? n->get<std::uint64_t>() : 0;
    };
    row.classified = whole("flows_classified", "flow", "classified");
    row.dropped = whole("flows_dropped", "flow", "dropped");
    row.evicted = whole("flows_evicted", "flow", "evicted");
    row.reasons_skipped = whole("reasons_skipped", "detect", "reasons_skipped");
    if (const auto* timings = own ? own : member(*st, "detect")) {
      row.model_us_p50 = number_at(*timings, "model_us", "p50");
      row.model_us_p99 = number_at(*timings, "model_us", "p99");
      row.latency_us_p50 = number_at(*timings, "latency_us", "p50");
      row.latency_us_p99 = number_at(*timings, "latency_us", "p99");
    }
    s_.stats.push_back(row);
  } else if (kind == "alert") {
    const auto* ts = member(event, "timestamp");
    const double time = ts && ts->is_string() ? eve_seconds(*ts) : NAN;
    if (!std::isfinite(time)) {
      throw InputError(where + ": an alert without a timestamp such as 2026-12-04T20:25:34+0000");
    }
    const auto* verdict = verdict_of(event);
    std::string name;
    if (const auto* c = verdict ? member(*verdict, "class") : nullptr; c && c->is_string()) {
      name = *c;
    } else if (const auto* a = member(event, "alert")) {
      if (const auto* sig = member(*a, "signature"); sig && sig->is_string()) name = *sig;
    }
    if (name.empty()) throw InputError(where + ": an alert that names no class or signature");
    const std::uint32_t t = type_index(name);
    ++s_.alerts;
    ++s_.alerts_by_class[t];
    alerts_.push_back({time, t});
    if (verdict) {
      if (const auto* conf = member(*verdict, "confidence"); conf && conf->is_number()) {
        const double c = std::clamp(conf->get<double>(), 0.0, 1.0);
        const int bin = std::min(DetectionSummary::kConfidenceBins - 1,
                                 static_cast<int>(c * DetectionSummary::kConfidenceBins));
        ++s_.confidence[t][static_cast<std::size_t>(bin)];
      }
      if (member(*verdict, "anomaly")) ++s_.anomaly_alerts_by_class[t];
      if (const auto* reasons = member(*verdict, "reasons"); reasons && reasons->is_array()) {
        for (const auto& r : *reasons) {
          if (const auto* f = member(r, "feature"); f && f->is_string()) ++reasons_[*f];
        }
      }
      if (const auto* m = member(*verdict, "model")) {
        const auto* n = member(*m, "name");
        const auto* v = member(*m, "version");
        if (n && n->is_string()) {
          const std::string id =
              n->get<std::string>() + (v && v->is_string() ? " " + v->get<std::string>() : "");
          if (std::find(s_.models.begin(), s_.models.end(), id) == s_.models.end())
            s_.models.push_back(id);
        }
      }
    }
    if (const auto* ip = member(event, "src_ip"); ip && ip->is_string()) ++sources_[*ip];
    if (const auto* ip = member(event, "dest_ip"); ip && ip->is_string()) ++targets_[*ip];
    if (const auto* port = member(event, "dest_port"); port && port->is_number()) {
      const auto* proto = member(event, "proto");
      ++ports_[std::to_string(port->get<long long>()) + "/" +
               (proto && proto->is_string() ? proto->get<std::string>() : "?")];
    }
  } else {
    ++s_.other_events;
  }
}

DetectionSummary EveSummarizer::summary() const {
  DetectionSummary s = s_;
  s.top_sources = top(sources_, kTopCount);
  s.top_targets = top(targets_, kTopCount);
  s.top_ports = top(ports_, kTopCount);
  s.reasons = top(reasons_, kTopReasons);
  if (alerts_.empty()) return s;
  s.first_alert = alerts_.front().time;
  s.last_alert = alerts_.front().time;
  for (const Alert& a : alerts_) {
    s.first_alert = std::min(s.first_alert, a.time);
    s.last_alert = std::max(s.last_alert, a.time);
  }
  s.first_alert = std::floor(s.first_alert);
  s.bin_seconds = bin_width(s.last_alert - s.first_alert);
  const auto bins =
      static_cast<std::size_t>(std::floor((s.last_alert - s.first_alert) / s.bin_seconds)) + 1;
  s.alerts_over_time.assign(bins, std::vector<std::uint64_t>(s.classes.size(), 0));
  for (const Alert& a : alerts_) {
    const auto bin = std::min(
        bins - 1, static_cast<std::size_t>(std::floor((a.time - s.first_alert) / s.bin_seconds)));
    ++s.alerts_over_time[bin][a.type];
  }
  return s;
}

nlohmann::json to_json(const DetectionSummary& s) {
  nlohmann::json stats = nlohmann::json::array();
  for (const auto& r : s.stats) {
    stats.push_back({{"timestamp", r.timestamp},
                     {"uptime", r.uptime},
                     {"packets", r.packets},
                     {"kernel_drops", r.kernel_drops},
                     {"flows_in", r.flows_in},
                     {"classified", r.classified},
                     {"dropped", r.dropped},
                     {"evicted", r.evicted},
                     {"flows_per_second", r.flows_per_second},
                     {"alerts", r.alerts},
                     {"reasons_skipped", r.reasons_skipped},
                     {"model_us_p50", r.model_us_p50},
                     {"model_us_p99", r.model_us_p99},
                     {"latency_us_p50", r.latency_us_p50},
                     {"latency_us_p99", r.latency_us_p99}});
  }
  const auto pairs = [](const std::vector<std::pair<std::string, std::uint64_t>>& v) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [k, n] : v) out.push_back({k, n});
    return out;
  };
  return {{"kind", "detection"},
          {"sources", s.sources},
          {"events", s.events},
          {"alerts", s.alerts},
          {"flow_events", s.flow_events},
          {"stats_events", s.stats_events},
          {"other_events", s.other_events},
          {"first_alert", s.first_alert},
          {"last_alert", s.last_alert},
          {"classes", s.classes},
          {"alerts_by_class", s.alerts_by_class},
          {"anomaly_alerts_by_class", s.anomaly_alerts_by_class},
          {"bin_seconds", s.bin_seconds},
          {"alerts_over_time", s.alerts_over_time},
          {"confidence_bins", DetectionSummary::kConfidenceBins},
          {"confidence", s.confidence},
          {"top_sources", pairs(s.top_sources)},
          {"top_targets", pairs(s.top_targets)},
          {"top_ports", pairs(s.top_ports)},
          {"reasons", pairs(s.reasons)},
          {"models", s.models},
          {"stats", stats}};
}

}  // namespace vigil::report
