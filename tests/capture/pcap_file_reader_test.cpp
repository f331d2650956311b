// Vigil's pcap file reader gives exactly what libpcap gives, in either byte
// order and with nanosecond timestamps, across its 4 MiB blocks, and reports
// damage as libpcap does.
#include "capture/pcap_file_reader.hpp"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <filesystem>
#include <fstream>

#include "capture/packets.hpp"
#include "test_files.hpp"

namespace vigil::capture {
namespace {

struct Seen {
  double time;
  std::uint32_t wire, captured;
  std::vector<std::uint8_t> data;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> read_direct(const std::string& path, std::string* error = nullptr) {
  auto source = open_pcap_file_reader(path);
  EXPECT_NE(source, nullptr) << path;
  std::vector<Seen> out;
  if (!source) return out;
  RawPacket p;
  while (source->read(p) == PacketSource::Read::kPacket) {
    out.push_back({p.time, p.wire_length, p.captured, {p.data, p.data + p.captured}});
  }
  if (error) *error = source->truncated() ? source->error() : "";
  return out;
}

std::vector<Seen> read_libpcap(const std::string& path, std::string* error = nullptr) {
  char e[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, e);
  EXPECT_NE(p, nullptr) << e;
  std::vector<Seen> out;
  if (!p) return out;
  pcap_pkthdr* h;
  const u_char* d;
  int status;
  while ((status = pcap_next_ex(p, &h, &d)) == 1) {
    out.push_back({static_cast<double>(h->ts.tv_sec) + static_cast<double>(h->ts.tv_usec) * 1e-6,
                   h->len,
                   h->caplen,
                   {d, d + h->caplen}});
  }
  if (error) *error = status == PCAP_ERROR ? pcap_geterr(p) : "";
  pcap_close(p);
  return out;
}

std::vector<std::uint8_t> bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::vector<std::uint8_t>& b) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<long>(b.size()));
}

// Rewrites a little-endian micro pcap as big-endian and/or nanosecond.
std::vector<std::uint8_t> variant(std::vector<std::uint8_t> b, bool big_endian, bool nano) {
  auto get = [&](std::size_t at) {
    return static_cast<std::uint32_t>(b[at]) | b[at + 1] << 8 | b[at + 2] << 16 |
           static_cast<std::uint32_t>(b[at + 3]) << 24;
  };
  auto put32 = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
      b[at + static_cast<std::size_t>(i)] =
          static_cast<std::uint8_t>(big_endian ? v >> (24 - 8 * i) : v >> (8 * i));
  };
  auto put16 = [&](std::size_t at, std::uint16_t v) {
    b[at] = static_cast<std::uint8_t>(big_endian ? v >> 8 : v);
    b[at + 1] = static_cast<std::uint8_t>(big_endian ? v : v >> 8);
  };
  put32(0, nano ? 0xa1b23c4d : 0xa1b2c3d4);
  put16(4, 2);
  put16(6, 4);
  for (std::size_t at : {8u, 12u, 16u, 20u}) put32(at, get(at));
  for (std::size_t at = 24; at + 16 <= b.size();) {
    const std::uint32_t sec = get(at), usec = get(at + 4), cap = get(at + 8), len = get(at + 12);
    put32(at, sec);
    put32(at + 4, nano ? usec * 1000 + 999 : usec);  // nanoseconds libpcap must cut to microseconds
    put32(at + 8, cap);
    put32(at + 12, len);
    at += 16 + cap;
  }
  return b;
}

TEST(PcapFileReader, SameAsLibpcapInEveryByteOrderAndPrecision) {
  testing::TempDir dir;
  std::vector<testing::CapturedFrame> frames;
  const testing::Ipv4 ip = testing::udp_ip();
  for (int i = 0; i < 6; ++i) {
    frames.push_back({1700000000.123456 + i * 0.25,
                      testing::ethernet_frame(testing::ipv4_packet(
                          ip, testing::udp_datagram(1, 2, std::string(i * 7, 'x'))))});
  }
  const std::string base = dir.file("base.pcap");
  testing::write_pcap(base, frames);
  for (const bool big : {false, true}) {
    for (const bool nano : {false, true}) {
      const std::string path =
          dir.file(std::string(big ? "be" : "le") + (nano ? "-ns" : "-us") + ".pcap");
      write_bytes(path, variant(bytes_of(base), big, nano));
      const auto direct = read_direct(path);
      EXPECT_EQ(direct.size(), frames.size());
      EXPECT_EQ(direct, read_libpcap(path)) << path;
    }
  }
  // Records longer than the file's snapshot length are cut to it, as libpcap cuts them.
  auto cut = bytes_of(base);
  cut[16] = 40;
  cut[17] = cut[18] = cut[19] = 0;
  const std::string short_snap = dir.file("snap40.pcap");
  write_bytes(short_snap, cut);
  const auto mapped = read_direct(short_snap);
  ASSERT_EQ(mapped.size(), frames.size());
  EXPECT_EQ(mapped[5].captured, 40u);
  EXPECT_EQ(mapped, read_libpcap(short_snap));
}

