// ArcSight's Common Event Format: one line per alert, with the verdict in
// custom fields (cfp1 confidence, cs1 model, cs2 reasons).
#include <cmath>

#include "detect/alert_fields.hpp"
#include "detect/alert_formats.hpp"

namespace vigil::detect {
namespace {

// CEF's 0-10 severity from Suricata's 1-3.
int cef_severity(int severity) { return severity <= 1 ? 9 : severity == 2 ? 6 : 3; }

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

class CefFormatter final : public AlertFormatter {
 public:
  explicit CefFormatter(const AlertContext& context) : c_(context) {}

  void alert(const capture::FlowRecord& flow, const Verdict& verdict,
             std::string& out) const override {
    const auto cls = static_cast<std::size_t>(verdict.predicted);
    const AttackInfo& info = c_.info[cls];
    out += "CEF:0|Vigil|Vigil|" VIGIL_VERSION "|";
    out += std::to_string(AlertWriter::signature_id(verdict.predicted));
    out += '|';
    cef_header_text(out, c_.model.class_names[cls]);
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
    field("cs1", c_.model.name + " " + c_.model.version);
    field("cs2Label", "reasons");
    field("cs2", reasons_text(verdict));
    out += '\n';
  }

 private:
  const AlertContext c_;
};

}  // namespace

std::unique_ptr<AlertFormatter> make_cef_formatter(const AlertContext& context) {
  return std::make_unique<CefFormatter>(context);
}

}  // namespace vigil::detect
