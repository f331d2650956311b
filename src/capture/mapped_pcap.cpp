#include "capture/mapped_pcap.hpp"

#include <fcntl.h>
#include <pcap/pcap.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "vigil/core/error.hpp"

namespace vigil::capture {
namespace {

constexpr std::uint32_t kMicro = 0xa1b2c3d4, kNano = 0xa1b23c4d;
constexpr std::size_t kFileHeader = 24, kRecordHeader = 16;
constexpr std::uint32_t kLinktypeEthernet = 1;
// libpcap refuses records longer than this (MAXIMUM_SNAPLEN).
constexpr std::uint32_t kMaxRecord = 262144;

class MappedPcap final : public PacketSource {
 public:
  MappedPcap(std::string path, const std::uint8_t* base, std::size_t size, bool swapped, bool nano,
             std::uint32_t snaplen)
      : base_(base), size_(size), at_(kFileHeader), swapped_(swapped), nano_(nano), snaplen_(snaplen) {
    name_ = std::move(path);
    link_type_ = DLT_EN10MB;
  }
  ~MappedPcap() override { munmap(const_cast<std::uint8_t*>(base_), size_); }
  MappedPcap(const MappedPcap&) = delete;
  MappedPcap& operator=(const MappedPcap&) = delete;

  Read read(RawPacket& packet) override {
    if (at_ == size_) return Read::kEnd;
    if (size_ - at_ < kRecordHeader) {
      return fail("truncated dump file; tried to read 16 header bytes, only got " + std::to_string(size_ - at_));
    }
    if (at_ + kPopulateChunk > populated_) populate_ahead();
    const std::uint8_t* h = base_ + at_;
    const std::uint32_t seconds = field(h), fraction = field(h + 4), captured = field(h + 8), wire = field(h + 12);
    if (captured > kMaxRecord) {
      return fail("invalid packet capture length " + std::to_string(captured) + ", bigger than maximum of " +
                  std::to_string(kMaxRecord));
    }
    if (size_ - at_ - kRecordHeader < captured) {
      return fail("truncated dump file; tried to read " + std::to_string(captured) + " captured bytes, only got " +
                  std::to_string(size_ - at_ - kRecordHeader));
    }
    // Microseconds, as libpcap gives them when asked for microsecond precision.
    const std::uint32_t micros = nano_ ? fraction / 1000 : fraction;
    packet.time = static_cast<double>(seconds) + static_cast<double>(micros) * 1e-6;
    packet.wire_length = wire;
    // A record longer than the file's snapshot length is cut to it, as libpcap cuts it.
    packet.captured = std::min(captured, snaplen_);
    packet.data = h + kRecordHeader;
    at_ += kRecordHeader + captured;
    release_behind(at_ - kRecordHeader - captured);
    return Read::kPacket;
  }

 private:
  std::uint32_t field(const std::uint8_t* p) const {
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return swapped_ ? __builtin_bswap32(v) : v;
  }
  // The next pages are mapped a chunk at a time, in one call, before they are
  // read: otherwise each 64 KiB of the file costs a page fault, which on a
  // virtual machine measured as 20% of extract's time. Kernels before 5.14 do
  // not know MADV_POPULATE_READ; there pages are faulted in as read.
  static constexpr std::size_t kPopulateChunk = std::size_t{8} << 20;
  void populate_ahead() {
    const std::size_t end = std::min(size_, populated_ + 2 * kPopulateChunk);
    if (populate_ && end > populated_ &&
        madvise(const_cast<std::uint8_t*>(base_) + populated_, end - populated_, MADV_POPULATE_READ) != 0) {
      populate_ = false;
    }
    populated_ = end;
  }
  // Pages already read are handed back every 64 MiB, so a long capture does
  // not stay resident (file pages are reclaimable, but counted as ours).
  void release_behind(std::size_t keep_from) {
    constexpr std::size_t kChunk = std::size_t{64} << 20;
    if (keep_from - released_ < kChunk) return;
    const std::size_t upto = keep_from & ~(kChunk - 1);
    madvise(const_cast<std::uint8_t*>(base_) + released_, upto - released_, MADV_DONTNEED);
    released_ = upto;
  }
  Read fail(std::string why) {
    truncated_ = true;
    error_ = std::move(why);
    at_ = size_;
    return Read::kEnd;
  }

  const std::uint8_t* base_;
  std::size_t size_, at_;
  std::size_t released_ = 0;  // bytes from the start already handed back
  std::size_t populated_ = 0;  // bytes from the start already mapped ahead of reading
  bool populate_ = true;       // the kernel takes MADV_POPULATE_READ
  bool swapped_, nano_;
  std::uint32_t snaplen_;
};

}  // namespace

std::unique_ptr<PacketSource> open_mapped_pcap(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(path + ": cannot open capture file: " + std::strerror(errno));
  struct stat st{};
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
  const auto size = static_cast<std::size_t>(st.st_size);
  void* base = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (base == MAP_FAILED) throw IoError(path + ": cannot map capture file: " + std::strerror(errno));
  madvise(base, size, MADV_SEQUENTIAL);
  return std::make_unique<MappedPcap>(path, static_cast<const std::uint8_t*>(base), size, swapped, magic == kNano, snaplen);
}

}  // namespace vigil::capture
