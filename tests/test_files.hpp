// Temporary files for tests, removed when the test ends.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace vigil::testing {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("vigil_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `text` to a file in this folder and returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    const auto p = path_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::string unsw_path() {
  return std::string(VIGIL_SHARED_DATA) + "/unsw-nb15/UNSW_NB15_testing-set.csv";
}

// Whether a file is a capture by its magic: pcap (either byte order, micro or
// nanoseconds), pcapng, or gzip.
inline bool is_capture(const std::filesystem::path& p) {
  unsigned char m[4] = {};
  std::ifstream(p, std::ios::binary).read(reinterpret_cast<char*>(m), 4);
  const std::uint32_t magic =
      static_cast<std::uint32_t>(m[0]) << 24 | m[1] << 16 | m[2] << 8 | m[3];
  return magic == 0xa1b2c3d4 || magic == 0xd4c3b2a1 || magic == 0xa1b23c4d || magic == 0x4d3cb2a1 ||
         magic == 0x0a0d0d0a || (m[0] == 0x1f && m[1] == 0x8b);
}

inline bool have_unsw() { return std::filesystem::exists(unsw_path()); }

}  // namespace vigil::testing
