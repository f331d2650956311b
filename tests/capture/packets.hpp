// Hand-built packets and pcap files for capture tests: every byte is set here,
// so a test states exactly what is on the wire.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace vigil::testing {

using Bytes = std::vector<std::uint8_t>;

inline void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
inline void put32(Bytes& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v >> 16));
  put16(b, static_cast<std::uint16_t>(v));
}

struct Tcp {
  std::uint16_t sport = 40000, dport = 80;
  std::uint32_t seq = 1000, ack = 0;
  std::uint8_t flags = 0x02;
  std::uint16_t window = 1024;
  int window_scale = -1;  // a window-scale option when >= 0
  std::string payload;
};

inline Bytes tcp_segment(const Tcp& t) {
  Bytes b;
  put16(b, t.sport);
  put16(b, t.dport);
  put32(b, t.seq);
  put32(b, t.ack);
  const bool option = t.window_scale >= 0;
  b.push_back(static_cast<std::uint8_t>((option ? 6 : 5) << 4));
  b.push_back(t.flags);
  put16(b, t.window);
  put16(b, 0);  // checksum (not checked)
  put16(b, 0);
  if (option) {
    b.insert(b.end(), {1, 3, 3, static_cast<std::uint8_t>(t.window_scale)});  // NOP, window scale
  }
  b.insert(b.end(), t.payload.begin(), t.payload.end());
  return b;
}

inline Bytes udp_datagram(std::uint16_t sport, std::uint16_t dport, const std::string& payload) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put16(b, static_cast<std::uint16_t>(8 + payload.size()));
  put16(b, 0);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

struct Ipv4 {
  std::uint8_t src[4] = {10, 0, 0, 1};
  std::uint8_t dst[4] = {10, 0, 0, 2};
  std::uint8_t protocol = 6;
  std::uint8_t ttl = 64;
  std::uint16_t id = 1;
  std::uint16_t fragment = 0;  // flags and offset field
};

inline Bytes ipv4_packet(const Ipv4& ip, const Bytes& transport) {
  Bytes b = {0x45, 0};
  put16(b, static_cast<std::uint16_t>(20 + transport.size()));
  put16(b, ip.id);
  put16(b, ip.fragment);
  b.push_back(ip.ttl);
  b.push_back(ip.protocol);
  put16(b, 0);
  b.insert(b.end(), ip.src, ip.src + 4);
  b.insert(b.end(), ip.dst, ip.dst + 4);
  b.insert(b.end(), transport.begin(), transport.end());
  return b;
}

inline Ipv4 udp_ip() {
  Ipv4 ip;
  ip.protocol = 17;
  return ip;
}

// Ethernet II with optional VLAN tags (each a TPID, then a tag).
inline Bytes ethernet_frame(const Bytes& payload, std::uint16_t ethertype = 0x0800,
                            std::vector<std::uint16_t> tpids = {}) {
  Bytes b(12, 0xaa);
  for (std::uint16_t tpid : tpids) {
    put16(b, tpid);
    put16(b, 100);
  }
  put16(b, ethertype);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

struct CapturedFrame {
  double time;
  Bytes data;
};

// A classic pcap file (microsecond timestamps) of the given link type.
inline void write_pcap(const std::string& path, const std::vector<CapturedFrame>& frames,
                       std::uint32_t link_type = 1) {
  Bytes b;
  auto le32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  auto le16 = [&](std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v));
    b.push_back(static_cast<std::uint8_t>(v >> 8));
  };
  le32(0xa1b2c3d4);
  le16(2);
  le16(4);
  le32(0);
  le32(0);
  le32(65535);
  le32(link_type);
  for (const auto& f : frames) {
    const auto seconds = static_cast<std::uint32_t>(f.time);
    le32(seconds);
    le32(static_cast<std::uint32_t>((f.time - seconds) * 1e6 + 0.5));
    le32(static_cast<std::uint32_t>(f.data.size()));
    le32(static_cast<std::uint32_t>(f.data.size()));
    b.insert(b.end(), f.data.begin(), f.data.end());
  }
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

}  // namespace vigil::testing
