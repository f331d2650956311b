// What a verdict becomes in the outside world: Suricata-compatible EVE JSON
// lines (alert and flow events), ArcSight CEF, or RFC 5424 syslog, one line each.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vigil/capture/flow_record.hpp"

namespace vigil::detect {

enum class AlertFormat { kEve, kCef, kSyslog };
AlertFormat parse_alert_format(const std::string& name);  // eve, cef, syslog

// How an attack type is filed: a Suricata classtype description and a
// severity in Suricata's scale (1 high, 2 medium, 3 low).
struct AttackInfo {
  std::string category;
  int severity = 2;
};
// UNSW-NB15's nine attack types (and a few other datasets' names) have fixed
// entries; any other class name is "Misc Attack", severity 2.
AttackInfo attack_info(const std::string& class_name);

// One feature that pushed a verdict, as the alert reports it.
struct Reason {
  std::string feature;
  std::string value;  // the flow's value before encoding
  float weight = 0;   // drop in the class's probability without it
};

struct Verdict {
  std::int32_t predicted = 0;
  float confidence = 0;
  std::span<const float> probabilities;  // one per class
  bool alert = false;
  std::vector<Reason> reasons;
  // A hybrid's anomaly alert: the classifier said benign, the detector flagged
  // the flow (predicted is then the Unknown/anomaly class, after the model's).
  bool anomaly = false;
  float anomaly_score = 0;
};

// The class name a hybrid's anomaly alerts carry.
inline const char* const kUnknownClass = "Unknown/anomaly";

// Everything about the model an alert names.
struct ModelIdentity {
  std::string name;     // registry name ("rf", "mlp")
  std::string version;  // checksum of the model file, so an alert names the exact model
  std::string file;
  std::vector<std::string>
      class_names;               // with kUnknownClass last when the model has an anomaly detector
  std::string anomaly_detector;  // its name ("kmeans"), or empty
  double anomaly_threshold = 0;
};

class AlertWriter {
 public:
  AlertWriter(AlertFormat format, ModelIdentity model, std::string hostname);

  // Appends one alert line (with '\n') for a flow whose verdict is an attack.
  void alert(const capture::FlowRecord& flow, const Verdict& verdict, std::string& out) const;
  // Appends one EVE "flow" event with the verdict (EVE only; CEF and syslog
  // carry alerts only, so this appends nothing for them).
  void flow_event(const capture::FlowRecord& flow, const Verdict& verdict, std::string& out) const;

  // Suricata's signature id for a class: 9,100,000 + its index in the model.
  static std::uint32_t signature_id(std::int32_t cls) {
    return 9'100'000u + static_cast<std::uint32_t>(cls);
  }

 private:
  void eve(const capture::FlowRecord& flow, const Verdict& verdict, bool alert,
           std::string& out) const;
  void cef(const capture::FlowRecord& flow, const Verdict& verdict, std::string& out) const;
  void syslog(const capture::FlowRecord& flow, const Verdict& verdict, std::string& out) const;

  AlertFormat format_;
  ModelIdentity model_;
  std::string hostname_;
  std::vector<AttackInfo> info_;  // per class
};

// An ISO 8601 time in UTC with microseconds, as EVE writes it:
// 2026-11-22T20:06:30.123456+0000.
std::string eve_time(double epoch_seconds);

}  // namespace vigil::detect
