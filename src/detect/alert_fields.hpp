// What the alert formats share: a flow's time, protocol and application
// names as Suricata spells them, its packet and byte counters, and the text
// of a verdict's confidence and reasons.
#pragma once

#include <string>

#include "vigil/capture/flow_record.hpp"
#include "vigil/detect/alerts.hpp"

namespace vigil::detect {

// When the flow ended, or now when the flow (a CSV row without times) does not say.
double event_time(const capture::FlowRecord& flow);

// IP protocols in upper case, ICMPv6 as IPv6-ICMP.
std::string eve_proto(const std::string& proto);

// The application protocol in Suricata's spelling (lower case), from nDPI's
// detection or else UNSW-NB15's service; empty when neither knows it.
std::string app_protocol(const capture::FlowRecord& flow);

// The flow's packets and bytes each way (NaN where the record lacks them).
struct FlowCounters {
  double packets_to_server, packets_to_client, bytes_to_server, bytes_to_client;
};
FlowCounters flow_counters(const capture::FlowRecord& flow);

std::string probability_text(float p);  // "0.8125"
// "sttl=254 (0.3100), dload=0 (0.1200)"
std::string reasons_text(const Verdict& v);
// "10.0.0.1:80", "[fe80::1]:80", or "?" without an address.
std::string endpoint(const std::string& ip, std::uint16_t port);

}  // namespace vigil::detect