// Records of every size from 60 to 1,600 bytes over 9 MB: some straddle the
// end of every block the reader reads, and the last one is cut short.
TEST(PcapFileReader, RecordsAcrossBlockEndsAndACutLastRecord) {
  testing::TempDir dir;
  std::vector<testing::CapturedFrame> frames;
  const testing::Ipv4 ip = testing::udp_ip();
  std::size_t bytes = 0;
  for (int i = 0; bytes < (std::size_t{9} << 20); ++i) {
    std::string payload(static_cast<std::size_t>(18 + (i * 37) % 1540),
                        static_cast<char>('a' + i % 26));
    frames.push_back({1700000000.0 + i * 1e-3, testing::ethernet_frame(testing::ipv4_packet(
                                                   ip, testing::udp_datagram(1, 2, payload)))});
    bytes += 16 + frames.back().data.size();
  }
  const std::string path = dir.file("big.pcap");
  testing::write_pcap(path, frames);
  const auto direct = read_direct(path);
  ASSERT_EQ(direct.size(), frames.size());
  EXPECT_TRUE(direct == read_libpcap(path));
  auto cut = bytes_of(path);
  cut.resize(cut.size() - 5);
  const std::string cut_path = dir.file("cut.pcap");
  write_bytes(cut_path, cut);
  std::string direct_error, libpcap_error;
  const auto got = read_direct(cut_path, &direct_error);
  EXPECT_EQ(got.size(), frames.size() - 1);
  EXPECT_TRUE(got == read_libpcap(cut_path, &libpcap_error));
  EXPECT_EQ(direct_error, libpcap_error);
}

TEST(PcapFileReader, DamageIsReportedAsLibpcapReportsIt) {
  testing::TempDir dir;
  std::vector<testing::CapturedFrame> frames;
  const testing::Ipv4 ip = testing::udp_ip();
  for (int i = 0; i < 3; ++i) {
    frames.push_back({100.0 + i, testing::ethernet_frame(testing::ipv4_packet(
                                     ip, testing::udp_datagram(1, 2, "abc")))});
  }
  const std::string base = dir.file("base.pcap");
  testing::write_pcap(base, frames);
  const auto whole = bytes_of(base);
  const std::size_t record = (whole.size() - 24) / 3;
  struct Case {
    const char* name;
    std::vector<std::uint8_t> bytes;
  };
  std::vector<Case> cases;
  cases.push_back({"cut-in-data", {whole.begin(), whole.end() - 10}});
  cases.push_back({"cut-in-header", {whole.begin(), whole.end() - static_cast<long>(record) + 5}});
  auto huge = whole;
  huge[24 + record + 8 + 2] = 0x10;  // second record's captured length: 1 MiB and more
  cases.push_back({"huge-length", huge});
  for (const auto& c : cases) {
    const std::string path = dir.file(std::string(c.name) + ".pcap");
    write_bytes(path, c.bytes);
    std::string mapped_error, libpcap_error;
    const auto mapped = read_direct(path, &mapped_error);
    EXPECT_EQ(mapped, read_libpcap(path, &libpcap_error)) << c.name;
    EXPECT_FALSE(mapped_error.empty()) << c.name;
    EXPECT_EQ(mapped_error.substr(0, 20), libpcap_error.substr(0, 20))
        << c.name << ": " << mapped_error << " / " << libpcap_error;
  }
}

TEST(PcapFileReader, SecondsAreUnsignedPast2038) {
  testing::TempDir dir;
  const std::string path = dir.file("future.pcap");
  testing::write_pcap(path, {{1.0, testing::ethernet_frame(testing::ipv4_packet(
                                       testing::udp_ip(), testing::udp_datagram(1, 2, "a")))}});
  auto b = bytes_of(path);
  const std::uint32_t seconds = 3'000'000'000u;  // 2065
  for (int i = 0; i < 4; ++i)
    b[24 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(seconds >> (8 * i));
  write_bytes(path, b);
  const auto mapped = read_direct(path);
  ASSERT_EQ(mapped.size(), 1u);
  EXPECT_EQ(mapped[0].time, 3e9);
}

TEST(PcapFileReader, OtherFormatsAreLeftToLibpcap) {
  testing::TempDir dir;
  const std::string raw = dir.file("raw.pcap");
  testing::write_pcap(
      raw, {{1.0, testing::ipv4_packet(testing::udp_ip(), testing::udp_datagram(1, 2, "a"))}}, 101);
  EXPECT_EQ(open_pcap_file_reader(raw), nullptr);  // not Ethernet
  EXPECT_EQ(open_pcap_file_reader(dir.write("short.pcap", "abc")), nullptr);
  EXPECT_EQ(open_pcap_file_reader(dir.write("text.pcap", std::string(64, 'x'))), nullptr);
}

}  // namespace
}  // namespace vigil::capture
