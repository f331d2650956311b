// The flow table: packets to bidirectional flows keyed by 5-tuple, ended by
// TCP teardown, idle timeout or active timeout, and capped in size. When full,
// the least recently active flow is evicted (emitted early, counted), so a
// flood of spoofed sources cannot exhaust memory. Finished flows go to a callback.
#pragma once

#include <functional>
#include <unordered_map>
#include <vector>

#include "capture/flow.hpp"
#include "capture/flow_index.hpp"

namespace vigil::capture {

struct FlowTableConfig {
  double idle_timeout = 60;   // seconds without a packet
  double closed_timeout = 5;  // after RST or FINs both ways: absorbs late ACKs and retransmissions
  double active_timeout = 1800;  // longest a flow runs before it is cut (and a new one starts)
  std::size_t max_flows = 1'000'000;
};

struct FlowTableStats {
  std::uint64_t flows = 0, evicted = 0, fragments_without_ports = 0;
  std::uint64_t fragment_sweeps = 0;  // passes over the fragment table (bounded work)
};

class FlowTable {
 public:
  using Emit = std::function<void(Flow&)>;
  FlowTable(FlowTableConfig config, ServiceDetector& service, Emit emit);
  // Frees nDPI's state of flows still open (a run cut short by an error
  // never flushes them); they are not emitted.
  ~FlowTable();
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  void add(const DecodedPacket& p);
  // Ends flows idle past their timeout at `now` (packet time).
  void expire(double now);
  // Ends every flow (end of input).
  void flush();

  std::size_t active() const { return index_.size(); }
  const FlowTableStats& stats() const { return stats_; }
  // First fragments whose ports are kept for the fragments that follow.
  std::size_t pending_fragments() const { return fragments_.size(); }

  // The most memory one open flow can hold (see vigil::capture::bytes_per_flow).
  static std::size_t bytes_per_flow();

 private:
  std::uint32_t find_or_create(const FlowKey& key, const DecodedPacket& p, bool& forward);
  void finish(std::uint32_t slot, FlowEnd why);
  void touch(std::uint32_t slot);
  void unlink(std::uint32_t slot);
  bool closed(const Flow& f) const;

  FlowTableConfig config_;
  ServiceDetector& service_;
  Emit emit_;
  std::vector<Flow> pool_;  // slot 0 is the list's sentinel
  std::vector<std::uint32_t> free_slots_;
  FlowIndex index_;
  // First fragments' ports, so later fragments join their flow.
  struct FragmentKey {
    Address src, dst;
    std::uint32_t id;
    std::uint8_t protocol;
    bool operator==(const FragmentKey&) const = default;
  };
  struct FragmentKeyHash {
    std::size_t operator()(const FragmentKey& k) const;
  };
  struct FragmentPorts {
    std::uint16_t src_port, dst_port;
    double time;
  };
  std::unordered_map<FragmentKey, FragmentPorts, FragmentKeyHash> fragments_;
  double last_fragment_sweep_ = 0;
  FlowTableStats stats_;
};

void update_flow(Flow& f, const DecodedPacket& p, bool forward, ServiceDetector& service);

}  // namespace vigil::capture
