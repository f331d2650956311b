// Output faults: a reader that closes the pipe, and a disk that fills while
// Vigil writes a model, flows or alerts. Each is reported by name with exit
// code 1, and nothing half-written is left at the target path: no model or
// flow file at all (they are written to a temporary file, then renamed), and
// whole events only in an alerts file that grows while Vigil runs.
//
// The shell's `ulimit -f` stands in for a full disk: past the limit a write
// fails with EFBIG, as it fails with ENOSPC on a full file system (the signal
// the limit also raises is ignored first, as a daemon would).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "run_vigil.hpp"
#include "test_files.hpp"

namespace vigil {
namespace {

using testing::CliRun;
using testing::slurp;
using testing::TempDir;
using testing::vigil_run;

const std::string kCapture = std::string(VIGIL_SHARED_DATA) + "/pcaps/attacks/tahsin_nmap.pcap";

// Runs `vigil ARGS` with files limited to `blocks` blocks of the shell's ulimit.
CliRun with_file_limit(int blocks, const std::string& args) {
  return vigil_run(args, "trap '' XFSZ; ulimit -f " + std::to_string(blocks) + "; ");
}

std::vector<std::string> names_in(const TempDir& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir.file(""))) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The first few thousand rows of UNSW-NB15, whole lines only.
std::string unsw_head() {
  const std::string all = slurp(testing::unsw_path());
  return all.substr(0, all.rfind('\n', 400000) + 1);
}

class OutputFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::ifstream(kCapture) || !testing::have_unsw()) GTEST_SKIP() << "no shared data";
  }
};

TEST_F(OutputFaults, AClosedPipeIsReportedAndExitsOne) {
  TempDir dir;
  // The flows of the capture fill more than a pipe's buffer, so the writes
  // after `head` has gone fail.
  const CliRun run = vigil_run("", "{ " + std::string(VIGIL_BIN) + " extract -q --pcap " +
                                       kCapture + " 2>" + dir.file("err") + "; echo $? >" +
                                       dir.file("rc") + "; } | head -c 1 >/dev/null; true ");
  ASSERT_EQ(run.code, 0) << run.output;
  EXPECT_EQ(slurp(dir.file("rc")), "1\n");
  EXPECT_EQ(slurp(dir.file("err")), "vigil: error: standard output: write failed: Broken pipe\n");
}

TEST_F(OutputFaults, AFullDiskLeavesNoModelNoFlowsAndNoTemporaryFile) {
  TempDir dir;
  const std::string data = dir.write("train.csv", unsw_head());
  CliRun run =
      with_file_limit(8, "train -q --data " + data +
                             " --model rf --param trees=5 --smote off --out " + dir.file("m.vgm"));
  EXPECT_EQ(run.code, 1) << run.output;
  EXPECT_NE(run.output.find(dir.file("m.vgm") + ": write failed: File too large"),
            std::string::npos)
      << run.output;
  run = with_file_limit(8, "extract -q --pcap " + kCapture + " --out " + dir.file("f.csv"));
  EXPECT_EQ(run.code, 1) << run.output;
  EXPECT_NE(run.output.find(dir.file("f.csv") + ": write failed"), std::string::npos) << run.output;
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"train.csv"});
}

TEST_F(OutputFaults, AnAlertsFileKeepsWholeEventsWhenTheDiskFills) {
  TempDir dir;
  const std::string data = dir.write("train.csv", unsw_head());
  ASSERT_EQ(vigil_run("train -q --data " + data +
                      " --model rf --param trees=5 --smote off --feature-set deployment --out " +
                      dir.file("m.vgm"))
                .code,
            0);
  const CliRun run = with_file_limit(400, "detect -q --model " + dir.file("m.vgm") + " --pcap " +
                                              kCapture + " --alerts " + dir.file("alerts.json"));
  EXPECT_EQ(run.code, 1) << run.output;
  EXPECT_NE(run.output.find("alerts.json: write failed: File too large"), std::string::npos)
      << run.output;
  std::istringstream lines(slurp(dir.file("alerts.json")));
  std::size_t events = 0;
  for (std::string line; std::getline(lines, line); ++events) {
    EXPECT_NO_THROW(nlohmann::json::parse(line)) << "event " << events << ": " << line;
  }
  EXPECT_GT(events, 0u);
  EXPECT_TRUE(slurp(dir.file("alerts.json")).ends_with('\n'));
}

}  // namespace
}  // namespace vigil
