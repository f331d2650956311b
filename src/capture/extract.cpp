#include "vigil/capture/extract.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "capture/capture_with.hpp"
#include "capture/decode.hpp"
#include "capture/flow_features.hpp"
#include "capture/flow_table.hpp"
#include "capture/packet_source.hpp"
#include "vigil/capture/flow_formats.hpp"
#include "vigil/core/error.hpp"
#include "vigil/core/progress.hpp"

namespace vigil::capture {
namespace {

using Counts = std::array<std::uint64_t, static_cast<int>(Malformed::kCount)>;

// Output is handed on in chunks of about this many bytes.
constexpr std::size_t kChunk = 1 << 16;

}  // namespace

std::string ExtractSummary::line() const {
  std::string s = std::to_string(packets) + " packets (" + std::to_string(ip_packets) + " IP), " +
                  std::to_string(flows) + " flows, " + std::to_string(evicted) + " evicted";
  for (const auto& [kind, count] : malformed) s += ", " + std::to_string(count) + " " + kind;
  if (fragments_without_ports)
    s += ", " + std::to_string(fragments_without_ports) + " fragments without their first";
  if (kernel_drops) s += ", " + std::to_string(kernel_drops) + " dropped by the capture";
  for (const auto& t : notes) s += "; " + t;
  char time[48];
  std::snprintf(time, sizeof time, " in %.2f s", seconds);
  return s + time;
}

ExtractSummary capture_flows(const ExtractConfig& config, const RecordSink& sink,
                             const std::atomic<bool>* stop, Progress* progress,
                             LiveCounters* live) {
  ServiceDetector service;
  return capture_flows_with(service, config, sink, stop, progress, live);
}

ExtractSummary capture_flows_with(ServiceDetector& service, const ExtractConfig& config,
                                  const RecordSink& sink, const std::atomic<bool>* stop,
                                  Progress* progress, LiveCounters* live) {
  if (config.pcaps.empty() == config.interface.empty()) {
    throw InputError("extract: give capture files or an interface (one of the two)");
  }
  const auto started = std::chrono::steady_clock::now();
  ConnectionWindow window;
  ExtractSummary summary;
  std::uint64_t next_id = 1;
  FlowTableConfig table_config;
  table_config.idle_timeout = config.idle_timeout;
  table_config.closed_timeout = config.closed_timeout;
  table_config.active_timeout = config.active_timeout;
  table_config.max_flows = config.max_flows;
  if (config.max_flows == 0) throw InputError("extract: --max-flows must be at least 1");
  FlowTable table(table_config, service, [&](Flow& f) {
    FlowRecord r = make_record(f, next_id++, service);
    window.add(r, f);
    sink(r);
  });
  Counts malformed{};
  DecodedPacket decoded;
  RawPacket raw;
  auto publish = [&] {
    if (!live) return;
    live->packets.store(summary.packets, std::memory_order_relaxed);
    live->evicted.store(table.stats().evicted, std::memory_order_relaxed);
  };
  auto run = [&](PacketSource& source, std::size_t index) {
    // Live capture: --duration runs on the wall clock, and a quiet link still
    // ends idle flows on time (packet time cannot advance without packets).
    const auto began = std::chrono::steady_clock::now();
    auto out_of_time = [&] {
      return config.duration > 0 &&
             std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count() >=
                 config.duration;
    };
    for (;;) {
      if (stop && stop->load(std::memory_order_relaxed)) break;
      const PacketSource::Read read = source.read(raw);
      if (read == PacketSource::Read::kEnd) break;
      if (read == PacketSource::Read::kQuiet) {
        table.expire(
            std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
                .count());
        publish();
        if (out_of_time()) break;
        continue;
      }
      ++summary.packets;
      decoded.time = raw.time;
      decoded.wire_length = raw.wire_length;
      if (decode_packet(source.link_type(), raw.data, raw.captured, decoded, malformed)) {
        ++summary.ip_packets;
        table.add(decoded);
      }
      table.expire(raw.time);
      if (out_of_time()) break;
      if ((summary.packets & 0xfff) == 0) publish();
      if (progress && (summary.packets & 0xffff) == 0) progress->update(index);
    }
    if (source.truncated())
      summary.notes.push_back(source.name() + " ended early (" + source.error() + ")");
    if (!link_type_supported(source.link_type())) {
      summary.notes.push_back(source.name() + ": link type " + source.link_name() +
                              " is not decoded");
    }
    summary.kernel_drops += source.kernel_drops();
  };
  if (!config.interface.empty()) {
    auto source = open_interface(config.interface, config.filter);
    source->watch(stop);
    run(*source, 0);
  } else {
    if (progress) progress->begin("extract", config.pcaps.size());
    for (std::size_t i = 0; i < config.pcaps.size(); ++i) {
      if (stop && stop->load()) break;
      auto source = open_capture_file(config.pcaps[i]);
      run(*source, i);
      if (progress) progress->update(i + 1);
    }
    if (progress) progress->end();
  }
  table.flush();
  publish();
  summary.flows = table.stats().flows;
  summary.evicted = table.stats().evicted;
  summary.fragments_without_ports = table.stats().fragments_without_ports;
  for (int k = 0; k < static_cast<int>(Malformed::kCount); ++k) {
    if (malformed[static_cast<std::size_t>(k)] > 0) {
      summary.malformed.emplace_back(malformed_name(static_cast<Malformed>(k)),
                                     malformed[static_cast<std::size_t>(k)]);
    }
  }
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

ExtractSummary extract_flows(const ExtractConfig& config, const TextSink& out,
                             const std::atomic<bool>* stop, Progress* progress) {
  const auto writer = make_flow_format(config.format);
  std::string buffer = writer->header();
  ExtractSummary summary = capture_flows(
      config,
      [&](const FlowRecord& r) {
        writer->format(r, buffer);
        if (buffer.size() >= kChunk) {
          out(buffer);
          buffer.clear();
        }
      },
      stop, progress);
  out(buffer);
  return summary;
}

std::size_t bytes_per_flow() { return FlowTable::bytes_per_flow(); }

}  // namespace vigil::capture
