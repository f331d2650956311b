#include "capture/flow_features.hpp"

#include <netinet/in.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <string_view>

namespace vigil::capture {
namespace {

// Numeric columns of a record, in the partition files' order.
enum Col : std::size_t {
  kDur,
  kSpkts,
  kDpkts,
  kSbytes,
  kDbytes,
  kRate,
  kSttl,
  kDttl,
  kSload,
  kDload,
  kSloss,
  kDloss,
  kSinpkt,
  kDinpkt,
  kSjit,
  kDjit,
  kSwin,
  kStcpb,
  kDtcpb,
  kDwin,
  kTcprtt,
  kSynack,
  kAckdat,
  kSmean,
  kDmean,
  kTransDepth,
  kResponseBodyLen,
  kCtSrvSrc,
  kCtStateTtl,
  kCtDstLtm,
  kCtSrcDportLtm,
  kCtDstSportLtm,
  kCtDstSrcLtm,
  kIsFtpLogin,
  kCtFtpCmd,
  kCtFlwHttpMthd,
  kCtSrcLtm,
  kCtSrvDst,
  kIsSmIpsPorts,
  kNumeric
};

// Load in bits per second over the flow's duration, leaving out the first
// packet's bytes (a load needs an interval, which the first packet opens).
double load(const DirectionStats& d, double dur) {
  if (dur <= 0 || d.packets == 0) return 0;
  const double after_first = static_cast<double>(d.bytes) * static_cast<double>(d.packets - 1) /
                             static_cast<double>(d.packets);
  return after_first * 8.0 / dur;
}

}  // namespace

const std::vector<std::string>& record_columns() {
  static const std::vector<std::string> columns = {
      "id", "dur", "proto", "service", "state", "spkts", "dpkts", "sbytes", "dbytes", "rate",
      "sttl", "dttl", "sload", "dload", "sloss", "dloss", "sinpkt", "dinpkt", "sjit", "djit",
      "swin", "stcpb", "dtcpb", "dwin", "tcprtt", "synack", "ackdat", "smean", "dmean",
      "trans_depth", "response_body_len", "ct_srv_src", "ct_state_ttl", "ct_dst_ltm",
      "ct_src_dport_ltm", "ct_dst_sport_ltm", "ct_dst_src_ltm", "is_ftp_login", "ct_ftp_cmd",
      "ct_flw_http_mthd", "ct_src_ltm", "ct_srv_dst", "is_sm_ips_ports",
      // identifying columns, and nDPI's name for the application protocol
      "srcip", "sport", "dstip", "dsport", "stime", "ltime", "app_proto"};
  return columns;
}

namespace {

// The columns that are not numeric features, and where each sits.
const std::map<std::string, RecordField>& named_fields() {
  static const std::map<std::string, RecordField> fields = {{"id", RecordField::kId},
                                                            {"proto", RecordField::kProto},
                                                            {"service", RecordField::kService},
                                                            {"state", RecordField::kState},
                                                            {"app_proto", RecordField::kAppProto},
                                                            {"srcip", RecordField::kSrcip},
                                                            {"dstip", RecordField::kDstip},
                                                            {"sport", RecordField::kSport},
                                                            {"dsport", RecordField::kDsport},
                                                            {"stime", RecordField::kStime},
                                                            {"ltime", RecordField::kLtime}};
  return fields;
}

}  // namespace

const std::vector<std::string>& numeric_columns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> out;
    for (const auto& c : record_columns()) {
      if (!named_fields().count(c)) out.push_back(c);
    }
    return out;
  }();
  return columns;
}

RecordColumn record_column(const std::string& name) {
  if (const auto it = named_fields().find(name); it != named_fields().end()) return {it->second, 0};
  const auto& numeric = numeric_columns();
  const auto at = std::find(numeric.begin(), numeric.end(), name);
  if (at == numeric.end()) return {};
  return {RecordField::kNumeric, static_cast<std::size_t>(at - numeric.begin())};
}

bool is_text_field(RecordField field) {
  return field == RecordField::kProto || field == RecordField::kService ||
         field == RecordField::kState || field == RecordField::kAppProto ||
         field == RecordField::kSrcip || field == RecordField::kDstip;
}

