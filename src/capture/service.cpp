#include "capture/service.hpp"

extern "C" {
#include <ndpi/ndpi_api.h>
}

#include <cstdlib>
#include <cstring>

#include "vigil/core/error.hpp"

namespace vigil::capture {
namespace {

// nDPI keeps looking for a few packets more on some protocols (certificates,
// hostnames); the service is known long before, so stop after this many.
constexpr std::uint16_t kMaxPackets = 24;

}  // namespace

ServiceDetector::ServiceDetector() {
  module_ = ndpi_init_detection_module(ndpi_no_prefs);
  if (!module_) throw IoError("nDPI: cannot initialise protocol detection");
  NDPI_PROTOCOL_BITMASK all;
  NDPI_BITMASK_SET_ALL(all);
  ndpi_set_protocol_detection_bitmask2(module_, &all);
  ndpi_finalize_initialization(module_);
  flow_size_ = flow_state_bytes();
}

ServiceDetector::~ServiceDetector() {
  for (auto* f : free_) std::free(f);
  if (module_) ndpi_exit_detection_module(module_);
}

void ServiceDetector::inspect(ServiceState& s, const std::uint8_t* ip, std::uint32_t length,
                              double time) {
  if (s.done || length == 0) return;
  if (!s.ndpi) {
    if (free_.empty()) {
      s.ndpi = static_cast<ndpi_flow_struct*>(std::calloc(1, flow_size_));
      if (!s.ndpi) throw std::bad_alloc();
    } else {
      s.ndpi = free_.back();
      free_.pop_back();
    }
  }
  // A capture file's times are outside input: one before 1970 or past what
  // milliseconds in 64 bits hold (a damaged record) reaches nDPI as 0.
  const double in_ms = time * 1000.0;
  const auto ms = in_ms > 0 && in_ms < 1.8e19 ? static_cast<std::uint64_t>(in_ms) : 0;
  const ndpi_protocol p = ndpi_detection_process_packet(
      module_, s.ndpi, ip, static_cast<unsigned short>(length > 65535 ? 65535 : length), ms);
  s.master = p.master_protocol;
  s.app = p.app_protocol;
  ++s.packets_seen;
  const bool known =
      p.app_protocol != NDPI_PROTOCOL_UNKNOWN || p.master_protocol != NDPI_PROTOCOL_UNKNOWN;
  if ((known && !ndpi_extra_dissection_possible(module_, s.ndpi)) ||
      s.packets_seen >= kMaxPackets) {
    if (!known) finish(s);
    s.done = true;
    release(s);
  }
}

void ServiceDetector::finish(ServiceState& s) {
  if (s.ndpi && s.master == NDPI_PROTOCOL_UNKNOWN && s.app == NDPI_PROTOCOL_UNKNOWN) {
    // No guessing from port numbers: UNSW-NB15's service (from Bro) names
    // only what the payload showed, so a bare SYN to port 80 is "-".
    std::uint8_t guessed = 0;
    const ndpi_protocol p = ndpi_detection_giveup(module_, s.ndpi, 0, &guessed);
    s.master = p.master_protocol;
    s.app = p.app_protocol;
  }
  s.done = true;
  release(s);
}

void ServiceDetector::release(ServiceState& s) {
  if (!s.ndpi) return;
  ndpi_free_flow_data(s.ndpi);
  std::memset(static_cast<void*>(s.ndpi), 0, flow_size_);
  free_.push_back(s.ndpi);
  s.ndpi = nullptr;
}

const char* ServiceDetector::unsw_service(const ServiceState& s) {
  for (std::uint16_t id : {s.master, s.app}) {
    switch (id) {
      case NDPI_PROTOCOL_HTTP:
        return "http";
      case NDPI_PROTOCOL_FTP_CONTROL:
        return "ftp";
      case NDPI_PROTOCOL_FTP_DATA:
        return "ftp-data";
      case NDPI_PROTOCOL_MAIL_SMTP:
      case NDPI_PROTOCOL_MAIL_SMTPS:
        return "smtp";
      case NDPI_PROTOCOL_SSH:
        return "ssh";
      case NDPI_PROTOCOL_DNS:
        return "dns";
      case NDPI_PROTOCOL_SNMP:
        return "snmp";
      case NDPI_PROTOCOL_TLS:
        return "ssl";
      case NDPI_PROTOCOL_DHCP:
        return "dhcp";
      case NDPI_PROTOCOL_IRC:
        return "irc";
      case NDPI_PROTOCOL_RADIUS:
        return "radius";
      case NDPI_PROTOCOL_MAIL_POP:
        return "pop3";
      default:
        break;
    }
  }
  return "-";
}

std::string ServiceDetector::ndpi_name(const ServiceState& s) const {
  char name[64] = {};
  ndpi_protocol p{};
  p.master_protocol = s.master;
  p.app_protocol = s.app;
  ndpi_protocol2name(module_, p, name, sizeof name);
  return name;
}

std::size_t ServiceDetector::flow_state_bytes() {
  return ndpi_detection_get_sizeof_ndpi_flow_struct();
}

}  // namespace vigil::capture
