// The little of HTTP and FTP that UNSW-NB15's features count: HTTP requests
// and their methods, response body sizes, FTP commands and logins. Payloads
// are looked at segment by segment, without reassembly.
#pragma once

#include <cstdint>

#include "capture/flow.hpp"

namespace vigil::capture {

// `from_client`: the segment goes from the flow's source to its destination.
void inspect_payload(AppCounters& app, const std::uint8_t* payload, std::uint32_t length,
                     bool from_client, std::uint16_t server_port);

}  // namespace vigil::capture
