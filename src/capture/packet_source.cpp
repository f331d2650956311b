#include "capture/packet_source.hpp"

#include <pcap/pcap.h>
#include <poll.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>

#include "capture/decode.hpp"
#include "capture/pcap_file_reader.hpp"
#include "vigil/core/error.hpp"

namespace vigil::capture {
namespace {

class FileSource final : public PacketSource {
 public:
  explicit FileSource(const std::string& path) { name_ = path; }
  void open() {
    char error[PCAP_ERRBUF_SIZE] = {};
    unsigned char magic[2] = {};
    {
      std::ifstream in(name_, std::ios::binary);
      if (!in) throw IoError(name_ + ": cannot open capture file");
      in.read(reinterpret_cast<char*>(magic), 2);
    }
    if (magic[0] == 0x1f && magic[1] == 0x8b) {
      decompress();
      FILE* f = fmemopen(buffer_.data(), buffer_.size(), "rb");
      if (!f) throw IoError(name_ + ": cannot read the decompressed capture");
      memory_file_ = f;
      handle_ = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, error);
      if (handle_) memory_file_ = nullptr;  // pcap_close closes it
    } else {
      handle_ = pcap_open_offline_with_tstamp_precision(name_.c_str(), PCAP_TSTAMP_PRECISION_MICRO,
                                                        error);
    }
    if (!handle_) throw InputError(name_ + ": not a pcap or pcapng capture (" + error + ")");
    link_type_ = pcap_datalink(handle_);
  }

 private:
  void decompress() {
    gzFile gz = gzopen(name_.c_str(), "rb");
    if (!gz) throw IoError(name_ + ": cannot open gzip file");
    char chunk[1 << 16];
    for (;;) {
      const int n = gzread(gz, chunk, sizeof chunk);
      if (n < 0) {
        int code = 0;
        const std::string why = gzerror(gz, &code);
        gzclose(gz);
        throw InputError(name_ + ": gzip data is corrupt (" + why + ")");
      }
      if (n == 0) break;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    gzclose(gz);
    if (buffer_.empty()) throw InputError(name_ + ": gzip file holds no capture");
  }
};

class LiveSource final : public PacketSource {
 public:
  LiveSource(const std::string& interface, const std::string& filter) {
    name_ = interface;
    live_ = true;
    char error[PCAP_ERRBUF_SIZE] = {};
    handle_ = pcap_create(interface.c_str(), error);
    if (!handle_) throw IoError("interface " + interface + ": " + error);
    pcap_set_snaplen(handle_, 65535);
    pcap_set_promisc(handle_, 1);
    pcap_set_timeout(handle_, 100);  // ms: lets a stop request be seen promptly
    pcap_set_buffer_size(handle_, 64 << 20);
    const int status = pcap_activate(handle_);
    if (status < 0) {
      const std::string why = pcap_geterr(handle_);
      throw IoError("interface " + interface + ": cannot capture (" + why + ")");
    }
    link_type_ = pcap_datalink(handle_);
    if (!link_type_supported(link_type_)) {
      throw InputError("interface " + interface + ": link type " + std::to_string(link_type_) +
                       " is not supported");
    }
    // Non-blocking reads and our own poll(): Linux's TPACKET_V3 ring blocks
    // for good on an idle link whatever the timeout, and then neither a stop
    // request nor --duration nor the flows' idle timeouts would be seen.
    if (pcap_setnonblock(handle_, 1, error) != 0)
      throw IoError("interface " + interface + ": " + error);
    selectable_fd_ = pcap_get_selectable_fd(handle_);
    if (!filter.empty()) {
      bpf_program program{};
      if (pcap_compile(handle_, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
        throw InputError("filter '" + filter + "': " + pcap_geterr(handle_));
      }
      const int set = pcap_setfilter(handle_, &program);
      pcap_freecode(&program);
      if (set != 0) throw InputError("filter '" + filter + "': " + pcap_geterr(handle_));
    }
  }
};

}  // namespace

PacketSource::~PacketSource() {
  if (handle_) pcap_close(handle_);
  if (memory_file_) std::fclose(static_cast<FILE*>(memory_file_));
}

std::string PacketSource::link_name() const {
  const char* name = pcap_datalink_val_to_name(link_type_);
  return name ? name : std::to_string(link_type_);
}

PacketSource::Read PacketSource::read(RawPacket& packet) {
  for (;;) {
    pcap_pkthdr* header = nullptr;
    const std::uint8_t* data = nullptr;
    const int status = pcap_next_ex(handle_, &header, &data);
    if (status == 1) {
      packet.time =
          static_cast<double>(header->ts.tv_sec) + static_cast<double>(header->ts.tv_usec) * 1e-6;
      packet.wire_length = header->len;
      packet.captured = header->caplen;
      packet.data = data;
      return Read::kPacket;
    }
    if (status == 0) {  // live, and nothing waiting: wait up to 100 ms for more
      if (stop_ && stop_->load(std::memory_order_relaxed)) return Read::kEnd;
      if (selectable_fd_ < 0) return Read::kQuiet;
      pollfd ready{selectable_fd_, POLLIN, 0};
      if (poll(&ready, 1, 100) <= 0) return Read::kQuiet;  // timed out (or a signal came)
      continue;
    }
    if (status == PCAP_ERROR_BREAK) return Read::kEnd;  // end of file, or stop()
    truncated_ = true;
    error_ = pcap_geterr(handle_);
    return Read::kEnd;
  }
}

std::uint64_t PacketSource::kernel_drops() const {
  if (!live_) return 0;
  pcap_stat stats{};
  if (pcap_stats(handle_, &stats) != 0) return 0;
  return static_cast<std::uint64_t>(stats.ps_drop) + stats.ps_ifdrop;
}

std::unique_ptr<PacketSource> open_capture_file(const std::string& path) {
  if (auto direct = open_pcap_file_reader(path)) return direct;
  auto source = std::make_unique<FileSource>(path);
  source->open();
  return source;
}

std::unique_ptr<PacketSource> open_interface(const std::string& interface,
                                             const std::string& filter) {
  return std::make_unique<LiveSource>(interface, filter);
}

}  // namespace vigil::capture
