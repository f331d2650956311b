#include "capture/pcap_file_reader.hpp"

#include <fcntl.h>
#include <pcap/pcap.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "vigil/core/error.hpp"

namespace vigil::capture {
namespace {

constexpr std::uint32_t kMicro = 0xa1b2c3d4, kNano = 0xa1b23c4d;
constexpr std::size_t kFileHeader = 24, kRecordHeader = 16;
constexpr std::uint32_t kLinktypeEthernet = 1;
// libpcap refuses records longer than this (MAXIMUM_SNAPLEN).
constexpr std::uint32_t kMaxRecord = 262144;

class PcapFileReader final : public PacketSource {
 public:
  PcapFileReader(std::string path, int fd, bool swapped, bool nano, std::uint32_t snaplen)
      : fd_(fd), buffer_(kBuffer), swapped_(swapped), nano_(nano), snaplen_(snaplen) {
    name_ = std::move(path);
    link_type_ = DLT_EN10MB;
    file_at_ = kFileHeader;
  }
  ~PcapFileReader() override { ::close(fd_); }
  PcapFileReader(const PcapFileReader&) = delete;
  PcapFileReader& operator=(const PcapFileReader&) = delete;

  Read read(RawPacket& packet) override {
    if (!have(kRecordHeader)) {
      if (end_ == begin_) return Read::kEnd;
      return fail("truncated dump file; tried to read 16 header bytes, only got " +
                  std::to_string(end_ - begin_));
    }
    const std::uint8_t* h = buffer_.data() + begin_;
    const std::uint32_t seconds = field(h), fraction = field(h + 4), captured = field(h + 8),
                        wire = field(h + 12);
    if (captured > kMaxRecord) {
      return fail("invalid packet capture length " + std::to_string(captured) +
                  ", bigger than maximum of " + std::to_string(kMaxRecord));
    }
    if (!have(kRecordHeader + captured)) {
      return fail("truncated dump file; tried to read " + std::to_string(captured) +
                  " captured bytes, only got " + std::to_string(end_ - begin_ - kRecordHeader));
    }
    h = buffer_.data() + begin_;  // have() may have moved the bytes
    // Microseconds, as libpcap gives them when asked for microsecond precision.
    const std::uint32_t micros = nano_ ? fraction / 1000 : fraction;
    packet.time = static_cast<double>(seconds) + static_cast<double>(micros) * 1e-6;
    packet.wire_length = wire;
    // A record longer than the file's snapshot length is cut to it, as libpcap cuts it.
    packet.captured = std::min(captured, snaplen_);
    packet.data = h + kRecordHeader;
    begin_ += kRecordHeader + captured;
    return Read::kPacket;
  }

 private:
  static constexpr std::size_t kBuffer = std::size_t{4} << 20;  // well above kMaxRecord + a header
  std::uint32_t field(const std::uint8_t* p) const {
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return swapped_ ? __builtin_bswap32(v) : v;
  }
  // True when `n` unread bytes are in the buffer, refilling it from the file
  // (the unread tail moved to the front) when they are not.
  bool have(std::size_t n) {
    if (end_ - begin_ >= n) return true;
    if (eof_) return false;
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
    while (end_ < buffer_.size()) {
      const ssize_t got =
          ::pread(fd_, buffer_.data() + end_, buffer_.size() - end_, static_cast<off_t>(file_at_));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        eof_ = true;  // a read error ends the file as a truncation would
        break;
      }
      end_ += static_cast<std::size_t>(got);
      file_at_ += static_cast<std::size_t>(got);
    }
    return end_ - begin_ >= n;
  }
  Read fail(std::string why) {
    truncated_ = true;
    error_ = std::move(why);
    begin_ = end_;
    eof_ = true;
    return Read::kEnd;
  }

  int fd_;
  std::vector<std::uint8_t> buffer_;
  std::size_t begin_ = 0, end_ = 0;  // unread bytes in buffer_
  std::size_t file_at_ = 0;          // the file offset of buffer_[end_]
  bool eof_ = false;
  bool swapped_, nano_;
  std::uint32_t snaplen_;
};

}  // namespace

std::unique_ptr<PacketSource> open_pcap_file_reader(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(path + ": cannot open capture file: " + std::strerror(errno));
  struct stat st {};
  std::uint8_t header[kFileHeader];
  const bool readable = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                        static_cast<std::size_t>(st.st_size) >= kFileHeader &&
                        pread(fd, header, sizeof header, 0) == static_cast<ssize_t>(sizeof header);
  if (!readable) {
    ::close(fd);
    return nullptr;
  }
  std::uint32_t magic, snaplen, linktype;
  std::memcpy(&magic, header, 4);
  std::memcpy(&snaplen, header + 16, 4);
  std::memcpy(&linktype, header + 20, 4);
  const bool swapped = magic == __builtin_bswap32(kMicro) || magic == __builtin_bswap32(kNano);
  if (swapped) {
    magic = __builtin_bswap32(magic);
    snaplen = __builtin_bswap32(snaplen);
    linktype = __builtin_bswap32(linktype);
  }
  // As libpcap: a snapshot length of 0 or beyond the maximum means the maximum.
  if (snaplen == 0 || snaplen > kMaxRecord) snaplen = kMaxRecord;
  // The link type's low 16 bits; the upper ones carry FCS flags libpcap would honour.
  if ((magic != kMicro && magic != kNano) || linktype != kLinktypeEthernet) {
    ::close(fd);
    return nullptr;
  }
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::make_unique<PcapFileReader>(path, fd, swapped, magic == kNano, snaplen);
}

}  // namespace vigil::capture
