#include "detect/alert_fields.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace vigil::detect {
namespace {

struct CounterColumns {
  std::size_t spkts, dpkts, sbytes, dbytes;
};

// Where the counters sit in FlowRecord::numeric.
const CounterColumns& counter_columns() {
  static const CounterColumns c = [] {
    const auto& names = capture::numeric_columns();
    auto at = [&](const char* n) {
      return static_cast<std::size_t>(std::find(names.begin(), names.end(), n) - names.begin());
    };
    return CounterColumns{at("spkts"), at("dpkts"), at("sbytes"), at("dbytes")};
  }();
  return c;
}

double counter(const capture::FlowRecord& flow, std::size_t column) {
  return column < flow.numeric.size() ? flow.numeric[column] : std::nan("");
}

}  // namespace

double event_time(const capture::FlowRecord& flow) {
  if (flow.ltime > 0) return flow.ltime;
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string eve_proto(const std::string& proto) {
  if (proto == "ipv6-icmp" || proto == "icmpv6") return "IPv6-ICMP";
  std::string s = proto;
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string app_protocol(const capture::FlowRecord& flow) {
  std::string app = !flow.app_proto.empty() ? flow.app_proto : flow.service;
  for (char& c : app) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return app == "unknown" || app == "-" ? std::string() : app;
}

FlowCounters flow_counters(const capture::FlowRecord& flow) {
  const CounterColumns& c = counter_columns();
  return {counter(flow, c.spkts), counter(flow, c.dpkts), counter(flow, c.sbytes),
          counter(flow, c.dbytes)};
}

std::string probability_text(float p) {
  char text[16];
  std::snprintf(text, sizeof text, "%.4f", static_cast<double>(p));
  return text;
}

std::string reasons_text(const Verdict& v) {
  std::string s;
  for (const Reason& r : v.reasons) {
    if (!s.empty()) s += ", ";
    s += r.feature + "=" + r.value + " (" + probability_text(r.weight) + ")";
  }
  return s;
}

std::string endpoint(const std::string& ip, std::uint16_t port) {
  if (ip.empty()) return "?";
  return ip.find(':') != std::string::npos ? "[" + ip + "]:" + std::to_string(port)
                                           : ip + ":" + std::to_string(port);
}

}  // namespace vigil::detect
