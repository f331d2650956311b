// Golden flow files: `vigil extract` on real captures must write exactly the
// flows kept in tests/golden/extract/ (as nDPI's tests/result/*.pcap.out), so a
// change in decoding, flow assembly or any feature shows up as a diff.
// scripts/golden --update rewrites them after an intended change.
//
// Text and whole numbers must match exactly; a real-valued feature may differ
// in its last bits, because the build targets the CPU it runs on
// (-march=native): where the CPU has FMA the compiler fuses multiply-adds, and
// the CI machine and a developer's need not agree. Anything beyond 1e-9
// relative is a change.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
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

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  for (std::size_t at = text.find(sep); at != std::string::npos; at = text.find(sep, begin)) {
    out.push_back(text.substr(begin, at - begin));
    begin = at + 1;
  }
  out.push_back(text.substr(begin));
  return out;
}

bool parses_as_number(const std::string& field, double& value) {
  const char* end = field.data() + field.size();
  const auto [ptr, ec] = std::from_chars(field.data(), end, value);
  return ec == std::errc() && ptr == end;
}

// Equal as text, or both real numbers within 1e-9 of each other (relative).
bool same_field(const std::string& kept, const std::string& now) {
  if (kept == now) return true;
  double a = 0, b = 0;
  if (!parses_as_number(kept, a) || !parses_as_number(now, b)) return false;
  if (kept.find_first_of(".eE") == std::string::npos) return false;  // integers: exact
  return std::abs(a - b) <= 1e-9 * std::max({std::abs(a), std::abs(b), 1e-300});
}

// The 1-based line of the first difference, or 0 when the files agree.
std::size_t first_differing_line(const std::string& expected, const std::string& actual) {
  const auto kept = split(expected, '\n');
  const auto now = split(actual, '\n');
  for (std::size_t i = 0; i < std::max(kept.size(), now.size()); ++i) {
    if (i >= kept.size() || i >= now.size()) return i + 1;
    const auto a = split(kept[i], ',');
    const auto b = split(now[i], ',');
    if (a.size() != b.size()) return i + 1;
    for (std::size_t f = 0; f < a.size(); ++f) {
      if (!same_field(a[f], b[f])) return i + 1;
    }
  }
  return 0;
}

std::string golden_name(std::string capture) {
  for (std::size_t at = capture.find('/'); at != std::string::npos; at = capture.find('/', at)) {
    capture.replace(at, 1, "__");
  }
  return capture + ".csv";
}

TEST(GoldenExtract, ADozenCapturesArePinned) { EXPECT_GE(pinned_captures().size(), 12u); }

TEST(GoldenExtract, RealFeaturesMayDifferOnlyInTheirLastBits) {
  EXPECT_EQ(first_differing_line("a,1940.8186311134293\n", "a,1940.8186311134295\n"), 0u);
  EXPECT_EQ(first_differing_line("a,1940.81863\n", "a,1940.81864\n"), 1u);
  EXPECT_EQ(first_differing_line("x\na,7\n", "x\na,8\n"), 2u);
  EXPECT_EQ(first_differing_line("a,tcp\n", "a,udp\n"), 1u);
  EXPECT_EQ(first_differing_line("a,1\n", "a,1\nb,2\n"), 2u);
  EXPECT_EQ(first_differing_line("a,1,2\n", "a,1\n"), 1u);
}

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
  const std::size_t line = first_differing_line(expected, actual);
  if (line == 0) return;
  const auto line_of = [](const std::string& text, std::size_t n) {
    const auto lines = split(text, '\n');
    return n <= lines.size() ? lines[n - 1] : std::string("(no such line)");
  };
  FAIL() << GetParam() << ": flows differ from the golden file at line " << line
         << "\n  kept: " << line_of(expected, line) << "\n  now:  " << line_of(actual, line)
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
