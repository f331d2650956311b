// Golden flow files: `vigil extract` on real captures must write exactly the
// flows kept in tests/golden/extract/ (as nDPI's tests/result/*.pcap.out), so a
// change in decoding, flow assembly or any feature shows up as a diff.
// scripts/golden --update rewrites them after an intended change.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "run_vigil.hpp"
#include "test_files.hpp"

namespace vigil {
namespace {

const std::string kGolden = std::string(VIGIL_SOURCE_DIR) + "/tests/golden/extract";
const std::string kPcaps = std::string(VIGIL_SHARED_DATA) + "/pcaps";

std::vector<std::string> pinned_captures() {
  std::vector<std::string> out;
  std::ifstream in(kGolden + "/captures.txt");
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') out.push_back(line);
  }
  return out;
}

std::string golden_name(std::string capture) {
  for (std::size_t at = capture.find('/'); at != std::string::npos; at = capture.find('/', at)) {
    capture.replace(at, 1, "__");
  }
  return capture + ".csv";
}

TEST(GoldenExtract, ADozenCapturesArePinned) { EXPECT_GE(pinned_captures().size(), 12u); }

class GoldenExtract : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenExtract, FlowsAreExactlyTheKeptOnes) {
  const std::string capture = kPcaps + "/" + GetParam();
  if (!std::filesystem::exists(capture)) GTEST_SKIP() << "no " << capture;
  testing::TempDir dir;
  const auto run =
      testing::vigil_run("extract -q --pcap " + capture + " --out " + dir.file("f.csv"));
  ASSERT_EQ(run.code, 0) << run.output;
  const std::string expected = testing::slurp(kGolden + "/" + golden_name(GetParam()));
  const std::string actual = testing::slurp(dir.file("f.csv"));
  if (expected == actual) return;
  // Name the first line that differs, to start the review from.
  std::size_t line = 1, at = 0;
  while (at < expected.size() && at < actual.size() && expected[at] == actual[at]) {
    if (expected[at] == '\n') ++line;
    ++at;
  }
  const auto line_of = [](const std::string& text, std::size_t pos) {
    const auto start = text.rfind('\n', pos == 0 ? 0 : pos - 1);
    const auto begin = start == std::string::npos ? 0 : start + 1;
    return text.substr(begin, text.find('\n', begin) - begin);
  };
  FAIL() << GetParam() << ": flows differ from the golden file at line " << line
         << "\n  kept: " << line_of(expected, at) << "\n  now:  " << line_of(actual, at)
         << "\n(an intended change: scripts/golden --update, then review the diff)";
}

INSTANTIATE_TEST_SUITE_P(Captures, GoldenExtract, ::testing::ValuesIn(pinned_captures()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace vigil
