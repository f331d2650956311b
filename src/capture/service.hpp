// Application-protocol detection with nDPI, and UNSW-NB15's service names.
// One ServiceDetector per thread (nDPI's module is not shared across threads);
// each flow borrows an nDPI flow state from a pool until its protocol is known.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct ndpi_detection_module_struct;
struct ndpi_flow_struct;

namespace vigil::capture {

struct ServiceState {
  ndpi_flow_struct* ndpi = nullptr;   // borrowed while detection runs
  std::uint16_t master = 0, app = 0;  // nDPI protocol ids once known
  std::uint16_t packets_seen = 0;
  bool done = false;
};

class ServiceDetector {
 public:
  ServiceDetector();
  ~ServiceDetector();
  ServiceDetector(const ServiceDetector&) = delete;
  ServiceDetector& operator=(const ServiceDetector&) = delete;

  // Feeds one IP packet of the flow (until detection is done).
  void inspect(ServiceState& s, const std::uint8_t* ip, std::uint32_t length, double time);
  // Ends detection (what nDPI concluded from the payload seen); frees the state.
  void finish(ServiceState& s);

  // Bytes of one flow's nDPI detection state.
  static std::size_t flow_state_bytes();

  // UNSW-NB15's service name for the detected protocol ("-" when none of its list).
  static const char* unsw_service(const ServiceState& s);
  // nDPI's own name (e.g. "TLS.Google", "MQTT", "Unknown").
  std::string ndpi_name(const ServiceState& s) const;

 private:
  void release(ServiceState& s);
  ndpi_detection_module_struct* module_ = nullptr;
  std::vector<ndpi_flow_struct*> free_;
  std::size_t flow_size_ = 0;
};

}  // namespace vigil::capture
