// A classic pcap file of Ethernet frames read in place from a memory mapping:
// no copy and no call per packet, where libpcap's file reader copies every
// record through stdio. The format is fixed and small (a 24-byte file header,
// then 16-byte record headers), and every field is checked as libpcap checks
// it; anything else (pcapng, gzip, other link types) stays with libpcap.
//
// One deliberate difference: seconds are read as unsigned, as the format's
// specification has them (draft-ietf-opsawg-pcap), so times after January
// 2038 stay in the future; libpcap 1.10 reads them as signed and puts such
// packets in 1901.
#pragma once

#include <memory>
#include <string>

#include "capture/packet_source.hpp"

namespace vigil::capture {

// The mapped reader for `path`, or nullptr when the file is not a classic pcap
// of Ethernet frames (the caller then uses libpcap). Throws IoError when the
// file cannot be mapped.
std::unique_ptr<PacketSource> open_mapped_pcap(const std::string& path);

}  // namespace vigil::capture
