// Suricata's EVE JSON: alert and flow events that pass Suricata's own schema
// (etc/schema.json, closed to unknown keys). Vigil's verdict goes where the
// schema takes extensions: alert.metadata.vigil in alerts, and in flow events
// a flow variable, metadata.flowvars[0].vigil (docs/detect.md).
#include <cmath>

#include "detect/alert_fields.hpp"
#include "detect/alert_formats.hpp"
#include "vigil/capture/community_id.hpp"
#include "vigil/core/json_writer.hpp"

namespace vigil::detect {
namespace {

bool is_icmp(const std::string& proto) {
  return proto == "icmp" || proto == "ipv6-icmp" || proto == "icmpv6";
}

void unsigned_counter(JsonWriter& w, const char* name, double value) {
  if (std::isfinite(value) && value >= 0) {
    w.field(name, static_cast<std::uint64_t>(std::llround(value)));
  }
}

class EveFormatter final : public AlertFormatter {
 public:
  explicit EveFormatter(const AlertContext& context) : c_(context) {}

  void alert(const capture::FlowRecord& flow, const Verdict& verdict,
             std::string& out) const override {
    event(flow, verdict, true, out);
  }
  void flow_event(const capture::FlowRecord& flow, const Verdict& verdict,
                  std::string& out) const override {
    event(flow, verdict, false, out);
  }

 private:
  void event(const capture::FlowRecord& flow, const Verdict& verdict, bool alert,
             std::string& out) const {
    const auto cls = static_cast<std::size_t>(verdict.predicted);
    JsonWriter w(out);
    w.begin_object();
    w.field("timestamp", eve_time(event_time(flow)));
    w.field("flow_id", flow.id);
    w.field("event_type", alert ? "alert" : "flow");
    if (!c_.hostname.empty()) w.field("host", c_.hostname);
    if (!flow.srcip.empty()) {
      w.field("src_ip", flow.srcip);
      if (!is_icmp(flow.proto)) w.field("src_port", flow.sport);
      w.field("dest_ip", flow.dstip);
      if (!is_icmp(flow.proto)) w.field("dest_port", flow.dsport);
    }
    w.field("proto", eve_proto(flow.proto));
    if (is_icmp(flow.proto) && !flow.srcip.empty()) {
      // ICMP has no ports: Vigil's flows keep its type and code there.
      w.field("icmp_type", flow.sport);
      w.field("icmp_code", flow.dsport);
    }
    if (const std::string app = app_protocol(flow); !app.empty()) w.field("app_proto", app);
    if (const std::string id = capture::community_id(flow); !id.empty()) {
      w.field("community_id", id);
    }
    if (alert) {
      const AttackInfo& info = c_.info[cls];
      w.key("alert").begin_object();
      w.field("action", "allowed");
      w.field("gid", 1);
      w.field("signature_id", AlertWriter::signature_id(verdict.predicted));
      w.field("rev", 1);
      w.field("signature", c_.model.class_names[cls]);
      w.field("category", info.category);
      w.field("severity", info.severity);
      w.key("metadata").begin_object();
      w.key("vigil");
      verdict_object(w, verdict);
      w.end_object();
      w.end_object();
    }
    flow_object(w, flow, verdict);
    if (!alert) {
      w.key("metadata").begin_object().key("flowvars").begin_array().begin_object();
      w.key("vigil");
      verdict_object(w, verdict);
      w.end_object().end_array().end_object();
    }
    w.end_object();
    out += '\n';
  }

  static void flow_object(JsonWriter& w, const capture::FlowRecord& flow, const Verdict& verdict) {
    const FlowCounters n = flow_counters(flow);
    w.key("flow").begin_object();
    unsigned_counter(w, "pkts_toserver", n.packets_to_server);
    unsigned_counter(w, "pkts_toclient", n.packets_to_client);
    unsigned_counter(w, "bytes_toserver", n.bytes_to_server);
    unsigned_counter(w, "bytes_toclient", n.bytes_to_client);
    if (flow.stime > 0) {
      w.field("start", eve_time(flow.stime));
      w.field("end", eve_time(flow.ltime));
    }
    if (!flow.state.empty()) w.field("state", flow.state);
    w.field("alerted", verdict.alert);
    w.end_object();
  }

  void verdict_object(JsonWriter& w, const Verdict& verdict) const {
    const auto cls = static_cast<std::size_t>(verdict.predicted);
    w.begin_object();
    w.field("class", c_.model.class_names[cls]);
    w.field("confidence", verdict.confidence);
    w.key("probabilities").begin_object();
    for (std::size_t k = 0; k < verdict.probabilities.size(); ++k) {
      w.field(c_.model.class_names[k], verdict.probabilities[k]);
    }
    w.end_object();
    if (verdict.anomaly) {
      w.key("anomaly").begin_object();
      w.field("detector", c_.model.anomaly_detector);
      w.field("score", verdict.anomaly_score);
      w.field("threshold", c_.model.anomaly_threshold);
      w.end_object();
    }
    w.key("model").begin_object();
    w.field("name", c_.model.name);
    w.field("version", c_.model.version);
    w.field("file", c_.model.file);
    w.end_object();
    if (!verdict.reasons.empty()) {
      w.key("reasons").begin_array();
      for (const Reason& r : verdict.reasons) {
        w.begin_object();
        w.field("feature", r.feature);
        w.field("value", r.value);
        w.field("weight", r.weight);
        w.end_object();
      }
      w.end_array();
    }
    w.end_object();
  }

  const AlertContext c_;  // a copy: the formatter outlives no one
};

}  // namespace

std::unique_ptr<AlertFormatter> make_eve_formatter(const AlertContext& context) {
  return std::make_unique<EveFormatter>(context);
}

}  // namespace vigil::detect
