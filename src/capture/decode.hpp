// Packet decoding: link layer (Ethernet with 802.1Q/QinQ, Linux cooked v1/v2,
// raw IP, BSD loopback) to IPv4/IPv6 (with extension headers and fragments) to
// TCP, UDP or ICMP. Malformed packets are counted by kind, never thrown.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace vigil::capture {

// Why a packet could not be used, counted per kind for the summary line.
enum class Malformed : int {
  kUnsupportedLink,     // a link type Vigil does not decode (e.g. 802.11 radiotap)
  kTruncatedLink,       // shorter than its link-layer header
  kNonIp,               // ARP, LLDP and other non-IP frames (not an error; counted apart)
  kBadIpHeader,         // IP version or header length out of range, or shorter than the header
  kBadIpLength,         // total length shorter than the header
  kBadIpv6Extension,    // an extension header running past the packet
  kTruncatedTransport,  // TCP/UDP/ICMP header cut short
  kBadTcpOffset,        // TCP data offset below 5 words or past the packet
  kCount
};
const char* malformed_name(Malformed m);

// Addresses are kept as 16 bytes; IPv4 uses the first 4.
using Address = std::array<std::uint8_t, 16>;

// Address comparisons on the per-packet path as two 8-byte words: the array's
// own operators call memcmp, which was 4% of extract's time.
inline std::uint64_t address_word(const Address& a, std::size_t i) {
  std::uint64_t w;
  std::memcpy(&w, a.data() + 8 * i, 8);
  return w;
}
inline bool same_address(const Address& a, const Address& b) {
  return ((address_word(a, 0) ^ address_word(b, 0)) | (address_word(a, 1) ^ address_word(b, 1))) ==
         0;
}
// Byte-wise (network order) a < b, as memcmp orders them.
inline bool address_less(const Address& a, const Address& b) {
  const std::uint64_t a0 = __builtin_bswap64(address_word(a, 0)),
                      b0 = __builtin_bswap64(address_word(b, 0));
  if (a0 != b0) return a0 < b0;
  return __builtin_bswap64(address_word(a, 1)) < __builtin_bswap64(address_word(b, 1));
}

struct DecodedPacket {
  double time = 0;                // seconds since the epoch
  std::uint32_t wire_length = 0;  // bytes on the wire, as the capture header says
  std::uint8_t ip_version = 0;
  Address src{}, dst{};
  std::uint8_t protocol = 0;                 // IP protocol number
  std::uint16_t src_port = 0, dst_port = 0;  // for ICMP: type and code
  std::uint8_t ttl = 0;                      // IPv4 TTL or IPv6 hop limit
  std::uint32_t ip_length = 0;               // IP total length (header + payload)
  bool fragment = false;                     // part of a fragmented datagram
  bool later_fragment = false;               // a fragment after the first: no transport header
  std::uint32_t fragment_id = 0;
  // TCP
  std::uint8_t tcp_flags = 0;
  std::uint32_t seq = 0, ack = 0;
  std::uint16_t window = 0;
  std::uint8_t window_scale = 0xff;  // from a SYN's option; 0xff: none seen
  // Transport payload and the IP packet (for application inspection).
  const std::uint8_t* payload = nullptr;
  std::uint32_t payload_length = 0;
  const std::uint8_t* ip_header = nullptr;
  std::uint32_t ip_captured = 0;  // bytes of the IP packet present in the capture
};

inline constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10;

// Decodes one captured frame of the given pcap link type. Returns false (and
// counts why in `malformed`) when the frame holds no usable IP packet.
bool decode_packet(int link_type, const std::uint8_t* data, std::uint32_t captured,
                   DecodedPacket& out,
                   std::array<std::uint64_t, static_cast<int>(Malformed::kCount)>& malformed);

// True when Vigil can decode frames of this link type.
bool link_type_supported(int link_type);

std::string address_text(const Address& a, std::uint8_t ip_version);

}  // namespace vigil::capture
