// What a verdict becomes in the outside world: Suricata-compatible EVE JSON
// lines (alert and flow events), ArcSight CEF, or RFC 5424 syslog, one line each.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "vigil/capture/flow_record.hpp"

namespace vigil::detect {

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

// One alert format (EVE, CEF, syslog...): a small class each, found by name in
// alert_formats(), so a new format is one file and one registration line.
class AlertFormatter {
 public:
  virtual ~AlertFormatter() = default;
  // Appends one alert line (with '\n') for a flow whose verdict is an attack.
  virtual void alert(const capture::FlowRecord& flow, const Verdict& verdict,
                     std::string& out) const = 0;
  // Appends one event for any flow with its verdict, where the format has
  // such events (EVE's "flow"); nothing otherwise.
  virtual void flow_event(const capture::FlowRecord& flow, const Verdict& verdict,
                          std::string& out) const {
    (void)flow;
    (void)verdict;
    (void)out;
  }
};

// What every format is built with.
struct AlertContext {
  ModelIdentity model;
  std::string hostname;
  std::vector<AttackInfo> info;  // per class of model.class_names
};

struct AlertFormatInfo {
  std::string name, description;
  std::unique_ptr<AlertFormatter> (*make)(const AlertContext& context);
};
// Every format, in the order `vigil detect --format` lists them.
const std::vector<AlertFormatInfo>& alert_formats();
std::vector<std::string> alert_format_names();

// The formatter named `format` (ParamError naming the choices when unknown),
// for `model`'s classes.
class AlertWriter {
 public:
  AlertWriter(const std::string& format, ModelIdentity model, std::string hostname);

  void alert(const capture::FlowRecord& flow, const Verdict& verdict, std::string& out) const {
    formatter_->alert(flow, verdict, out);
  }
  void flow_event(const capture::FlowRecord& flow, const Verdict& verdict, std::string& out) const {
    formatter_->flow_event(flow, verdict, out);
  }

  // Suricata's signature id for a class: 9,100,000 + its index in the model.
  static std::uint32_t signature_id(std::int32_t cls) {
    return 9'100'000u + static_cast<std::uint32_t>(cls);
  }

 private:
  std::unique_ptr<AlertFormatter> formatter_;
};

// An ISO 8601 time in UTC with microseconds, as EVE writes it:
// 2026-11-22T20:06:30.123456+0000.
std::string eve_time(double epoch_seconds);

}  // namespace vigil::detect
