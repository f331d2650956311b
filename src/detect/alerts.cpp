#include "vigil/detect/alerts.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "vigil/core/error.hpp"
#include "vigil/core/text_format.hpp"

namespace vigil::detect {
namespace {

// Where the EVE flow object's counters sit in FlowRecord::numeric.
struct CounterColumns {
  std::size_t spkts, dpkts, sbytes, dbytes;
};

const CounterColumns& counters() {
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

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The time an alert is stamped with: when its flow ended, or now when the flow
// (read from a CSV without times) does not say.
double event_time(const capture::FlowRecord& flow) {
  return flow.ltime > 0 ? flow.ltime : now_seconds();
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Suricata names IP protocols in upper case, ICMPv6 as IPv6-ICMP.
std::string eve_proto(const std::string& proto) {
  if (proto == "ipv6-icmp" || proto == "icmpv6") return "IPv6-ICMP";
  return upper(proto);
}

// The application protocol in Suricata's spelling (lower case), from nDPI's
// detection or else UNSW-NB15's service; empty when neither knows it.
std::string app_protocol(const capture::FlowRecord& flow) {
  std::string app = !flow.app_proto.empty() ? flow.app_proto : flow.service;
  for (char& c : app) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return app == "unknown" || app == "-" ? std::string() : app;
}

// Severity in CEF's 0-10 scale and RFC 5424's 0-7 scale, from Suricata's 1-3.
int cef_severity(int severity) { return severity <= 1 ? 9 : severity == 2 ? 6 : 3; }
int syslog_severity(int severity) { return severity <= 1 ? 2 : severity == 2 ? 4 : 5; }

void cef_header_text(std::string& out, const std::string& s) {
  for (char c : s) {
    if (c == '\\' || c == '|') out += '\\';
    out += c == '\n' || c == '\r' ? ' ' : c;
  }
}

void cef_value(std::string& out, const std::string& s) {
  for (char c : s) {
    if (c == '\\' || c == '=') out += '\\';
    if (c == '\n' || c == '\r') {
      out += "\\n";
      continue;
    }
    out += c;
  }
}

void sd_value(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\' || c == ']') out += '\\';
    out += c == '\n' || c == '\r' ? ' ' : c;
  }
  out += '"';
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

}  // namespace

AlertFormat parse_alert_format(const std::string& name) {
  if (name == "eve") return AlertFormat::kEve;
  if (name == "cef") return AlertFormat::kCef;
  if (name == "syslog") return AlertFormat::kSyslog;
  throw ParamError("alert format '" + name + "': expected eve, cef or syslog");
}

std::string eve_time(double epoch_seconds) {
  auto whole = static_cast<std::time_t>(std::floor(epoch_seconds));
  auto micros = static_cast<long>(std::llround((epoch_seconds - static_cast<double>(whole)) * 1e6));
  if (micros >= 1'000'000) {
    ++whole;
    micros -= 1'000'000;
  }
  std::tm tm{};
  gmtime_r(&whole, &tm);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06ld+0000", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
  return text;
}

AlertWriter::AlertWriter(AlertFormat format, ModelIdentity model, std::string hostname)
    : format_(format), model_(std::move(model)), hostname_(std::move(hostname)) {
  for (const auto& c : model_.class_names) info_.push_back(attack_info(c));
}

void AlertWriter::alert(const capture::FlowRecord& flow, const Verdict& verdict,
                        std::string& out) const {
  switch (format_) {
    case AlertFormat::kEve:
      eve(flow, verdict, true, out);
      break;
    case AlertFormat::kCef:
      cef(flow, verdict, out);
      break;
    case AlertFormat::kSyslog:
      syslog(flow, verdict, out);
      break;
  }
}

void AlertWriter::flow_event(const capture::FlowRecord& flow, const Verdict& verdict,
                             std::string& out) const {
  if (format_ == AlertFormat::kEve) eve(flow, verdict, false, out);
}

void AlertWriter::eve(const capture::FlowRecord& flow, const Verdict& verdict, bool alert,
                      std::string& out) const {
  const auto cls = static_cast<std::size_t>(verdict.predicted);
  const std::string& name = model_.class_names[cls];
  out += "{\"timestamp\":";
  append_json_text(out, eve_time(event_time(flow)));
  out += ",\"flow_id\":";
  append_number(out, static_cast<double>(flow.id));
  out += alert ? ",\"event_type\":\"alert\"" : ",\"event_type\":\"flow\"";
  if (!hostname_.empty()) {
    out += ",\"host\":";
    append_json_text(out, hostname_);
  }
  if (!flow.srcip.empty()) {
    out += ",\"src_ip\":";
    append_json_text(out, flow.srcip);
    out += ",\"src_port\":";
    append_number(out, flow.sport);
    out += ",\"dest_ip\":";
    append_json_text(out, flow.dstip);
    out += ",\"dest_port\":";
    append_number(out, flow.dsport);
  }
  out += ",\"proto\":";
  append_json_text(out, eve_proto(flow.proto));
  const std::string app = app_protocol(flow);
  if (!app.empty()) {
    out += ",\"app_proto\":";
    append_json_text(out, app);
  }
  if (alert) {
    const AttackInfo& info = info_[cls];
    out += ",\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":";
    append_number(out, signature_id(verdict.predicted));
    out += ",\"rev\":1,\"signature\":";
    append_json_text(out, name);
    out += ",\"category\":";
    append_json_text(out, info.category);
    out += ",\"severity\":";
    append_number(out, info.severity);
    out += '}';
  }
  const CounterColumns& c = counters();
  out += ",\"flow\":{\"pkts_toserver\":";
  append_json_number(out, counter(flow, c.spkts));
  out += ",\"pkts_toclient\":";
  append_json_number(out, counter(flow, c.dpkts));
  out += ",\"bytes_toserver\":";
  append_json_number(out, counter(flow, c.sbytes));
  out += ",\"bytes_toclient\":";
  append_json_number(out, counter(flow, c.dbytes));
  if (flow.stime > 0) {
    out += ",\"start\":";
    append_json_text(out, eve_time(flow.stime));
    out += ",\"end\":";
    append_json_text(out, eve_time(flow.ltime));
  }
  if (!flow.state.empty()) {
    out += ",\"state\":";
    append_json_text(out, flow.state);
  }
  out += "},\"vigil\":{\"class\":";
  append_json_text(out, name);
  out += ",\"confidence\":";
  append_json_float(out, verdict.confidence);
  out += ",\"probabilities\":{";
  for (std::size_t k = 0; k < verdict.probabilities.size(); ++k) {
    if (k > 0) out += ',';
    append_json_text(out, model_.class_names[k]);
    out += ':';
    append_json_float(out, verdict.probabilities[k]);
  }
  out += '}';
  if (verdict.anomaly) {
    out += ",\"anomaly\":{\"detector\":";
    append_json_text(out, model_.anomaly_detector);
    out += ",\"score\":";
    append_json_float(out, verdict.anomaly_score);
    out += ",\"threshold\":";
    append_json_number(out, model_.anomaly_threshold);
    out += '}';
  }
  out += ",\"model\":{\"name\":";
  append_json_text(out, model_.name);
  out += ",\"version\":";
  append_json_text(out, model_.version);
  out += ",\"file\":";
  append_json_text(out, model_.file);
  out += '}';
  if (!verdict.reasons.empty()) {
    out += ",\"reasons\":[";
    for (std::size_t i = 0; i < verdict.reasons.size(); ++i) {
      const Reason& r = verdict.reasons[i];
      out += i > 0 ? ",{\"feature\":" : "{\"feature\":";
      append_json_text(out, r.feature);
      out += ",\"value\":";
      append_json_text(out, r.value);
      out += ",\"weight\":";
      append_json_float(out, r.weight);
      out += '}';
    }
    out += ']';
  }
  out += "}}\n";
}

void AlertWriter::cef(const capture::FlowRecord& flow, const Verdict& verdict,
                      std::string& out) const {
  const auto cls = static_cast<std::size_t>(verdict.predicted);
  const AttackInfo& info = info_[cls];
  out += "CEF:0|Vigil|Vigil|" VIGIL_VERSION "|";
  out += std::to_string(signature_id(verdict.predicted));
  out += '|';
  cef_header_text(out, model_.class_names[cls]);
  out += '|';
  out += std::to_string(cef_severity(info.severity));
  out += "|rt=";
  out += std::to_string(static_cast<long long>(std::llround(event_time(flow) * 1000)));
  auto field = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    out += ' ';
    out += key;
    out += '=';
    cef_value(out, value);
  };
  if (!flow.srcip.empty()) {
    field("src", flow.srcip);
    field("spt", std::to_string(flow.sport));
    field("dst", flow.dstip);
    field("dpt", std::to_string(flow.dsport));
  }
  field("proto", eve_proto(flow.proto));
  field("app", app_protocol(flow));
  field("cat", info.category);
  field("externalId", std::to_string(flow.id));
  if (flow.stime > 0)
    field("start", std::to_string(static_cast<long long>(std::llround(flow.stime * 1000))));
  field("cfp1Label", "confidence");
  field("cfp1", probability_text(verdict.confidence));
  field("cs1Label", "model");
  field("cs1", model_.name + " " + model_.version);
  field("cs2Label", "reasons");
  field("cs2", reasons_text(verdict));
  out += '\n';
}

void AlertWriter::syslog(const capture::FlowRecord& flow, const Verdict& verdict,
                         std::string& out) const {
  const auto cls = static_cast<std::size_t>(verdict.predicted);
  const AttackInfo& info = info_[cls];
  const std::string& name = model_.class_names[cls];
  // Facility 4 (security/authorization), RFC 5424 section 6.2.1.
  out += '<';
  out += std::to_string(4 * 8 + syslog_severity(info.severity));
  out += ">1 ";
  std::string time = eve_time(event_time(flow));
  time.replace(time.size() - 5, 5, "Z");  // RFC 3339 UTC
  out += time;
  out += ' ';
  out += hostname_.empty() ? "-" : hostname_;
  out += " vigil ";
  out += std::to_string(static_cast<long>(getpid()));
  out += " ALERT [vigil@32473";  // 32473: the example enterprise number of RFC 5612
  auto param = [&](const char* key, const std::string& value) {
    out += ' ';
    out += key;
    out += '=';
    sd_value(out, value);
  };
  param("class", name);
  param("category", info.category);
  param("severity", std::to_string(info.severity));
  param("confidence", probability_text(verdict.confidence));
  param("flow_id", std::to_string(flow.id));
  if (!flow.srcip.empty()) {
    param("src", flow.srcip);
    param("sport", std::to_string(flow.sport));
    param("dst", flow.dstip);
    param("dport", std::to_string(flow.dsport));
  }
  param("proto", eve_proto(flow.proto));
  param("model", model_.name + " " + model_.version);
  out += "] ";
  out += name + " from " + endpoint(flow.srcip, flow.sport) + " to " +
         endpoint(flow.dstip, flow.dsport) + " (confidence " + probability_text(verdict.confidence);
  if (!verdict.reasons.empty()) out += "; " + reasons_text(verdict);
  out += ")\n";
}

}  // namespace vigil::detect
