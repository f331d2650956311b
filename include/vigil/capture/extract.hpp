// `vigil extract`: packets (capture files or a live interface) to flows with
// UNSW-NB15's features, written as CSV or JSON lines.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/capture/flow_record.hpp"

namespace vigil {
class Progress;
}

namespace vigil::capture {

struct ExtractConfig {
  std::vector<std::string> pcaps;  // read in order, as one stream
  std::string interface;           // live capture instead of files
  std::string filter;              // BPF, live capture only
  double duration = 0;             // seconds of live capture (0: until stopped)
  std::string format = "csv";      // a name from flow_formats()
  double idle_timeout = 60;
  double closed_timeout = 5;
  double active_timeout = 1800;
  std::size_t max_flows = 1'000'000;
};

struct ExtractSummary {
  std::uint64_t packets = 0, ip_packets = 0, flows = 0, evicted = 0;
  std::uint64_t fragments_without_ports = 0, kernel_drops = 0;
  std::vector<std::pair<std::string, std::uint64_t>> malformed;  // by kind, non-zero only
  // Inputs that ended early (with libpcap's reason) or whose link type is not decoded.
  std::vector<std::string> notes;
  double seconds = 0;
  std::string line() const;  // the one-line summary printed after a run
};

// Counts another thread may read while capture runs (periodic stats).
struct LiveCounters {
  std::atomic<std::uint64_t> packets{0};
  std::atomic<std::uint64_t> evicted{0};
};

// Receives the output text (header first), in order.
using TextSink = std::function<void(std::string_view)>;
// Receives each finished flow, in the order flows end.
using RecordSink = std::function<void(const FlowRecord&)>;

// Reads every packet and assembles flows, handing each finished one to `sink`
// (on the calling thread). `stop`, when set, ends the reading cleanly (open
// flows are flushed). Throws IoError or InputError for an input that cannot be
// opened at all; packets that cannot be decoded are counted, never fatal.
// `live`, when given, is kept up to date every few thousand packets.
ExtractSummary capture_flows(const ExtractConfig& config, const RecordSink& sink,
                             const std::atomic<bool>* stop = nullptr, Progress* progress = nullptr,
                             LiveCounters* live = nullptr);

// capture_flows, writing one row per flow in config.format.
ExtractSummary extract_flows(const ExtractConfig& config, const TextSink& out,
                             const std::atomic<bool>* stop = nullptr, Progress* progress = nullptr);

// The most memory one open flow holds: its record, nDPI's detection state
// (kept until the protocol is known) and its index entry. The flow table
// stays within max_flows times this, whatever the traffic.
std::size_t bytes_per_flow();

}  // namespace vigil::capture
