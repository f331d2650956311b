#include "capture/decode.hpp"

#include <arpa/inet.h>
#include <pcap/dlt.h>

#include <cstring>

namespace vigil::capture {
namespace {

using Counts = std::array<std::uint64_t, static_cast<int>(Malformed::kCount)>;

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t be32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}

bool fail(Counts& counts, Malformed why) {
  ++counts[static_cast<int>(why)];
  return false;
}

constexpr std::uint16_t kEtherIpv4 = 0x0800, kEtherIpv6 = 0x86dd;

// The TCP window-scale option, when the segment carries one.
std::uint8_t window_scale_option(const std::uint8_t* options, std::uint32_t length) {
  for (std::uint32_t i = 0; i < length;) {
    const std::uint8_t kind = options[i];
    if (kind == 0) break;
    if (kind == 1) {
      ++i;
      continue;
    }
    if (i + 1 >= length || options[i + 1] < 2 || i + options[i + 1] > length) break;
    if (kind == 3 && options[i + 1] == 3) return options[i + 2];
    i += options[i + 1];
  }
  return 0xff;
}

bool decode_transport(const std::uint8_t* p, std::uint32_t available, DecodedPacket& out,
                      Counts& counts) {
  out.payload = p;
  out.payload_length = available;
  if (out.later_fragment) return true;  // the ports are in the first fragment
  switch (out.protocol) {
    case IPPROTO_TCP: {
      if (available < 20) return fail(counts, Malformed::kTruncatedTransport);
      const std::uint32_t offset = (p[12] >> 4) * 4u;
      if (offset < 20 || offset > available) return fail(counts, Malformed::kBadTcpOffset);
      out.src_port = be16(p);
      out.dst_port = be16(p + 2);
      out.seq = be32(p + 4);
      out.ack = be32(p + 8);
      out.tcp_flags = p[13];
      out.window = be16(p + 14);
      if (out.tcp_flags & kSyn) out.window_scale = window_scale_option(p + 20, offset - 20);
      out.payload = p + offset;
      out.payload_length = available - offset;
      return true;
    }
    case IPPROTO_UDP:
    case IPPROTO_UDPLITE:
    case IPPROTO_SCTP: {
      if (available < 8) return fail(counts, Malformed::kTruncatedTransport);
      out.src_port = be16(p);
      out.dst_port = be16(p + 2);
      out.payload = p + 8;
      out.payload_length = available - 8;
      return true;
    }
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6: {
      if (available < 4) return fail(counts, Malformed::kTruncatedTransport);
      out.src_port = p[0];  // type
      out.dst_port = p[1];  // code
      out.payload = p + 4;
      out.payload_length = available - 4;
      return true;
    }
    default:
      return true;  // other protocols: flows by address and protocol number
  }
}

bool decode_ipv4(const std::uint8_t* p, std::uint32_t captured, DecodedPacket& out,
                 Counts& counts) {
  if (captured < 20 || (p[0] >> 4) != 4) return fail(counts, Malformed::kBadIpHeader);
  const std::uint32_t header = (p[0] & 0x0f) * 4u;
  if (header < 20 || header > captured) return fail(counts, Malformed::kBadIpHeader);
  const std::uint32_t total = be16(p + 2);
  if (total < header) return fail(counts, Malformed::kBadIpLength);
  out.ip_version = 4;
  out.ip_length = total;
  out.ttl = p[8];
  out.protocol = p[9];
  out.src = {};
  out.dst = {};
  std::memcpy(out.src.data(), p + 12, 4);
  std::memcpy(out.dst.data(), p + 16, 4);
  const std::uint16_t frag = be16(p + 6);
  const std::uint16_t offset = frag & 0x1fff;
  out.fragment = (frag & 0x2000) != 0 || offset != 0;
  out.later_fragment = offset != 0;
  out.fragment_id = be16(p + 4);
  out.ip_header = p;
  // Trust the smaller of the captured and the declared length (Ethernet pads short frames).
  const std::uint32_t end = total < captured ? total : captured;
  out.ip_captured = end;
  return decode_transport(p + header, end - header, out, counts);
}

bool is_ipv6_extension(std::uint8_t next) {
  return next == 0 || next == 43 || next == 44 || next == 60 || next == 51 || next == 135 ||
         next == 139 || next == 140;
}

bool decode_ipv6(const std::uint8_t* p, std::uint32_t captured, DecodedPacket& out,
                 Counts& counts) {
  if (captured < 40 || (p[0] >> 4) != 6) return fail(counts, Malformed::kBadIpHeader);
  const std::uint32_t total = 40u + be16(p + 4);
  out.ip_version = 6;
  out.ip_length = total;
  out.ttl = p[7];
  std::memcpy(out.src.data(), p + 8, 16);
  std::memcpy(out.dst.data(), p + 24, 16);
  out.fragment = out.later_fragment = false;
  out.fragment_id = 0;
  out.ip_header = p;
  const std::uint32_t end = total < captured ? total : captured;
  out.ip_captured = end;
  std::uint8_t next = p[6];
  std::uint32_t at = 40;
  while (is_ipv6_extension(next)) {
    if (at + 8 > end) return fail(counts, Malformed::kBadIpv6Extension);
    std::uint32_t length;
    if (next == 44) {  // fragment header: fixed 8 bytes
      const std::uint16_t offset = be16(p + at + 2) >> 3;
      out.fragment = true;
      out.later_fragment = offset != 0;
      out.fragment_id = be32(p + at + 4);
      length = 8;
    } else if (next == 51) {  // AH counts 4-byte words, less two
      length = (p[at + 1] + 2u) * 4u;
    } else {
      length = (p[at + 1] + 1u) * 8u;
    }
    if (at + length > end) return fail(counts, Malformed::kBadIpv6Extension);
    next = p[at];
    at += length;
    if (out.later_fragment) break;
  }
  out.protocol = next;
  return decode_transport(p + at, end - at, out, counts);
}

bool decode_by_version(const std::uint8_t* p, std::uint32_t captured, DecodedPacket& out,
                       Counts& counts) {
  if (captured < 1) return fail(counts, Malformed::kBadIpHeader);
  switch (p[0] >> 4) {
    case 4:
      return decode_ipv4(p, captured, out, counts);
    case 6:
      return decode_ipv6(p, captured, out, counts);
    default:
      return fail(counts, Malformed::kBadIpHeader);
  }
}

// PPP's protocol field (after an optional FF 03 address/control pair).
bool decode_ppp(const std::uint8_t* p, std::uint32_t captured, DecodedPacket& out, Counts& counts) {
  if (captured >= 2 && p[0] == 0xff && p[1] == 0x03) {
    p += 2;
    captured -= 2;
  }
  if (captured < 2) return fail(counts, Malformed::kTruncatedLink);
  const std::uint16_t protocol = be16(p);
  if (protocol == 0x0021) return decode_ipv4(p + 2, captured - 2, out, counts);
  if (protocol == 0x0057) return decode_ipv6(p + 2, captured - 2, out, counts);
  return fail(counts, Malformed::kNonIp);
}

bool decode_ethertype(std::uint16_t type, const std::uint8_t* p, std::uint32_t captured,
                      DecodedPacket& out, Counts& counts) {
  if (type == kEtherIpv4) return decode_ipv4(p, captured, out, counts);
  if (type == kEtherIpv6) return decode_ipv6(p, captured, out, counts);
  if (type == 0x8864) {  // PPPoE session: 6-byte header, then PPP's protocol field
    if (captured < 8) return fail(counts, Malformed::kTruncatedLink);
    return decode_ppp(p + 6, captured - 6, out, counts);
  }
  if (type == 0x8847 || type == 0x8848) {  // MPLS: labels down to the bottom of the stack
    std::uint32_t at = 0;
    do {
      if (at + 4 > captured) return fail(counts, Malformed::kTruncatedLink);
      at += 4;
    } while ((p[at - 2] & 0x01) == 0);
    return decode_by_version(p + at, captured - at, out, counts);
  }
  return fail(counts, Malformed::kNonIp);
}

// NFLOG: a 4-byte header, then type-length-value records; type 9 holds the packet.
bool decode_nflog(const std::uint8_t* p, std::uint32_t captured, DecodedPacket& out,
                  Counts& counts) {
  std::uint32_t at = 4;
  while (at + 4 <= captured) {
    const std::uint32_t length =
        static_cast<std::uint32_t>(p[at] | p[at + 1] << 8);  // host order (little-endian)
    const std::uint16_t type = static_cast<std::uint16_t>(p[at + 2] | p[at + 3] << 8);
    if (length < 4 || at + length > captured) return fail(counts, Malformed::kTruncatedLink);
    if (type == 9) return decode_by_version(p + at + 4, length - 4, out, counts);
    at += (length + 3) & ~3u;
  }
  return fail(counts, Malformed::kTruncatedLink);
}

}  // namespace

