// Packets per second of `vigil extract` against a bare libpcap read loop (the
// ceiling) and against Argus, on one large capture, in one run.
//   vigil_bench_extract [PACKETS] [FILE]
// Builds FILE (default /tmp/vigil-bench-PACKETS.pcap) when it is missing, by
// repeating the Ethernet captures of ../shared/data/pcaps/zeek-traces with
// each pass shifted past the idle timeout, so flows end as they would live.
// Captures that Argus itself cannot read (it aborts on a few) are left out
// when Argus is installed, so that all three readers see the same packets.
//
// Memory under a flow flood:
//   vigil_bench_extract flood [SYNS] [MAX_FLOWS]
// writes SYNS (default 10 million) SYNs from random sources, then runs
// `vigil extract` on them with the flow cap MAX_FLOWS (default 1 million) and
// prints its peak resident memory against the cap times the bytes per flow.
#include <pcap/pcap.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "vigil/capture/extract.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Packet {
  pcap_pkthdr header;
  std::vector<unsigned char> data;
};

// Runs a program to its end; its exit status (-1 when it did not exit
// normally) and, through `peak_kib`, its peak resident memory.
int run_child(const std::vector<std::string>& argv, long* peak_kib = nullptr, bool quiet = true) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (quiet) {
      std::freopen("/dev/null", "w", stdout);
      std::freopen("/dev/null", "w", stderr);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  if (peak_kib) *peak_kib = usage.ru_maxrss;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool have_argus() { return run_child({"argus", "-h"}) != 127; }

// Whether Argus reads this capture to its end (it aborts on a few).
bool argus_reads(const std::string& file) {
  const std::string out = std::filesystem::temp_directory_path() / "vigil-bench-probe.argus";
  std::filesystem::remove(out);
  const int status = run_child({"argus", "-r", file, "-w", out});
  std::filesystem::remove(out);
  return status == 0;
}

void build_capture(const std::string& path, std::size_t packets) {
  const bool argus = have_argus();
  std::vector<std::string> files;
  for (const auto& e :
       std::filesystem::recursive_directory_iterator(VIGIL_SHARED_DATA "/pcaps/zeek-traces")) {
    if (e.is_regular_file() &&
        (e.path().extension() == ".pcap" || e.path().extension() == ".pcapng")) {
      files.push_back(e.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<Packet> pass;
  char error[PCAP_ERRBUF_SIZE];
  for (const auto& f : files) {
    if (argus && !argus_reads(f)) {
      std::fprintf(stderr, "left out (Argus fails on it): %s\n", f.c_str());
      continue;
    }
    pcap_t* p = pcap_open_offline(f.c_str(), error);
    if (!p) continue;
    if (pcap_datalink(p) == DLT_EN10MB) {
      pcap_pkthdr* h;
      const unsigned char* d;
      std::vector<Packet> file_packets;
      while (pcap_next_ex(p, &h, &d) == 1)
        file_packets.push_back({*h, std::vector<unsigned char>(d, d + h->caplen)});
      // Each file's packets start where the previous file's ended, plus two minutes.
      if (!file_packets.empty()) {
        const double base = pass.empty() ? 0.0 : pass.back().header.ts.tv_sec + 120.0;
        const double first = file_packets.front().header.ts.tv_sec;
        for (auto& pk : file_packets) {
          pk.header.ts.tv_sec =
              static_cast<time_t>(base + std::max(0.0, pk.header.ts.tv_sec - first));
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

double run_argus(const std::string& path, int& status) {
  const std::string out = path + ".argus";
  std::filesystem::remove(out);
  const auto t = Clock::now();
  status = run_child({"argus", "-r", path, "-w", out});
  const double s = seconds_since(t);
  std::filesystem::remove(out);
  return s;
}

// SYNs from random addresses and ports to one server, a microsecond apart:
// every packet opens a flow that never completes.
void build_flood(const std::string& path, std::size_t syns) {
  pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
  pcap_dumper_t* out = pcap_dump_open(dead, path.c_str());
  if (!out) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), pcap_geterr(dead));
    std::exit(1);
  }
  std::array<unsigned char, 54> frame{};
  const unsigned char head[] = {0,    1,    2, 3,  4,  5, 0, 6, 7,  8, 9, 10,
                                0x08, 0x00,                                   // Ethernet, IPv4
                                0x45, 0,    0, 40, 0,  1, 0, 0, 64, 6, 0, 0,  // IPv4, TCP
                                0,    0,    0, 0,  10, 0, 0, 1};  // source (set below), server
  std::copy(std::begin(head), std::end(head), frame.begin());
  frame[47] = 0x02;  // SYN
  frame[48] = 0xff;  // window
  frame[49] = 0xff;
  frame[46] = 0x50;  // TCP header of five words
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  pcap_pkthdr h{};
  h.caplen = h.len = static_cast<bpf_u_int32>(frame.size());
  for (std::size_t i = 0; i < syns; ++i) {
    const std::uint64_t r = next();
    std::memcpy(&frame[26], &r, 4);                   // source address
    frame[34] = static_cast<unsigned char>(r >> 32);  // source port
    frame[35] = static_cast<unsigned char>(r >> 40);
    frame[36] = 0;
    frame[37] = 80;                  // destination port
    std::memcpy(&frame[38], &i, 4);  // sequence number
    h.ts.tv_sec = static_cast<time_t>(1'700'000'000 + i / 1'000'000);
    h.ts.tv_usec = static_cast<suseconds_t>(i % 1'000'000);
    pcap_dump(reinterpret_cast<unsigned char*>(out), &h, frame.data());
  }
  pcap_dump_close(out);
  pcap_close(dead);
}

int flood(std::size_t syns, std::size_t max_flows) {
  const std::string path = "/tmp/vigil-flood-" + std::to_string(syns) + ".pcap";
  if (!std::filesystem::exists(path)) {
    std::fprintf(stderr, "building %s (%zu SYNs)\n", path.c_str(), syns);
    build_flood(path, syns);
  }
  long baseline_kib = 0, peak_kib = 0;
  // The same run with a cap of one flow: the program's own footprint.
  run_child({VIGIL_CLI, "-q", "extract", "--pcap", path, "--max-flows", "1", "--out", "/dev/null"},
            &baseline_kib);
  const auto t = Clock::now();
  const int status = run_child({VIGIL_CLI, "-q", "extract", "--pcap", path, "--max-flows",
                                std::to_string(max_flows), "--out", "/dev/null"},
                               &peak_kib);
  const double s = seconds_since(t);
  const double per_flow = static_cast<double>(vigil::capture::bytes_per_flow());
  const double budget_mib = per_flow * static_cast<double>(max_flows) / (1 << 20);
  const double used_mib = static_cast<double>(peak_kib - baseline_kib) / 1024;
  std::printf("flood: %zu SYNs from random sources, flow cap %zu, %.1f s (exit %d)\n", syns,
              max_flows, s, status);
  std::printf("bytes per flow (budget): %.0f; cap x bytes per flow: %.0f MiB\n", per_flow,
              budget_mib);
  std::printf(
      "peak resident: %.0f MiB, of which the flow table: %.0f MiB (%.0f bytes per flow held); "
      "program with one flow: %.0f MiB\n",
      static_cast<double>(peak_kib) / 1024, used_mib,
      used_mib * (1 << 20) / static_cast<double>(max_flows),
      static_cast<double>(baseline_kib) / 1024);
  std::printf("within budget: %s\n", used_mib <= budget_mib ? "yes" : "NO");
  return status == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "flood") {
    return flood(argc > 2 ? std::stoul(argv[2]) : 10'000'000,
                 argc > 3 ? std::stoul(argv[3]) : 1'000'000);
  }
  const std::size_t target = argc > 1 ? std::stoul(argv[1]) : 5'000'000;
  const std::string path =
      argc > 2 ? argv[2] : "/tmp/vigil-bench-" + std::to_string(target) + ".pcap";
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
  const auto summary =
      vigil::capture::extract_flows(config, [&](std::string_view s) { out_bytes += s.size(); });
  const double vigil_s = seconds_since(t);
  int argus_status = 127;
  const double argus_s = have_argus() ? run_argus(path, argus_status) : -1;

  const double n = static_cast<double>(packets);
  std::printf("capture: %s, %zu packets, %.0f MB; one core\n", path.c_str(), packets,
              static_cast<double>(std::filesystem::file_size(path)) / 1e6);
  std::printf("%-22s %9s %14s %12s\n", "reader", "seconds", "packets/s", "flows/s");
  std::printf("%-22s %9.3f %14.0f %12s\n", "bare libpcap loop", bare, n / bare, "-");
  std::printf("%-22s %9.3f %14.0f %12.0f\n", "vigil extract", vigil_s, n / vigil_s,
              static_cast<double>(summary.flows) / vigil_s);
  const bool argus_ok = argus_s > 0 && argus_status == 0;
  if (argus_ok) {
    std::printf("%-22s %9.3f %14.0f %12s\n", "argus", argus_s, n / argus_s, "-");
  } else if (argus_s < 0) {
    std::printf("argus: not run (install argus-server)\n");
  } else {
    std::printf("argus: failed on this capture (exit %d after %.1f s)\n", argus_status, argus_s);
  }
  std::printf("vigil / bare loop: %.2f; vigil / argus: %s; flows %llu, output %.0f MB\n",
              bare / vigil_s, argus_ok ? std::to_string(argus_s / vigil_s).c_str() : "-",
              static_cast<unsigned long long>(summary.flows), static_cast<double>(out_bytes) / 1e6);
  return 0;
}
