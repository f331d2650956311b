// Packet sources: capture files (pcap, pcapng, and either one gzip-compressed,
// recognised by magic number, not by name) and live interfaces with an
// optional BPF filter, through libpcap; except that a plain pcap file of
// Ethernet frames is read by Vigil's own reader (pcap_file_reader.hpp), in
// large blocks and without a call per packet.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

struct pcap;

namespace vigil::capture {

struct RawPacket {
  double time = 0;  // seconds since the epoch
  std::uint32_t wire_length = 0;
  std::uint32_t captured = 0;
  const std::uint8_t* data = nullptr;  // valid until the next read()
};

class PacketSource {
 public:
  virtual ~PacketSource();
  enum class Read { kPacket, kQuiet, kEnd };
  // The next packet; kQuiet when a live read waited 100 ms and nothing came
  // (the caller can end idle flows and check its deadline), kEnd at the end of
  // input or once the watched stop flag is set.
  virtual Read read(RawPacket& packet);
  int link_type() const { return link_type_; }
  std::string link_name() const;
  const std::string& name() const { return name_; }
  // True when the input ended early: a truncated file or a read error.
  bool truncated() const { return truncated_; }
  const std::string& error() const { return error_; }
  // Drops the capture itself reported (live capture only; 0 for files).
  std::uint64_t kernel_drops() const;
  // A live read checks this flag at least every 100 ms and ends when it is set.
  void watch(const std::atomic<bool>* stop) { stop_ = stop; }

 protected:
  PacketSource() = default;
  pcap* handle_ = nullptr;
  int link_type_ = 0;
  std::string name_;
  bool truncated_ = false;
  std::string error_;
  bool live_ = false;
  int selectable_fd_ = -1;       // live capture: what poll() waits on
  std::string buffer_;           // a decompressed gzip file
  void* memory_file_ = nullptr;  // FILE* over buffer_
  const std::atomic<bool>* stop_ = nullptr;
};

// Opens a capture file. Throws IoError (cannot read) or InputError (not a
// capture, or a link type Vigil cannot decode), naming the file.
std::unique_ptr<PacketSource> open_capture_file(const std::string& path);

// Opens a live interface. `filter` is BPF syntax ("" for everything).
std::unique_ptr<PacketSource> open_interface(const std::string& interface,
                                             const std::string& filter);

}  // namespace vigil::capture
