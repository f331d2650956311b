// The registry of alert formats: `vigil detect --format` lists and finds them here.
#include "detect/alert_formats.hpp"

#include "vigil/core/error.hpp"

namespace vigil::detect {

const std::vector<AlertFormatInfo>& alert_formats() {
  static const std::vector<AlertFormatInfo> formats = {
      {"eve", "Suricata EVE JSON (alert and flow events; passes Suricata's schema)",
       &make_eve_formatter},
      {"cef", "ArcSight Common Event Format", &make_cef_formatter},
      {"syslog", "RFC 5424 syslog with structured data", &make_syslog_formatter},
  };
  return formats;
}

std::vector<std::string> alert_format_names() {
  std::vector<std::string> names;
  for (const auto& f : alert_formats()) names.push_back(f.name);
  return names;
}

AlertWriter::AlertWriter(const std::string& format, ModelIdentity model, std::string hostname) {
  AlertContext context{std::move(model), std::move(hostname), {}};
  for (const auto& c : context.model.class_names) context.info.push_back(attack_info(c));
  for (const auto& f : alert_formats()) {
    if (f.name == format) {
      formatter_ = f.make(context);
      return;
    }
  }
  std::string names;
  for (const auto& n : alert_format_names()) names += (names.empty() ? "" : ", ") + n;
  throw ParamError("alert format '" + format + "': expected one of " + names);
}

}  // namespace vigil::detect
