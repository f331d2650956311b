#include "vigil/capture/community_id.hpp"

#include <gtest/gtest.h>

namespace vigil::capture {
namespace {

FlowRecord flow(const std::string& proto, const std::string& src, std::uint16_t sport,
                const std::string& dst, std::uint16_t dport) {
  FlowRecord f;
  f.proto = proto;
  f.srcip = src;
  f.sport = sport;
  f.dstip = dst;
  f.dsport = dport;
  return f;
}

TEST(CommunityId, MatchesAPublishedValue) {
  // Tenzir's documentation of community_id(): tcp 1.2.3.4:4584 -> 43.3.132.3:3483.
  EXPECT_EQ(community_id(flow("tcp", "1.2.3.4", 4584, "43.3.132.3", 3483)),
            "1:koNcqhFRD5kb254ZrLsdv630jCM=");
}

TEST(CommunityId, BothDirectionsHashAlike) {
  EXPECT_EQ(community_id(flow("udp", "10.0.0.1", 53000, "10.0.0.2", 53)),
            community_id(flow("udp", "10.0.0.2", 53, "10.0.0.1", 53000)));
  EXPECT_EQ(community_id(flow("tcp", "2001:db8::1", 1, "2001:db8::2", 2)),
            community_id(flow("tcp", "2001:db8::2", 2, "2001:db8::1", 1)));
  EXPECT_NE(community_id(flow("tcp", "10.0.0.1", 1, "10.0.0.2", 2)),
            community_id(flow("udp", "10.0.0.1", 1, "10.0.0.2", 2)));
  // ICMP: an echo request and its reply are one conversation (type 8 and 0).
  EXPECT_EQ(community_id(flow("icmp", "10.0.0.1", 8, "10.0.0.2", 0)),
            community_id(flow("icmp", "10.0.0.2", 0, "10.0.0.1", 0)));
  EXPECT_EQ(community_id(flow("ipv6-icmp", "fe80::1", 128, "fe80::2", 0)),
            community_id(flow("ipv6-icmp", "fe80::2", 129, "fe80::1", 0)));
}

TEST(CommunityId, NothingToHashIsEmpty) {
  EXPECT_EQ(community_id(flow("tcp", "", 1, "", 2)), "");
  EXPECT_EQ(community_id(flow("tcp", "10.0.0.1", 1, "2001:db8::1", 2)), "");
  EXPECT_EQ(community_id(flow("gre", "10.0.0.1", 0, "10.0.0.2", 0)), "");
}

}  // namespace
}  // namespace vigil::capture
