// UNSW-NB15's features of a finished flow (definitions and units in
// docs/features.md), including the counts over the last 100 connections.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "capture/flow.hpp"
#include "vigil/capture/flow_record.hpp"

namespace vigil::capture {

// Keeps the last 100 connections and fills in the ct_* counts of each new one.
class ConnectionWindow {
 public:
  void add(FlowRecord& record, const Flow& flow);

 private:
  // Fixed-width words, so that the scan over the window compares integers.
  struct Entry {
    std::uint64_t src[2] = {}, dst[2] = {};
    std::uint16_t sport = 0, dport = 0;
    std::uint64_t service = 0;    // the name's first 8 bytes (UNSW names are no longer)
    std::uint64_t state_ttl = 0;  // the state's name, then sttl and dttl
  };
  std::array<Entry, 100> ring_{};
  std::size_t size_ = 0, next_ = 0;
};

// Computes a record's features from the flow (all but the ct_* counts).
FlowRecord make_record(const Flow& flow, std::uint64_t id, const ServiceDetector& service);

const char* protocol_name(std::uint8_t protocol, std::uint8_t ip_version);
const char* flow_state(const Flow& f);

}  // namespace vigil::capture
