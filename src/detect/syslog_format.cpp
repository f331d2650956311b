// RFC 5424 syslog: facility security/authorization, the verdict as
// structured data [vigil@32473 ...] and a sentence a person reads.
#include <unistd.h>

#include "detect/alert_fields.hpp"
#include "detect/alert_formats.hpp"

namespace vigil::detect {
namespace {

// RFC 5424's 0-7 scale from Suricata's 1-3.
int syslog_severity(int severity) { return severity <= 1 ? 2 : severity == 2 ? 4 : 5; }

void sd_value(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\' || c == ']') out += '\\';
    out += c == '\n' || c == '\r' ? ' ' : c;
  }
  out += '"';
}

class SyslogFormatter final : public AlertFormatter {
 public:
  explicit SyslogFormatter(const AlertContext& context) : c_(context) {}

  void alert(const capture::FlowRecord& flow, const Verdict& verdict,
             std::string& out) const override {
    const auto cls = static_cast<std::size_t>(verdict.predicted);
    const AttackInfo& info = c_.info[cls];
    const std::string& name = c_.model.class_names[cls];
    // Facility 4 (security/authorization), RFC 5424 section 6.2.1.
    out += '<';
    out += std::to_string(4 * 8 + syslog_severity(info.severity));
    out += ">1 ";
    std::string time = eve_time(event_time(flow));
    time.replace(time.size() - 5, 5, "Z");  // RFC 3339 UTC
    out += time;
    out += ' ';
    out += c_.hostname.empty() ? "-" : c_.hostname;
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
    param("model", c_.model.name + " " + c_.model.version);
    out += "] ";
    out += name + " from " + endpoint(flow.srcip, flow.sport) + " to " +
           endpoint(flow.dstip, flow.dsport) + " (confidence " +
           probability_text(verdict.confidence);
    if (!verdict.reasons.empty()) out += "; " + reasons_text(verdict);
    out += ")\n";
  }

 private:
  const AlertContext c_;
};

}  // namespace

std::unique_ptr<AlertFormatter> make_syslog_formatter(const AlertContext& context) {
  return std::make_unique<SyslogFormatter>(context);
}

}  // namespace vigil::detect
