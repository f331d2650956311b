#include "capture/flow_table.hpp"

#include <gtest/gtest.h>
#include <pcap/dlt.h>

#include <algorithm>
#include <map>

#include "capture/flow_features.hpp"
#include "capture/packets.hpp"

namespace vigil::capture {
namespace {

using vigil::testing::Bytes;

// Feeds hand-built IPv4 packets through a flow table and keeps the records.
class FlowTableTest : public ::testing::Test {
 protected:
  explicit FlowTableTest(FlowTableConfig config = {})
      : table_(config, service_, [this](Flow& f) { emit(f); }) {}

  void emit(Flow& f) {
    FlowRecord r = make_record(f, records.size() + 1, service_);
    window_.add(r, f);
    records.push_back(r);
  }

  void send(double time, const testing::Ipv4& ip, const Bytes& transport) {
    const Bytes packet = testing::ipv4_packet(ip, transport);
    DecodedPacket p;
    p.time = time;
    p.wire_length = static_cast<std::uint32_t>(packet.size());
    ASSERT_TRUE(decode_packet(DLT_RAW, packet.data(), static_cast<std::uint32_t>(packet.size()), p,
                              counts_));
    table_.add(p);
    table_.expire(time);
  }

  static testing::Ipv4 reply(testing::Ipv4 ip) {
    std::swap(ip.src, ip.dst);
    return ip;
  }

  double value(const FlowRecord& r, const std::string& column) const {
    const auto& names = numeric_columns();
    const auto it = std::find(names.begin(), names.end(), column);
    if (it == names.end()) {
      ADD_FAILURE() << "no numeric column " << column;
      return 0;
    }
    return r.numeric.at(static_cast<std::size_t>(it - names.begin()));
  }

