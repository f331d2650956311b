#include "capture/decode.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <pcap/dlt.h>

#include "capture/packets.hpp"

namespace vigil::capture {
namespace {

TEST(AddressText, Ipv4MatchesInetNtop) {
  // Every byte value in every position, against the C library's formatting.
  for (unsigned v = 0; v < 256; ++v) {
    for (int at = 0; at < 4; ++at) {
      Address a{};
      a[0] = 192;
      a[1] = static_cast<std::uint8_t>(255 - v);
      a[2] = 7;
      a[3] = static_cast<std::uint8_t>(v * 37);
      a[static_cast<std::size_t>(at)] = static_cast<std::uint8_t>(v);
      char expected[INET_ADDRSTRLEN];
      ASSERT_NE(inet_ntop(AF_INET, a.data(), expected, sizeof expected), nullptr);
      EXPECT_EQ(address_text(a, 4), expected);
    }
  }
}

TEST(AddressOrder, MatchesByteOrder) {
  Address a{}, b{};
  a[15] = 1;
  b[0] = 1;
  EXPECT_TRUE(address_less(a, b));
  EXPECT_FALSE(address_less(b, a));
  EXPECT_FALSE(address_less(a, a));
  a = b;
  EXPECT_TRUE(same_address(a, b));
  a[9] = 0x80;
  EXPECT_FALSE(same_address(a, b));
  EXPECT_TRUE(address_less(b, a));
}

using vigil::testing::Bytes;
using Counts = std::array<std::uint64_t, static_cast<int>(Malformed::kCount)>;

std::uint64_t count(const Counts& c, Malformed m) { return c[static_cast<std::size_t>(m)]; }

TEST(Decode, TcpInsideQinQVlanTags) {
  testing::Tcp t;
  t.seq = 0x01020304;
  t.window = 29200;
  t.window_scale = 7;
  const Bytes frame = testing::ethernet_frame(testing::ipv4_packet({}, testing::tcp_segment(t)),
                                              0x0800, {0x88a8, 0x8100});
  DecodedPacket p;
  Counts counts{};
  ASSERT_TRUE(
      decode_packet(DLT_EN10MB, frame.data(), static_cast<std::uint32_t>(frame.size()), p, counts));
  EXPECT_EQ(p.ip_version, 4);
  EXPECT_EQ(p.protocol, 6);
  EXPECT_EQ(p.src_port, 40000);
  EXPECT_EQ(p.dst_port, 80);
  EXPECT_EQ(p.seq, 0x01020304u);
  EXPECT_EQ(p.tcp_flags, kSyn);
  EXPECT_EQ(p.window, 29200);
  EXPECT_EQ(p.window_scale, 7);
  EXPECT_EQ(p.ttl, 64);
  EXPECT_EQ(address_text(p.src, 4), "10.0.0.1");
}

TEST(Decode, Ipv6ExtensionHeadersAndFragments) {
  // Hop-by-hop options (8 bytes), then a fragment header, then UDP.
  auto ipv6 = [](std::uint16_t offset_and_more, const Bytes& rest) {
    Bytes b = {0x60, 0, 0, 0};
    testing::put16(b, static_cast<std::uint16_t>(16 + rest.size()));
    b.push_back(0);   // next: hop-by-hop
    b.push_back(33);  // hop limit
    for (int i = 0; i < 16; ++i) b.push_back(i == 15 ? 1 : 0);
    for (int i = 0; i < 16; ++i) b.push_back(i == 15 ? 2 : 0);
    b.insert(b.end(), {44, 0, 1, 4, 0, 0, 0, 0});  // hop-by-hop: next fragment, PadN
    b.push_back(17);
    b.push_back(0);
    testing::put16(b, offset_and_more);
    testing::put32(b, 77);  // identification
    b.insert(b.end(), rest.begin(), rest.end());
    return testing::ethernet_frame(b, 0x86dd);
  };
  const Bytes first = ipv6(0x0001, testing::udp_datagram(5353, 53, "query"));
  DecodedPacket p;
  Counts counts{};
  ASSERT_TRUE(
      decode_packet(DLT_EN10MB, first.data(), static_cast<std::uint32_t>(first.size()), p, counts));
  EXPECT_EQ(p.ip_version, 6);
  EXPECT_EQ(p.protocol, 17);
  EXPECT_EQ(p.src_port, 5353);
  EXPECT_TRUE(p.fragment);
  EXPECT_FALSE(p.later_fragment);
  EXPECT_EQ(p.fragment_id, 77u);
  EXPECT_EQ(p.ttl, 33);
  EXPECT_EQ(address_text(p.dst, 6), "::2");

  const Bytes later = ipv6(static_cast<std::uint16_t>(185 << 3), Bytes(24, 0x55));
  ASSERT_TRUE(
      decode_packet(DLT_EN10MB, later.data(), static_cast<std::uint32_t>(later.size()), p, counts));
  EXPECT_TRUE(p.later_fragment);
  EXPECT_EQ(p.protocol, 17);
  EXPECT_EQ(p.src_port, 0);
}

TEST(Decode, MalformedPacketsAreCountedByKind) {
  Counts counts{};
  DecodedPacket p;
  const Bytes tcp = testing::tcp_segment({});
  // A TCP header cut to 12 bytes.
  Bytes cut = testing::ipv4_packet({}, Bytes(tcp.begin(), tcp.begin() + 12));
  EXPECT_FALSE(
      decode_packet(DLT_RAW, cut.data(), static_cast<std::uint32_t>(cut.size()), p, counts));
  EXPECT_EQ(count(counts, Malformed::kTruncatedTransport), 1u);
  // A TCP data offset of 3 words.
  Bytes bad_offset = testing::ipv4_packet({}, tcp);
  bad_offset[20 + 12] = 3 << 4;
  EXPECT_FALSE(decode_packet(DLT_RAW, bad_offset.data(),
                             static_cast<std::uint32_t>(bad_offset.size()), p, counts));
  EXPECT_EQ(count(counts, Malformed::kBadTcpOffset), 1u);
  // An IPv4 header length of 16 bytes, and one longer than the packet.
  Bytes short_ihl = testing::ipv4_packet({}, tcp);
  short_ihl[0] = 0x44;
  EXPECT_FALSE(decode_packet(DLT_RAW, short_ihl.data(),
                             static_cast<std::uint32_t>(short_ihl.size()), p, counts));
  Bytes long_ihl = testing::ipv4_packet({}, {});
  long_ihl[0] = 0x4f;
  EXPECT_FALSE(decode_packet(DLT_RAW, long_ihl.data(), static_cast<std::uint32_t>(long_ihl.size()),
                             p, counts));
  EXPECT_EQ(count(counts, Malformed::kBadIpHeader), 2u);
  // Total length below the header length.
  Bytes bad_total = testing::ipv4_packet({}, tcp);
  bad_total[2] = 0;
  bad_total[3] = 10;
  EXPECT_FALSE(decode_packet(DLT_RAW, bad_total.data(),
                             static_cast<std::uint32_t>(bad_total.size()), p, counts));
  EXPECT_EQ(count(counts, Malformed::kBadIpLength), 1u);
  // Frames shorter than their link header, ARP, and an undecoded link type.
  const Bytes tiny = {1, 2, 3};
  EXPECT_FALSE(decode_packet(DLT_EN10MB, tiny.data(), 3, p, counts));
  EXPECT_EQ(count(counts, Malformed::kTruncatedLink), 1u);
  const Bytes arp = testing::ethernet_frame(Bytes(28, 0), 0x0806);
  EXPECT_FALSE(
      decode_packet(DLT_EN10MB, arp.data(), static_cast<std::uint32_t>(arp.size()), p, counts));
  EXPECT_EQ(count(counts, Malformed::kNonIp), 1u);
  EXPECT_FALSE(
      decode_packet(DLT_IEEE802_11, arp.data(), static_cast<std::uint32_t>(arp.size()), p, counts));
  EXPECT_EQ(count(counts, Malformed::kUnsupportedLink), 1u);
}

TEST(Decode, LinuxCookedAndPppFrames) {
  const Bytes ip = testing::ipv4_packet(testing::udp_ip(), testing::udp_datagram(1, 2, "x"));
  Bytes sll2 = {0x08, 0x00, 0, 0};  // protocol, reserved
  sll2.resize(20, 0);
  sll2.insert(sll2.end(), ip.begin(), ip.end());
  DecodedPacket p;
  Counts counts{};
  ASSERT_TRUE(decode_packet(DLT_LINUX_SLL2, sll2.data(), static_cast<std::uint32_t>(sll2.size()), p,
                            counts));
  EXPECT_EQ(p.dst_port, 2);
  Bytes ppp = {0xff, 0x03, 0x00, 0x21};
  ppp.insert(ppp.end(), ip.begin(), ip.end());
  ASSERT_TRUE(
      decode_packet(DLT_PPP, ppp.data(), static_cast<std::uint32_t>(ppp.size()), p, counts));
  EXPECT_EQ(p.protocol, 17);
}

}  // namespace
}  // namespace vigil::capture