const char* protocol_name(std::uint8_t protocol, std::uint8_t) {
  switch (protocol) {
    case IPPROTO_TCP:
      return "tcp";
    case IPPROTO_UDP:
      return "udp";
    case IPPROTO_ICMP:
      return "icmp";
    case IPPROTO_ICMPV6:
      return "ipv6-icmp";
    case IPPROTO_IGMP:
      return "igmp";
    case IPPROTO_GRE:
      return "gre";
    case IPPROTO_ESP:
      return "esp";
    case IPPROTO_AH:
      return "ah";
    case IPPROTO_SCTP:
      return "sctp";
    case IPPROTO_IPIP:
      return "ipnip";
    case IPPROTO_IPV6:
      return "ipv6";
    case 89:
      return "ospf";
    case IPPROTO_PIM:
      return "pim";
    case 112:
      return "vrrp";
    case IPPROTO_UDPLITE:
      return "udplite";
    default:
      return nullptr;
  }
}

// Argus-style states (docs/features.md lists each rule).
const char* flow_state(const Flow& f) {
  const bool both_ways = f.dir[1].packets > 0;
  if (f.protocol == IPPROTO_TCP) {
    if (f.rst) return "RST";
    if (f.dir[0].fin || f.dir[1].fin) return "FIN";
    if (f.ack_time >= 0) return "CON";
    if (f.synack_time >= 0) return "ACC";
    if (f.syn_time >= 0) return "REQ";
    return both_ways ? "CON" : "INT";
  }
  if (f.protocol == IPPROTO_ICMP || f.protocol == IPPROTO_ICMPV6) {
    const bool v6 = f.protocol == IPPROTO_ICMPV6;
    if (f.icmp_reply) return "ECR";
    if (f.icmp_type == (v6 ? 128 : 8)) return "ECO";
    if (f.icmp_type == (v6 ? 1 : 3)) {
      if (v6) return f.icmp_code == 4 ? "URP" : f.icmp_code == 3 ? "URH" : "URN";
      return f.icmp_code == 3 ? "URP" : f.icmp_code == 1 ? "URH" : "URN";
    }
    if (f.icmp_type == (v6 ? 3 : 11)) return "TXD";
  }
  return both_ways ? "CON" : "INT";
}

FlowRecord make_record(const Flow& f, std::uint64_t id, const ServiceDetector& service) {
  FlowRecord r;
  r.id = id;
  r.srcip = address_text(f.src, f.ip_version);
  r.dstip = address_text(f.dst, f.ip_version);
  const bool icmp = f.protocol == IPPROTO_ICMP || f.protocol == IPPROTO_ICMPV6;
  r.sport = icmp ? f.icmp_type : f.src_port;
  r.dsport = icmp ? f.icmp_code : f.dst_port;
  r.stime = f.first_time;
  r.ltime = f.last_time;
  const char* name = protocol_name(f.protocol, f.ip_version);
  r.proto = name ? name : std::to_string(f.protocol);
  r.service = ServiceDetector::unsw_service(f.service);
  r.app_proto = service.ndpi_name(f.service);
  r.state = flow_state(f);

  const DirectionStats& s = f.dir[0];
  const DirectionStats& d = f.dir[1];
  std::vector<double>& v = r.numeric;
  v.assign(kNumeric, 0.0);
  const double dur = f.last_time - f.first_time;
  v[kDur] = dur;
  v[kSpkts] = static_cast<double>(s.packets);
  v[kDpkts] = static_cast<double>(d.packets);
  v[kSbytes] = static_cast<double>(s.bytes);
  v[kDbytes] = static_cast<double>(d.bytes);
  v[kRate] = dur > 0 ? static_cast<double>(s.packets + d.packets - 1) / dur : 0.0;
  v[kSttl] = s.first_ttl;
  v[kDttl] = d.first_ttl;
  v[kSload] = load(s, dur);
  v[kDload] = load(d, dur);
  v[kSloss] = static_cast<double>(s.retransmits);
  v[kDloss] = static_cast<double>(d.retransmits);
  v[kSinpkt] = s.gap_mean * 1000.0;
  v[kDinpkt] = d.gap_mean * 1000.0;
  // Jitter: the population standard deviation of the gaps, as Argus reports it.
  v[kSjit] = s.gaps > 1 ? std::sqrt(s.gap_m2 / static_cast<double>(s.gaps)) * 1000.0 : 0.0;
  v[kDjit] = d.gaps > 1 ? std::sqrt(d.gap_m2 / static_cast<double>(d.gaps)) * 1000.0 : 0.0;
  // As Argus reports them: the latest window advertised, scaled by the
  // direction's own window-scale option when its SYN carried one.
  v[kSwin] =
      std::ldexp(s.last_window, s.window_scale == 0xff ? 0 : std::min<int>(s.window_scale, 14));
  v[kStcpb] = s.base_seq;
  v[kDtcpb] = d.base_seq;
  v[kDwin] =
      std::ldexp(d.last_window, d.window_scale == 0xff ? 0 : std::min<int>(d.window_scale, 14));
  if (f.synack_time >= 0) v[kSynack] = f.synack_time - f.syn_time;
  if (f.ack_time >= 0) v[kAckdat] = f.ack_time - f.last_synack_time;
  v[kTcprtt] = v[kSynack] + v[kAckdat];
  v[kSmean] =
      s.packets ? std::round(static_cast<double>(s.bytes) / static_cast<double>(s.packets)) : 0.0;
  v[kDmean] =
      d.packets ? std::round(static_cast<double>(d.bytes) / static_cast<double>(d.packets)) : 0.0;
  v[kTransDepth] = f.app.http_requests;
  v[kResponseBodyLen] = static_cast<double>(f.app.http_body_bytes);
  v[kIsFtpLogin] = f.app.ftp_logged_in ? 1 : 0;
  v[kCtFtpCmd] = f.app.ftp_commands;
  v[kCtFlwHttpMthd] = f.app.http_get_post;
  v[kIsSmIpsPorts] = (f.src == f.dst && f.src_port == f.dst_port) ? 1 : 0;
  return r;
}

