// `vigil detect`: every finished flow, from packets or from flow rows, goes
// through the model and raises an alert when its class is an attack.
//
// Two threads: intake (packets to flows, or flow rows) on the calling thread,
// and classification + output on a worker, with a bounded queue between them.
// Live capture never waits for the model: when the queue is full a flow is
// dropped and counted. Files wait instead (nothing is lost by waiting).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/capture/extract.hpp"
#include "vigil/detect/alerts.hpp"
#include "vigil/io/model_file.hpp"

namespace vigil {
class Progress;
}

namespace vigil::detect {

struct DetectConfig {
  capture::ExtractConfig capture;       // packets: capture files or an interface
  std::vector<std::string> flow_files;  // or flow rows (CSV); "-" is standard input
  std::string benign = "Normal";        // the class that raises no alert
  double threshold = 0;                 // least probability of the class for an alert
  std::string format = "eve";           // a name from alert_formats()
  bool all_flows = false;               // also an EVE flow event per flow, with its verdict
  std::size_t reasons = 3;              // features named per alert (0: none)
  std::size_t queue_capacity = 65536;   // flows waiting for the model
  std::size_t batch = 256;              // most flows classified at once, per model thread
  // Threads classifying (intake has its own). 0: one per core reading files,
  // where intake waits for a full queue; one per core but intake's live,
  // where it must not (see model_threads_for).
  std::size_t model_threads = 0;
  double stats_interval = 10;   // seconds between stats (0: at the end only)
  std::string hostname;         // the sensor's name in alerts
  bool drop_when_full = false;  // set for live capture
};

// Counters as Suricata's stats.log keeps them; a snapshot, taken on the worker.
struct DetectStats {
  std::uint64_t packets = 0, flows_in = 0, flows_classified = 0, alerts = 0;
  std::uint64_t dropped = 0;  // flows the queue had no room for
  std::uint64_t evicted = 0;  // flows cut short by --max-flows
  std::uint64_t kernel_drops = 0;
  std::uint64_t reasons_skipped = 0;  // alerts written without reasons, under load
  std::vector<std::pair<std::string, std::uint64_t>> alerts_by_class;
  double seconds = 0;
  double flows_per_second = 0;                // classified, over the whole run
  double model_us_p50 = 0, model_us_p99 = 0;  // model time per flow (pipeline, classifier, reasons)
  double latency_us_p50 = 0, latency_us_p99 = 0;  // a flow's wait in the queue plus its model time
  std::string capture_line;  // the capture summary (packets, malformed, notes); final stats only

  std::string line() const;                         // one line for a terminal
  std::string json(const std::string& time) const;  // one EVE "stats" event
};

// The model threads a configuration runs with: its own count, or by default
// one per core, less one for live capture.
std::size_t model_threads_for(const DetectConfig& config);

using TextSink = std::function<void(std::string_view)>;
// Receives stats every stats_interval seconds and once at the end (final = true).
using StatsSink = std::function<void(const DetectStats&, bool final)>;

// Runs until the input ends or `stop` is set; then every flow still open or
// queued is classified and written before it returns the final stats. Alert
// text is handed to `alerts` once per batch, whole lines only. Throws
// InputError/ParamError before any output when the model and input do not fit.
DetectStats run_detector(const DetectConfig& config, const io::ModelBundle& bundle,
                         const ModelIdentity& model, const TextSink& alerts, const StatsSink& stats,
                         const std::atomic<bool>* stop = nullptr, Progress* progress = nullptr);

}  // namespace vigil::detect
