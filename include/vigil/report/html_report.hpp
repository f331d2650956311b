// Self-contained HTML reports: the page of an experiment (`vigil experiment
// --json` output, one or several protocols side by side) and the page of a
// detection run (its EVE alerts and stats). Charts are inline SVG drawn by
// Vigil; the page loads nothing and runs no script. Its size grows with the
// number of classes, models and curve points, never with rows or flows.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::report {

// True when `j` looks like the JSON `vigil experiment --json` writes.
bool is_experiment(const nlohmann::json& j);

// The page of one experiment, or of several side by side (e.g. the same data
// under holdout and paper, so the leak shows). `sources` names each result in
// errors. The embedded data block holds the results as given (an array).
// Throws InputError naming the source and the field when a result lacks one.
std::string experiment_page(const std::vector<nlohmann::json>& results,
                            const std::vector<std::string>& sources);

// What a detection run's EVE output says, aggregated: the page's data.
struct DetectionSummary {
  std::vector<std::string> sources;
  std::uint64_t events = 0, alerts = 0, flow_events = 0, stats_events = 0, other_events = 0;
  double first_alert = 0, last_alert = 0;  // epoch seconds (flow times)
  std::vector<std::string> classes;        // alert types, in order of first sight
  std::vector<std::uint64_t> alerts_by_class;
  std::vector<std::uint64_t> anomaly_alerts_by_class;  // raised by an anomaly detector
  // Alert counts per time bin (rows) and type (columns), bins of `bin_seconds` from first_alert.
  double bin_seconds = 0;
  std::vector<std::vector<std::uint64_t>> alerts_over_time;
  static constexpr int kConfidenceBins = 10;           // [0, 0.1), ..., [0.9, 1]
  std::vector<std::vector<std::uint64_t>> confidence;  // [type][bin]
  std::vector<std::pair<std::string, std::uint64_t>> top_sources, top_targets, top_ports, reasons;
  std::vector<std::string> models;  // "name version" of each model seen
  // Every stats event, in order: its time and the counters Vigil writes.
  struct Stats {
    std::string timestamp;
    double uptime = 0;
    std::uint64_t packets = 0, kernel_drops = 0, flows_in = 0, classified = 0, dropped = 0,
                  evicted = 0, alerts = 0, reasons_skipped = 0;
    double flows_per_second = 0, model_us_p50 = 0, model_us_p99 = 0, latency_us_p50 = 0,
           latency_us_p99 = 0;
  };
  std::vector<Stats> stats;
};

// Reads EVE JSON lines (alert, flow and stats events; other event types are
// counted and skipped) from several files into one summary.
class EveSummarizer {
 public:
  // Throws InputError naming `source` and the line when a line is not a JSON
  // object or an alert lacks what the page needs.
  void add(std::string_view text, const std::string& source);
  // The same a line at a time (`line_no` from 1), for files read as a stream;
  // call begin_source once before a source's lines.
  void begin_source(const std::string& source) { s_.sources.push_back(source); }
  void add_line(std::string_view line, const std::string& source, std::size_t line_no);
  DetectionSummary summary() const;

 private:
  struct Alert {
    double time;
    std::uint32_t type;
  };
  std::uint32_t type_index(const std::string& name);
  DetectionSummary s_;
  std::map<std::string, std::uint32_t> type_of_;
  std::vector<Alert> alerts_;
  std::map<std::string, std::uint64_t> sources_, targets_, ports_, reasons_;
};

nlohmann::json to_json(const DetectionSummary& s);
std::string detection_page(const DetectionSummary& s);

}  // namespace vigil::report