const char* malformed_name(Malformed m) {
  switch (m) {
    case Malformed::kUnsupportedLink:
      return "unsupported link type";
    case Malformed::kTruncatedLink:
      return "truncated link header";
    case Malformed::kNonIp:
      return "non-IP";
    case Malformed::kBadIpHeader:
      return "bad IP header";
    case Malformed::kBadIpLength:
      return "bad IP length";
    case Malformed::kBadIpv6Extension:
      return "bad IPv6 extension header";
    case Malformed::kTruncatedTransport:
      return "truncated transport header";
    case Malformed::kBadTcpOffset:
      return "bad TCP data offset";
    case Malformed::kCount:
      break;
  }
  return "?";
}

bool link_type_supported(int link_type) {
  switch (link_type) {
    case DLT_EN10MB:
    case DLT_NULL:
    case DLT_LOOP:
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_PPP:
    case DLT_PPP_SERIAL:
    case DLT_NFLOG:
      return true;
    default:
      return false;
  }
}

bool decode_packet(int link_type, const std::uint8_t* data, std::uint32_t captured,
                   DecodedPacket& out, Counts& counts) {
  out.tcp_flags = 0;
  out.src_port = out.dst_port = 0;
  out.seq = out.ack = 0;
  out.window = 0;
  out.window_scale = 0xff;
  out.payload = nullptr;
  out.payload_length = 0;
  switch (link_type) {
    case DLT_EN10MB: {
      if (captured < 14) return fail(counts, Malformed::kTruncatedLink);
      std::uint32_t at = 12;
      std::uint16_t type = be16(data + at);
      // 802.1Q, 802.1ad (QinQ) and the old 0x9100 tag, any depth.
      while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
        at += 4;
        if (at + 2 > captured) return fail(counts, Malformed::kTruncatedLink);
        type = be16(data + at);
      }
      at += 2;
      return decode_ethertype(type, data + at, captured - at, out, counts);
    }
    case DLT_NULL:
    case DLT_LOOP: {
      // A 4-byte address family: host order for NULL, network order for LOOP.
      if (captured < 4) return fail(counts, Malformed::kTruncatedLink);
      // That header is the capture's, not the wire's: bytes leave it out (as Argus does).
      out.wire_length = out.wire_length >= 4 ? out.wire_length - 4 : 0;
      return decode_by_version(data + 4, captured - 4, out, counts);
    }
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
      return decode_by_version(data, captured, out, counts);
    case DLT_LINUX_SLL: {
      if (captured < 16) return fail(counts, Malformed::kTruncatedLink);
      return decode_ethertype(be16(data + 14), data + 16, captured - 16, out, counts);
    }
    case DLT_LINUX_SLL2: {
      if (captured < 20) return fail(counts, Malformed::kTruncatedLink);
      return decode_ethertype(be16(data), data + 20, captured - 20, out, counts);
    }
    case DLT_PPP:
    case DLT_PPP_SERIAL:
      return decode_ppp(data, captured, out, counts);
    case DLT_NFLOG:
      return decode_nflog(data, captured, out, counts);
    default:
      return fail(counts, Malformed::kUnsupportedLink);
  }
}

std::string address_text(const Address& a, std::uint8_t ip_version) {
  if (ip_version != 6) {
    // Dotted quad by hand: glibc's inet_ntop formats IPv4 with sprintf, which
    // was 2% of extract's time (two addresses per flow).
    std::string text;
    text.reserve(15);
    for (int i = 0; i < 4; ++i) {
      if (i > 0) text += '.';
      const unsigned v = a[static_cast<std::size_t>(i)];
      if (v >= 100) text += static_cast<char>('0' + v / 100);
      if (v >= 10) text += static_cast<char>('0' + v / 10 % 10);
      text += static_cast<char>('0' + v % 10);
    }
    return text;
  }
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, a.data(), text, sizeof text);
  return text;
}

}  // namespace vigil::capture