  ServiceDetector service_;
  FlowTable table_;
  ConnectionWindow window_;
  std::array<std::uint64_t, static_cast<int>(Malformed::kCount)> counts_{};
  std::vector<FlowRecord> records;
};

TEST_F(FlowTableTest, TcpHandshakeDataAndTeardown) {
  testing::Ipv4 c2s;
  const testing::Ipv4 s2c = reply(c2s);
  testing::Tcp syn{.sport = 40000,
                   .dport = 80,
                   .seq = 100,
                   .ack = 0,
                   .flags = kSyn,
                   .window = 1000,
                   .window_scale = 2,
                   .payload = ""};
  testing::Tcp synack{.sport = 80,
                      .dport = 40000,
                      .seq = 900,
                      .ack = 101,
                      .flags = kSyn | kAck,
                      .window = 500,
                      .window_scale = 0,
                      .payload = ""};
  testing::Tcp ack{.sport = 40000,
                   .dport = 80,
                   .seq = 101,
                   .ack = 901,
                   .flags = kAck,
                   .window = 1000,
                   .window_scale = -1,
                   .payload = ""};
  testing::Tcp data = ack;
  data.payload = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  data.flags = kAck | kPsh;
  testing::Tcp response{.sport = 80,
                        .dport = 40000,
                        .seq = 901,
                        .ack = 128,
                        .flags = kAck | kPsh,
                        .window = 500,
                        .window_scale = -1,
                        .payload = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"};
  testing::Tcp fin{.sport = 40000,
                   .dport = 80,
                   .seq = 128,
                   .ack = 944,
                   .flags = kFin | kAck,
                   .window = 1000,
                   .window_scale = -1,
                   .payload = ""};
  testing::Tcp finack{.sport = 80,
                      .dport = 40000,
                      .seq = 944,
                      .ack = 129,
                      .flags = kFin | kAck,
                      .window = 500,
                      .window_scale = -1,
                      .payload = ""};
  send(10.000, c2s, testing::tcp_segment(syn));
  send(10.010, s2c, testing::tcp_segment(synack));
  send(10.011, c2s, testing::tcp_segment(ack));
  send(10.020, c2s, testing::tcp_segment(data));
  send(10.021, c2s, testing::tcp_segment(data));  // a retransmission
  send(10.050, s2c, testing::tcp_segment(response));
  send(10.060, c2s, testing::tcp_segment(fin));
  send(10.070, s2c, testing::tcp_segment(finack));
  table_.flush();
  ASSERT_EQ(records.size(), 1u);
  const FlowRecord& r = records[0];
  EXPECT_EQ(r.srcip, "10.0.0.1");
  EXPECT_EQ(r.sport, 40000);
  EXPECT_EQ(r.dsport, 80);
  EXPECT_EQ(r.state, "FIN");
  EXPECT_EQ(r.proto, "tcp");
  EXPECT_EQ(value(r, "spkts"), 5);
  EXPECT_EQ(value(r, "dpkts"), 3);
  EXPECT_EQ(value(r, "sloss"), 1);
  EXPECT_EQ(value(r, "dloss"), 0);
  EXPECT_NEAR(value(r, "dur"), 0.070, 1e-6);
  EXPECT_NEAR(value(r, "synack"), 0.010, 1e-6);
  EXPECT_NEAR(value(r, "ackdat"), 0.001, 1e-6);
  EXPECT_NEAR(value(r, "tcprtt"), 0.011, 1e-6);
  EXPECT_EQ(value(r, "stcpb"), 100);
  EXPECT_EQ(value(r, "dtcpb"), 900);
  EXPECT_EQ(value(r, "swin"), 4000);  // 1000 scaled by 2^2, as Argus reports it
  EXPECT_EQ(value(r, "dwin"), 500);
  EXPECT_EQ(value(r, "sttl"), 64);
  EXPECT_EQ(value(r, "trans_depth"), 1);  // the retransmitted request is not counted again
  EXPECT_EQ(value(r, "response_body_len"), 5);
  EXPECT_EQ(value(r, "ct_src_ltm"), 1);
  EXPECT_EQ(value(r, "is_sm_ips_ports"), 0);
  // Inter-arrival times of the source's five packets: 11, 9, 1, 39 ms.
  EXPECT_NEAR(value(r, "sinpkt"), 15.0, 1e-6);
}

// Retransmissions timed as Argus times them: synack from the latest SYN to
// the first SYN-ACK, ackdat from the latest SYN-ACK to the ACK. Repeated SYNs
// count as loss, a repeated bare FIN does not (Argus counts them so).
TEST_F(FlowTableTest, RetransmittedHandshakeAndFin) {
  testing::Ipv4 c2s;
  const testing::Ipv4 s2c = reply(c2s);
  testing::Tcp syn{.sport = 40000,
                   .dport = 80,
                   .seq = 100,
                   .ack = 0,
                   .flags = kSyn,
                   .window = 1000,
                   .window_scale = -1,
                   .payload = ""};
  testing::Tcp synack{.sport = 80,
                      .dport = 40000,
                      .seq = 900,
                      .ack = 101,
                      .flags = kSyn | kAck,
                      .window = 500,
                      .window_scale = -1,
                      .payload = ""};
  testing::Tcp ack{.sport = 40000,
                   .dport = 80,
                   .seq = 101,
                   .ack = 901,
                   .flags = kAck,
                   .window = 1000,
                   .window_scale = -1,
                   .payload = ""};
  testing::Tcp fin = ack;
  fin.flags = kFin | kAck;
  send(0.0, c2s, testing::tcp_segment(syn));
  send(1.0, c2s, testing::tcp_segment(syn));  // no answer yet: the SYN again
  send(1.002, s2c, testing::tcp_segment(synack));
  send(4.0, c2s, testing::tcp_segment(syn));  // the SYN-ACK was lost on its way: both again
  send(4.003, s2c, testing::tcp_segment(synack));
  send(4.5, c2s, testing::tcp_segment(ack));
  send(5.0, c2s, testing::tcp_segment(fin));
  send(5.2, c2s, testing::tcp_segment(fin));
  table_.flush();
  ASSERT_EQ(records.size(), 1u);
  const FlowRecord& r = records[0];
  EXPECT_NEAR(value(r, "synack"), 0.002, 1e-6);
  EXPECT_NEAR(value(r, "ackdat"), 0.497, 1e-6);
  EXPECT_NEAR(value(r, "tcprtt"), 0.499, 1e-6);
  EXPECT_EQ(value(r, "sloss"), 2);
  EXPECT_EQ(value(r, "dloss"), 1);
  EXPECT_EQ(value(r, "spkts"), 6);
}

// Each DNS query over UDP and its answer are one flow, as in Argus's output
// (and so in UNSW-NB15); other UDP exchanges on one port pair stay one flow.
TEST_F(FlowTableTest, EachDnsTransactionIsAFlow) {
  testing::Ipv4 a = testing::udp_ip();
  send(1.0, a, testing::udp_datagram(5000, 53, "q1"));
  send(1.1, reply(a), testing::udp_datagram(53, 5000, "r1"));
  send(2.0, a, testing::udp_datagram(5000, 53, "q2"));
  send(2.1, reply(a), testing::udp_datagram(53, 5000, "r2"));
  send(3.0, a, testing::udp_datagram(6000, 9999, "x"));
  send(3.1, reply(a), testing::udp_datagram(9999, 6000, "y"));
  send(4.0, a, testing::udp_datagram(6000, 9999, "x"));
  table_.flush();
  ASSERT_EQ(records.size(), 3u);
  std::size_t dns = 0;
  for (const auto& r : records) {
    if (r.dsport == 53) {
      ++dns;
      EXPECT_EQ(value(r, "spkts"), 1);
      EXPECT_EQ(value(r, "dpkts"), 1);
    } else {
      EXPECT_EQ(value(r, "spkts"), 2);
    }
  }
  EXPECT_EQ(dns, 2u);
}

TEST_F(FlowTableTest, UdpStatesAndConnectionCounts) {
  testing::Ipv4 a = testing::udp_ip();
  send(1.0, a, testing::udp_datagram(5000, 53, "q1"));
  send(1.1, reply(a), testing::udp_datagram(53, 5000, "r1"));
  testing::Ipv4 b = testing::udp_ip();
  b.dst[3] = 9;
  send(2.0, b, testing::udp_datagram(5001, 53, "q2"));
  table_.flush();
  ASSERT_EQ(records.size(), 2u);
  std::map<std::string, std::string> state;
  for (const auto& r : records) state[r.dstip] = r.state;
  EXPECT_EQ(state["10.0.0.2"], "CON");
  EXPECT_EQ(state["10.0.0.9"], "INT");
  // Both came from 10.0.0.1 to port 53: the second sees the first in its window.
  EXPECT_EQ(value(records[1], "ct_src_ltm"), 2);
  EXPECT_EQ(value(records[1], "ct_src_dport_ltm"), 2);
  EXPECT_EQ(value(records[1], "ct_dst_ltm"), 1);
}

TEST_F(FlowTableTest, IdleTimeoutSplitsAFlow) {
  testing::Ipv4 a = testing::udp_ip();
  send(0.0, a, testing::udp_datagram(5000, 9999, "x"));
  send(30.0, a, testing::udp_datagram(5000, 9999, "x"));
  send(200.0, a,
       testing::udp_datagram(5000, 9999, "x"));  // 170 s later: past the 60 s idle timeout
  table_.flush();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(value(records[0], "spkts"), 2);
  EXPECT_EQ(value(records[1], "spkts"), 1);
}

TEST_F(FlowTableTest, FragmentsJoinTheirFlow) {
  testing::Ipv4 first;
  first.protocol = 17;
  first.id = 42;
  first.fragment = 0x2000;  // more fragments, offset 0
  testing::Ipv4 later = first;
  later.fragment = 185;  // offset 1480 bytes, last fragment
  send(1.0, first, testing::udp_datagram(7000, 7001, std::string(100, 'a')));
  send(1.001, later, Bytes(60, 0x61));
  table_.flush();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].sport, 7000);
  EXPECT_EQ(value(records[0], "spkts"), 2);
}

class CappedFlowTable : public FlowTableTest {
 protected:
  CappedFlowTable() : FlowTableTest(FlowTableConfig{60, 5, 1800, 4}) {}
};

TEST_F(CappedFlowTable, EvictsTheLeastRecentlyActiveFlow) {
  testing::Ipv4 a = testing::udp_ip();
  for (int i = 0; i < 10; ++i) {
    a.src[3] = static_cast<std::uint8_t>(100 + i);  // spoofed sources
    send(1.0 + i * 0.01, a, testing::udp_datagram(1234, 80, "x"));
  }
  EXPECT_EQ(table_.active(), 4u);
  EXPECT_EQ(table_.stats().evicted, 6u);
  table_.flush();
  ASSERT_EQ(records.size(), 10u);
  EXPECT_EQ(records[0].srcip, "10.0.0.100");  // the oldest went first
}

// A flood of first fragments that never complete, from spoofed sources: the
// ports kept for their later fragments stay within the flow cap, and the
// table is swept once per eighth of the cap (100 fragments here), not once
// per fragment, so the work per fragment stays constant.
class FragmentFlood : public FlowTableTest {
 protected:
  FragmentFlood() : FlowTableTest(FlowTableConfig{60, 5, 1800, 800}) {}
};

TEST_F(FragmentFlood, StaysWithinTheCapWithBoundedWork) {
  testing::Ipv4 first;
  first.protocol = 17;
  first.fragment = 0x2000;  // more fragments follow, offset 0: they never come
  for (int i = 0; i < 10000; ++i) {
    first.id = static_cast<std::uint16_t>(i);
    first.src[2] = static_cast<std::uint8_t>(i >> 8);
    first.src[3] = static_cast<std::uint8_t>(i);
    send(1.0 + i * 1e-4, first, testing::udp_datagram(7000, 7001, "x"));
    ASSERT_LE(table_.pending_fragments(), 801u) << i;
  }
  // 9,200 fragments past the cap, 100 per sweep.
  EXPECT_LE(table_.stats().fragment_sweeps, 93u);
  EXPECT_LE(table_.active(), 800u);
}

}  // namespace
}  // namespace vigil::capture
