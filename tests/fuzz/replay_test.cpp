// Replays every input kept under tests/fuzz/<target>/ (crashes the fuzzers
// found, once fixed, and hand-made seeds) through its fuzz target, so each
// stays fixed; under the ASan+UBSan build a regression is a sanitizer report.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "fuzz/targets.hpp"

namespace vigil::fuzz {
namespace {

class FuzzReplay : public ::testing::TestWithParam<Target> {};

TEST_P(FuzzReplay, EveryKeptInputRunsCleanly) {
  const std::filesystem::path dir =
      std::filesystem::path(VIGIL_SOURCE_DIR) / "tests/fuzz" / std::string(GetParam().name);
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir << ": each target keeps inputs";
  std::size_t replayed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    SCOPED_TRACE(entry.path().string());
    GetParam().run(Bytes(bytes.data(), bytes.size()));
    ++replayed;
  }
  EXPECT_GT(replayed, 0u);
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplay, ::testing::ValuesIn(targets()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace vigil::fuzz