namespace {

std::uint64_t first_bytes(std::string_view s) {
  std::uint64_t word = 0;
  std::memcpy(&word, s.data(), std::min<std::size_t>(s.size(), 8));
  return word;
}

}  // namespace

void ConnectionWindow::add(FlowRecord& r, const Flow& f) {
  Entry e;
  std::memcpy(e.src, f.src.data(), 16);
  std::memcpy(e.dst, f.dst.data(), 16);
  e.sport = f.src_port;
  e.dport = f.dst_port;
  e.service = first_bytes(r.service);
  e.state_ttl =
      (first_bytes(r.state) << 16) | (std::uint64_t{f.dir[0].first_ttl} << 8) | f.dir[1].first_ttl;
  ring_[next_] = e;
  next_ = (next_ + 1) % ring_.size();
  if (size_ < ring_.size()) ++size_;
  // Counts over the last 100 connections, this one included (so at least 1).
  std::uint32_t srv_src = 0, srv_dst = 0, dst = 0, src = 0, src_dport = 0, dst_sport = 0,
                dst_src = 0, state_ttl = 0;
  for (std::size_t i = 0; i < size_; ++i) {
    const Entry& o = ring_[i];
    const bool same_src = o.src[0] == e.src[0] && o.src[1] == e.src[1];
    const bool same_dst = o.dst[0] == e.dst[0] && o.dst[1] == e.dst[1];
    const bool same_service = o.service == e.service;
    srv_src += same_src && same_service;
    srv_dst += same_dst && same_service;
    dst += same_dst;
    src += same_src;
    src_dport += same_src && o.dport == e.dport;
    dst_sport += same_dst && o.sport == e.sport;
    dst_src += same_src && same_dst;
    state_ttl += o.state_ttl == e.state_ttl;
  }
  std::vector<double>& v = r.numeric;
  v[kCtSrvSrc] = srv_src;
  v[kCtStateTtl] = state_ttl;
  v[kCtDstLtm] = dst;
  v[kCtSrcDportLtm] = src_dport;
  v[kCtDstSportLtm] = dst_sport;
  v[kCtDstSrcLtm] = dst_src;
  v[kCtSrcLtm] = src;
  v[kCtSrvDst] = srv_dst;
}

}  // namespace vigil::capture
