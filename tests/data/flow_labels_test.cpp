#include "vigil/data/flow_labels.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "run_vigil.hpp"
#include "test_files.hpp"
#include "vigil/core/error.hpp"
#include "vigil/data/csv.hpp"

namespace vigil::data {
namespace {

using vigil::testing::TempDir;

// Flow rows as `vigil extract` writes them, cut to the columns the join reads
// plus one feature, and an earlier label column that must be replaced.
const char* kFlows =
    "id,proto,sbytes,srcip,sport,dstip,dsport,stime,ltime,label\n"
    "1,tcp,100,10.0.0.9,40000,10.0.0.2,22,100.0,101.0,1\n"  // attacker -> target, in the window
    "2,tcp,60,10.0.0.2,22,10.0.0.9,40001,104.5,104.6,1\n"   // the same pair, the other way, in the
                                                            // slack
    "3,tcp,60,10.0.0.9,40002,10.0.0.2,22,120.0,121.0,1\n"   // the same pair, long after the window
    "4,udp,80,10.0.0.5,5353,10.0.0.3,53,100.0,100.1,0\n"    // sensor DNS: the service port matches
    "5,udp,80,10.0.0.5,5353,10.0.0.3,123,100.0,100.1,0\n"   // sensor to the same server, another
                                                            // port
    "6,tcp,\"1,5\",10.0.0.7,5000,10.0.0.8,80,50.0,200.0,0\n";  // a quoted cell; a host no record
                                                               // names

const char* kLabLabels =
    "start,end,src,dst,proto,dport,class,tool,detail\n"
    "99.5,103.0,10.0.0.9,10.0.0.2,*,*,BruteForce,hydra,ssh -t 4\n"
    "90,110,10.0.0.5,10.0.0.3,udp,53,Normal,dns lookup,3 runs\n";

struct Joined {
  LabelJoinSummary summary;
  RawCsv csv;
};

Joined join(const TempDir& dir, const LabelJoinOptions& options, const char* labels = kLabLabels) {
  const std::string flows = dir.write("flows.csv", kFlows);
  const LabelSet set = read_label_file(dir.write("labels.csv", labels));
  std::string text;
  Joined j;
  j.summary = label_flows(flows, {set}, options, [&](std::string_view t) { text += t; });
  j.csv = parse_raw_csv(text, "joined");
  return j;
}

std::string cell(const RawCsv& csv, std::size_t row, const std::string& name) {
  for (std::size_t c = 0; c < csv.header.size(); ++c) {
    if (csv.header[c] == name) return std::string(csv.cell(row, c));
  }
  return "<no column " + name + ">";
}

TEST(FlowLabels, LabRecordsMatchEitherDirectionWithinTheirSpanAndPort) {
  TempDir dir;
  const Joined j = join(dir, {});
  EXPECT_EQ(j.summary.flows, 6u);
  EXPECT_EQ(j.summary.matched, 3u);  // flows 1, 2 (reversed, within the slack) and 4 (the DNS port)
  EXPECT_EQ(j.summary.unmatched, 3u);
  ASSERT_EQ(j.csv.rows(), 3u);  // unmatched flows are dropped by default
  EXPECT_EQ(cell(j.csv, 0, "id"), "1");
  EXPECT_EQ(cell(j.csv, 0, "attack_cat"), "BruteForce");
  EXPECT_EQ(cell(j.csv, 0, "label"), "1");
  EXPECT_EQ(cell(j.csv, 1, "id"), "2");
  EXPECT_EQ(cell(j.csv, 2, "id"), "4");
  EXPECT_EQ(cell(j.csv, 2, "attack_cat"), "Normal");
  EXPECT_EQ(cell(j.csv, 2, "label"), "0");
  EXPECT_EQ(j.summary.records_matched, 2u);
  // The old label column is replaced, not repeated.
  EXPECT_EQ(std::count(j.csv.header.begin(), j.csv.header.end(), "label"), 1);
}

TEST(FlowLabels, NoSlackLeavesTheReversedLateFlowOut) {
  TempDir dir;
  LabelJoinOptions options;
  options.slack = 0;
  EXPECT_EQ(join(dir, options).summary.matched, 2u);
}

TEST(FlowLabels, UnmatchedFlowsAreBenignOnlyWhenAsked) {
  TempDir dir;
  LabelJoinOptions options;
  options.unmatched = Unmatched::kBenign;
  const Joined j = join(dir, options);
  ASSERT_EQ(j.csv.rows(), 6u);
  EXPECT_EQ(cell(j.csv, 2, "attack_cat"), "Normal");
  EXPECT_EQ(cell(j.csv, 5, "sbytes"), "1,5");  // cells are written back as read
  EXPECT_EQ(j.summary.flows_by_class.at("Normal"), 4u);

  options.unmatched = Unmatched::kFail;
  try {
    join(dir, options);
    FAIL() << "an unmatched flow was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("flows.csv:4"), std::string::npos) << e.what();
  }
}

TEST(FlowLabels, MaxPerRecordKeepsARandomSampleOfEachRecordsFlows) {
  TempDir dir;
  LabelJoinOptions options;
  options.max_per_record = 1;
  const Joined j = join(dir, options);
  EXPECT_EQ(j.summary.matched, 3u);
  EXPECT_EQ(j.summary.sampled_out, 1u);  // the brute force record matched two flows
  EXPECT_EQ(j.summary.flows_by_class.at("BruteForce"), 1u);
  EXPECT_EQ(j.summary.flows_by_class.at("Normal"), 1u);
  ASSERT_EQ(j.csv.rows(), 2u);
  // The same seed, the same sample.
  EXPECT_EQ(cell(join(dir, options).csv, 0, "id"), cell(j.csv, 0, "id"));
}

TEST(FlowLabels, AnAttackRecordWinsOverABenignOneItOverlaps) {
  TempDir dir;
  const char* labels =
      "start,end,src,dst,proto,dport,class,tool,detail\n"
      "0,1000,10.0.0.9,10.0.0.2,*,*,Normal,ssh admin session,\n"
      "100.9,101.0,10.0.0.9,10.0.0.2,*,*,Exploits,sqlmap,\n";
  const Joined j = join(dir, {}, labels);
  EXPECT_EQ(cell(j.csv, 0, "attack_cat"), "Exploits");
  EXPECT_EQ(cell(j.csv, 2, "attack_cat"), "Normal");  // flow 3 meets only the benign record
}

TEST(FlowLabels, ZeekRecordsMatchTheFiveTupleAndTakeTheDetailedLabel) {
  TempDir dir;
  const std::string log = dir.write(
      "conn.log.labeled",
      "#separator \\x09\n#path\tconn\n"
      "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\t"
      "tunnel_parents   label   detailed-label\n"
      "100.2\tC1\t10.0.0.9\t40000\t10.0.0.2\t22\ttcp\tssh\t0.5\t-   Malicious   C&C\n"
      "104.5\tC2\t10.0.0.9\t40001\t10.0.0.2\t22\ttcp\t-\t-\t-   Benign   -\n"
      "100.0\tC3\t10.0.0.5\t5353\t10.0.0.3\t53\tudp\tdns\t0.1\t-   Malicious   -\n");
  const LabelSet set = read_label_file(log);
  ASSERT_EQ(set.records.size(), 3u);
  EXPECT_EQ(set.format, "zeek");
  EXPECT_EQ(set.records[0].label, "C&C");
  EXPECT_EQ(set.records[1].label, "Normal");
  EXPECT_EQ(set.records[2].label, "Malicious");
  std::string text;
  const auto summary = label_flows(dir.write("flows.csv", kFlows), {set}, {},
                                   [&](std::string_view t) { text += t; });
  const RawCsv csv = parse_raw_csv(text, "joined");
  ASSERT_EQ(summary.matched, 3u);  // flow 5 has the DNS pair but another port: no match
  EXPECT_EQ(cell(csv, 0, "attack_cat"), "C&C");
  EXPECT_EQ(cell(csv, 1, "attack_cat"), "Normal");  // reversed direction
  EXPECT_EQ(cell(csv, 2, "attack_cat"), "Malicious");
}

TEST(FlowLabels, BadLabelFilesNameTheLineAndField) {
  TempDir dir;
  auto error_of = [&](const std::string& text) {
    try {
      read_label_file(dir.write("bad.csv", text));
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of("start,end,src,dst,proto,dport,class\nx,2,a,b,tcp,*,DoS\n")
                .find("bad.csv:2: field 'start'"),
            std::string::npos);
  EXPECT_NE(error_of("start,end,src,dst,proto,dport,class\n1,2,a,b,tcp,70000,DoS\n")
                .find("field 'dport'"),
            std::string::npos);
  EXPECT_NE(
      error_of("start,end,src,dst,proto,dport,class\n3,2,a,b,tcp,*,DoS\n").find("before 'start'"),
      std::string::npos);
  EXPECT_NE(error_of("hello\n").find("not a label file"), std::string::npos);
  EXPECT_NE(error_of("#separator \\x09\n#fields\tts\tuid\n1\t2\n").find("no 'id.orig_h'"),
            std::string::npos);
}

// IoT-23's capture 42-1 and the Zeek log made from it: every one of its six
// malicious connections joins a flow of Vigil's, with its detailed label.
TEST(FlowLabels, Iot23Capture42JoinsItsZeekLog) {
  const std::string dir = std::string(VIGIL_SHARED_DATA) + "/iot23/";
  std::string pcap;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("CTU-IoT-Malware-Capture-42-1_", 0) == 0 && e.path().extension() == ".pcap")
      pcap = e.path();
  }
  if (pcap.empty()) GTEST_SKIP() << "IoT-23 42-1 is not in " << dir;
  TempDir tmp;
  const auto run =
      vigil::testing::vigil_run("extract -q --pcap '" + pcap + "' --out " + tmp.file("flows.csv"));
  ASSERT_EQ(run.code, 0) << run.output;
  const LabelSet set = read_label_file(dir + "CTU-IoT-Malware-Capture-42-1.conn.log.labeled");
  std::string text;
  const auto summary =
      label_flows(tmp.file("flows.csv"), {set}, {}, [&](std::string_view t) { text += t; });
  EXPECT_EQ(summary.flows_by_class.count("C&C-FileDownload")
                ? summary.flows_by_class.at("C&C-FileDownload")
                : 0,
            3u);
  EXPECT_EQ(
      summary.flows_by_class.count("FileDownload") ? summary.flows_by_class.at("FileDownload") : 0,
      3u);
  EXPECT_GE(summary.matched, summary.flows * 99 / 100) << summary.line();
  EXPECT_EQ(summary.records_by_class.at("Normal"), 4420u);
}

}  // namespace
}  // namespace vigil::data
