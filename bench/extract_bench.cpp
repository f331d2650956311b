// Packets per second of `vigil extract` against a bare libpcap read loop (the
// ceiling) and against Argus, on one large capture, in one run.
//   vigil_bench_extract [PACKETS] [FILE]
// Builds FILE (default /tmp/vigil-bench-PACKETS.pcap) when it is missing, by
// repeating the Ethernet captures of ../shared/data/pcaps/zeek-traces with
// each pass shifted past the idle timeout, so flows end as they would live.
#include <pcap/pcap.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "vigil/capture/extract.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Packet {
  pcap_pkthdr header;
  std::vector<unsigned char> data;
};

void build_capture(const std::string& path, std::size_t packets) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(VIGIL_SHARED_DATA "/pcaps/zeek-traces")) {
    if (e.is_regular_file() && (e.path().extension() == ".pcap" || e.path().extension() == ".pcapng")) {
      files.push_back(e.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<Packet> pass;
  char error[PCAP_ERRBUF_SIZE];
  for (const auto& f : files) {
    pcap_t* p = pcap_open_offline(f.c_str(), error);
    if (!p) continue;
    if (pcap_datalink(p) == DLT_EN10MB) {
      pcap_pkthdr* h;
      const unsigned char* d;
      std::vector<Packet> file_packets;
      while (pcap_next_ex(p, &h, &d) == 1) file_packets.push_back({*h, std::vector<unsigned char>(d, d + h->caplen)});
      // Each file's packets start where the previous file's ended, plus two minutes.
      if (!file_packets.empty()) {
        const double base = pass.empty() ? 0.0 : pass.back().header.ts.tv_sec + 120.0;
        const double first = file_packets.front().header.ts.tv_sec;
        for (auto& pk : file_packets) {
          pk.header.ts.tv_sec = static_cast<time_t>(base + std::max(0.0, pk.header.ts.tv_sec - first));
          pass.push_back(std::move(pk));
        }
      }
    }
    pcap_close(p);
  }
  if (pass.empty()) {
    std::fprintf(stderr, "no Ethernet captures found\n");
    std::exit(1);
  }
  pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
  pcap_dumper_t* out = pcap_dump_open(dead, path.c_str());
  if (!out) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), pcap_geterr(dead));
    std::exit(1);
  }
  const long span = pass.back().header.ts.tv_sec + 120;
  std::size_t written = 0;
  for (long round = 0; written < packets; ++round) {
    for (const auto& pk : pass) {
      if (written == packets) break;
      pcap_pkthdr h = pk.header;
      h.ts.tv_sec += round * span;
      pcap_dump(reinterpret_cast<unsigned char*>(out), &h, pk.data.data());
      ++written;
    }
  }
  pcap_dump_close(out);
  pcap_close(dead);
}

double bare_loop(const std::string& path, std::size_t& packets) {
  char error[PCAP_ERRBUF_SIZE];
  const auto t = Clock::now();
  pcap_t* p = pcap_open_offline(path.c_str(), error);
  pcap_pkthdr* h;
  const unsigned char* d;
  std::size_t n = 0, bytes = 0;
  while (pcap_next_ex(p, &h, &d) == 1) {
    ++n;
    bytes += h->caplen;
  }
  pcap_close(p);
  packets = n;
  if (bytes == 0) std::fprintf(stderr, "empty capture\n");
  return seconds_since(t);
}

double run_argus(const std::string& path) {
  const std::string out = path + ".argus";
  const auto t = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    execlp("argus", "argus", "-r", path.c_str(), "-w", out.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  const double s = seconds_since(t);
  std::filesystem::remove(out);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? s : -1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t target = argc > 1 ? std::stoul(argv[1]) : 5'000'000;
  const std::string path = argc > 2 ? argv[2] : "/tmp/vigil-bench-" + std::to_string(target) + ".pcap";
  if (!std::filesystem::exists(path)) {
    std::fprintf(stderr, "building %s (%zu packets)\n", path.c_str(), target);
    build_capture(path, target);
  }
  std::size_t packets = 0;
  bare_loop(path, packets);  // warms the page cache
  const double bare = bare_loop(path, packets);

  vigil::capture::ExtractConfig config;
  config.pcaps = {path};
  std::size_t out_bytes = 0;
  const auto t = Clock::now();
  const auto summary = vigil::capture::extract_flows(config, [&](std::string_view s) { out_bytes += s.size(); });
  const double vigil_s = seconds_since(t);
  const double argus_s = run_argus(path);

  const double n = static_cast<double>(packets);
  std::printf("capture: %s, %zu packets, %.0f MB; one core\n", path.c_str(), packets,
              static_cast<double>(std::filesystem::file_size(path)) / 1e6);
  std::printf("%-22s %9s %14s %12s\n", "reader", "seconds", "packets/s", "flows/s");
  std::printf("%-22s %9.3f %14.0f %12s\n", "bare libpcap loop", bare, n / bare, "-");
  std::printf("%-22s %9.3f %14.0f %12.0f\n", "vigil extract", vigil_s, n / vigil_s,
              static_cast<double>(summary.flows) / vigil_s);
  if (argus_s > 0) {
    std::printf("%-22s %9.3f %14.0f %12s\n", "argus", argus_s, n / argus_s, "-");
  } else {
    std::printf("argus: not run (install argus-server)\n");
  }
  std::printf("vigil / bare loop: %.2f; vigil / argus: %s; flows %llu, output %.0f MB\n", bare / vigil_s,
              argus_s > 0 ? std::to_string(argus_s / vigil_s).c_str() : "-",
              static_cast<unsigned long long>(summary.flows), static_cast<double>(out_bytes) / 1e6);
  return 0;
}
