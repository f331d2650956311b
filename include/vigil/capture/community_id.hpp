// The Community ID (version 1) of a flow: the hash of its endpoints, protocol
// and ports that Zeek, Suricata and Elastic also compute, so one flow can be
// followed across tools (github.com/corelight/community-id-spec).
#pragma once

#include <cstdint>
#include <string>

#include "vigil/capture/flow_record.hpp"

namespace vigil::capture {

// "1:" and the base64 of the SHA-1 of seed, addresses, protocol and ports
// (for ICMP, type and the counterpart type or code), the endpoints in a fixed
// order so both directions hash alike. Empty when the flow's addresses or
// protocol are not known well enough to hash (a row read without addresses).
std::string community_id(const FlowRecord& flow, std::uint16_t seed = 0);

}  // namespace vigil::capture
