// The page of a detection run: what was alerted, when, from where, how sure,
// why, and whether the detector kept up (drops and latency from its stats).
#include <algorithm>
#include <cmath>
#include <ctime>

#include "report/charts.hpp"
#include "report/page.hpp"
#include "report/svg.hpp"
#include "vigil/report/html_report.hpp"

namespace vigil::report {
namespace {

std::string utc_time(double epoch_seconds) {
  const auto whole = static_cast<std::time_t>(std::floor(epoch_seconds));
  std::tm tm{};
  gmtime_r(&whole, &tm);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text;
}

std::string count_text(std::uint64_t n) { return std::to_string(n); }

// A span of time in the unit that reads best ("90 s", "15 min", "6 h", "34 d").
std::string span_text(double seconds) {
  if (seconds < 120) return number(seconds, 0) + " s";
  if (seconds < 7200) return number(seconds / 60, 1) + " min";
  if (seconds < 172800) return number(seconds / 3600, 1) + " h";
  return number(seconds / 86400, 1) + " d";
}

HorizontalBars top_bars(const std::string& title,
                        const std::vector<std::pair<std::string, std::uint64_t>>& items,
                        const char* color) {
  HorizontalBars bars;
  bars.title = title;
  bars.color = color;
  for (const auto& [name, n] : items) {
    bars.labels.push_back(name);
    bars.values.push_back(static_cast<double>(n));
    bars.value_text.push_back(count_text(n));
  }
  return bars;
}

void overview(HtmlPage& page, const DetectionSummary& s) {
  page.heading("Run", "run");
  std::string sources;
  for (const auto& src : s.sources) sources += (sources.empty() ? "" : ", ") + src;
  std::string models;
  for (const auto& m : s.models) models += (models.empty() ? "" : ", ") + m;
  std::vector<std::pair<std::string, std::string>> facts = {
      {"read from", sources},
      {"events", count_text(s.events)},
      {"alerts", count_text(s.alerts)},
      {"flow events", count_text(s.flow_events)},
      {"stats events", count_text(s.stats_events)},
      {"other events (skipped)", count_text(s.other_events)},
      {"model", models.empty() ? "not named in the alerts" : models}};
  if (s.alerts > 0) {
    facts.emplace_back("first alert", utc_time(s.first_alert));
    facts.emplace_back("last alert", utc_time(s.last_alert));
  }
  page.facts(facts);
  if (s.alerts == 0) page.paragraph("No alert in these events.");
}

void types_section(HtmlPage& page, const DetectionSummary& s) {
  page.heading("Attack types and confidence", "types");
  std::vector<std::size_t> order(s.classes.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return s.alerts_by_class[a] > s.alerts_by_class[b];
  });
  std::vector<std::pair<std::string, std::uint64_t>> by_type;
  std::vector<std::vector<std::string>> table = {
      {"type", "alerts", "share", "of them by the anomaly detector"}};
  for (std::size_t i : order) {
    by_type.emplace_back(s.classes[i], s.alerts_by_class[i]);
    table.push_back({s.classes[i], count_text(s.alerts_by_class[i]),
                     percent(static_cast<double>(s.alerts_by_class[i]) /
                             static_cast<double>(std::max<std::uint64_t>(s.alerts, 1))),
                     count_text(s.anomaly_alerts_by_class[i])});
  }
  page.table(table);
  Heatmap confidence;
  confidence.title = "Confidence of each type's alerts (share of the type's alerts per bin)";
  confidence.row_axis = "type";
  confidence.column_axis = "confidence";
  for (int b = 0; b < DetectionSummary::kConfidenceBins; ++b) {
    const double lo = static_cast<double>(b) / DetectionSummary::kConfidenceBins;
    confidence.columns.push_back(number(lo, 1) + "\u2013" +
                                 number(lo + 1.0 / DetectionSummary::kConfidenceBins, 1));
  }
  for (std::size_t i : order) {
    confidence.rows.push_back(s.classes[i]);
    std::uint64_t total = 0;
    for (auto n : s.confidence[i]) total += n;
    std::vector<double> shade;
    std::vector<std::string> text, tip;
    for (std::size_t b = 0; b < s.confidence[i].size(); ++b) {
      const std::uint64_t n = s.confidence[i][b];
      const double share = total > 0 ? static_cast<double>(n) / static_cast<double>(total) : 0;
      shade.push_back(share);
      text.push_back(n > 0 ? count_text(n) : "");
      tip.push_back(s.classes[i] + ", confidence " + confidence.columns[b] + ": " + count_text(n) +
                    " alerts (" + percent(share) + ")");
    }
    confidence.shade.push_back(shade);
    confidence.text.push_back(text);
    confidence.tooltip.push_back(tip);
  }
  std::vector<std::string> figs = {horizontal_bars(top_bars("Alerts by type", by_type, "#e15759"))};
  if (!s.classes.empty()) figs.push_back(heatmap(confidence));
  page.figures(figs);
}

void time_section(HtmlPage& page, const DetectionSummary& s) {
  page.heading("Alerts over time", "time");
  if (s.alerts_over_time.empty()) return;
  page.paragraph("Alerts per " + span_text(s.bin_seconds) + " by type, from " +
                 utc_time(s.first_alert) + " (flow times).");
  BarChart chart;
  chart.title = "Alerts per " + span_text(s.bin_seconds);
  chart.stacked = true;
  chart.series = s.classes;
  chart.values.assign(s.classes.size(), {});
  double most = 0;
  for (std::size_t b = 0; b < s.alerts_over_time.size(); ++b) {
    const double offset = s.bin_seconds * static_cast<double>(b);
    chart.groups.push_back("+" + span_text(offset));
    double total = 0;
    for (std::size_t t = 0; t < s.classes.size(); ++t) {
      const double n = static_cast<double>(s.alerts_over_time[b][t]);
      chart.values[t].push_back(n);
      total += n;
    }
    most = std::max(most, total);
  }
  chart.y = {"alerts", 0, std::max(1.0, most)};
  page.figures({bar_chart(chart)});
}

void hosts_section(HtmlPage& page, const DetectionSummary& s) {
  page.heading("Top talkers and targets", "hosts");
  page.figures({horizontal_bars(top_bars("Sources of alerts (src_ip)", s.top_sources, "#4e79a7")),
                horizontal_bars(top_bars("Targets (dest_ip)", s.top_targets, "#f28e2b")),
                horizontal_bars(top_bars("Target ports", s.top_ports, "#76b7b2"))});
}

void reasons_section(HtmlPage& page, const DetectionSummary& s) {
  page.heading("Most frequent reasons", "reasons");
  if (s.reasons.empty()) {
    page.paragraph("The alerts name no reasons (vigil detect --reasons 0, or another writer).");
    return;
  }
  page.paragraph(
      "How often each feature is among an alert's reasons (the features that moved "
      "the verdict most).");
  page.figures({horizontal_bars(top_bars("Features named as reasons", s.reasons, "#59a14f"))});
}

void stats_section(HtmlPage& page, const DetectionSummary& s) {
  page.heading("Drops and latency", "stats");
  if (s.stats.empty()) {
    page.paragraph("No stats event among the inputs: give the file vigil detect --stats wrote.");
    return;
  }
  const auto& last = s.stats.back();
  page.table({{"counter", "value"},
              {"packets", count_text(last.packets)},
              {"packets dropped by the kernel", count_text(last.kernel_drops)},
              {"flows in", count_text(last.flows_in)},
              {"flows classified", count_text(last.classified)},
              {"flows dropped (queue full)", count_text(last.dropped)},
              {"flows evicted (table full)", count_text(last.evicted)},
              {"alerts", count_text(last.alerts)},
              {"alerts without reasons (under load)", count_text(last.reasons_skipped)},
              {"flows/s", number(last.flows_per_second, 0)},
              {"model us per flow p50 / p99",
               number(last.model_us_p50, 1) + " / " + number(last.model_us_p99, 1)},
              {"latency us p50 / p99",
               number(last.latency_us_p50, 0) + " / " + number(last.latency_us_p99, 0)}});
  if (s.stats.size() < 2) return;
  XyChart drops{"Drops over the run", {"uptime (s)", 0, 1}, {"count", 0, 1}, {}, false, false};
  XyChart latency{"Latency over the run", {"uptime (s)", 0, 1}, {"us", 0, 1}, {}, false, false};
  Series dropped{"flows dropped", {}, {}, {}, false, 2},
      kernel{"kernel drops", {}, {}, {}, true, 2}, evicted{"flows evicted", {}, {}, {}, false, 1.5};
  Series p50{"latency p50", {}, {}, {}, false, 2}, p99{"latency p99", {}, {}, {}, true, 2};
  double most_drops = 1, most_latency = 1;
  for (const auto& r : s.stats) {
    for (Series* series : {&dropped, &kernel, &evicted, &p50, &p99}) series->x.push_back(r.uptime);
    dropped.y.push_back(static_cast<double>(r.dropped));
    kernel.y.push_back(static_cast<double>(r.kernel_drops));
    evicted.y.push_back(static_cast<double>(r.evicted));
    p50.y.push_back(r.latency_us_p50);
    p99.y.push_back(r.latency_us_p99);
    most_drops = std::max({most_drops, static_cast<double>(r.dropped),
                           static_cast<double>(r.kernel_drops), static_cast<double>(r.evicted)});
    most_latency = std::max(most_latency, r.latency_us_p99);
  }
  drops.x.hi = latency.x.hi = std::max(1.0, s.stats.back().uptime);
  drops.y.hi = most_drops;
  latency.y.hi = most_latency;
  drops.series = {dropped, kernel, evicted};
  latency.series = {p50, p99};
  page.figures({xy_chart(drops), xy_chart(latency)});
}

}  // namespace

std::string detection_page(const DetectionSummary& s) {
  HtmlPage page("Vigil detection report");
  overview(page, s);
  types_section(page, s);
  time_section(page, s);
  hosts_section(page, s);
  reasons_section(page, s);
  stats_section(page, s);
  return page.render(to_json(s));
}

}  // namespace vigil::report
