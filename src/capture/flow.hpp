// One bidirectional flow as it is assembled: the side that sent the first
// packet is the source. Everything the UNSW-NB15 features need is accumulated
// here packet by packet; nothing is stored per packet.
#pragma once

#include <cstdint>

#include "capture/decode.hpp"
#include "capture/service.hpp"

namespace vigil::capture {

struct FlowKey {
  Address a{}, b{};  // the lower (address, port) end first, so both directions share a key
  std::uint16_t a_port = 0, b_port = 0;
  std::uint8_t protocol = 0;
  std::uint8_t ip_version = 0;
  bool operator==(const FlowKey& o) const {
    return same_address(a, o.a) && same_address(b, o.b) && a_port == o.a_port &&
           b_port == o.b_port && protocol == o.protocol && ip_version == o.ip_version;
  }
};

struct FlowKeyHash {
  std::size_t operator()(const FlowKey& k) const;
};

// Per-direction counters.
struct DirectionStats {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;  // wire bytes
  std::uint8_t first_ttl = 0;
  double last_time = 0;
  // Inter-arrival times (seconds), by Welford's running mean and variance.
  std::uint64_t gaps = 0;
  double gap_mean = 0, gap_m2 = 0;
  // TCP
  bool seen_tcp = false;
  std::uint32_t last_window = 0;  // the latest window advertised
  std::uint32_t base_seq = 0;
  std::uint32_t next_seq = 0;  // highest sequence end seen
  std::uint64_t retransmits = 0;
  std::uint8_t window_scale = 0xff;
  bool fin = false;
};

// What application payloads said (HTTP and FTP, the protocols UNSW-NB15 counts).
struct AppCounters {
  std::uint32_t http_requests = 0;    // trans_depth
  std::uint32_t http_get_post = 0;    // ct_flw_http_mthd
  std::uint64_t http_body_bytes = 0;  // response_body_len
  std::uint32_t ftp_commands = 0;     // ct_ftp_cmd
  bool ftp_user = false, ftp_pass = false, ftp_logged_in = false;
};

enum class FlowEnd : std::uint8_t { kIdle, kActive, kClosed, kEvicted, kEndOfInput };

struct Flow {
  FlowKey key;
  Address src{}, dst{};  // as seen in the first packet
  std::uint16_t src_port = 0, dst_port = 0;
  std::uint8_t protocol = 0, ip_version = 0;
  double first_time = 0, last_time = 0;
  DirectionStats dir[2];  // 0: source to destination, 1: back
  // TCP handshake and teardown
  double syn_time = -1, synack_time = -1, ack_time = -1;
  double last_synack_time = -1;  // a retransmitted SYN-ACK moves this, not synack_time
  bool rst = false;
  // ICMP: the first message's type and code, and whether an echo reply came
  std::uint8_t icmp_type = 0, icmp_code = 0;
  bool icmp_reply = false;
  AppCounters app;
  ServiceState service;
  FlowEnd end = FlowEnd::kIdle;
  // Least-recently-active list, by index into the table's pool.
  std::uint32_t older = 0, newer = 0;
};

}  // namespace vigil::capture
