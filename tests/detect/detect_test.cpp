// `vigil detect` end to end on real data: UNSW-NB15 rows (alerts are exactly
// the rows the model calls an attack), the Zeek captures (valid EVE JSON,
// stats that add up), and live capture on a veth pair the test makes.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "models/random_forest.hpp"
#include "run_vigil.hpp"
#include "test_files.hpp"
#include "vigil/data/dataset.hpp"
#include "vigil/detect/detector.hpp"
#include "vigil/detect/flow_reader.hpp"
#include "vigil/detect/flow_scorer.hpp"
#include "vigil/io/model_file.hpp"

namespace vigil::detect {
namespace {

using testing::CliRun;
using testing::slurp;
using testing::TempDir;
using testing::vigil_run;

const std::string kTraces = std::string(VIGIL_SHARED_DATA) + "/pcaps/zeek-traces";

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    out.push_back(nlohmann::json::parse(line));  // throws on invalid JSON
  return out;
}

// A small random forest trained on part of UNSW-NB15, and held-out rows it never saw.
class DetectOnUnsw : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!testing::have_unsw()) return;
    dir_ = new TempDir;
    std::ifstream in(testing::unsw_path(), std::ios::binary);
    std::string header, line;
    std::getline(in, header);
    std::ofstream train(dir_->file("train.csv")), held(dir_->file("held.csv"));
    train << header << '\n';
    held << header << '\n';
    for (std::size_t i = 0; std::getline(in, line); ++i) {
      if (i % 10 == 0)
        held << line << '\n';
      else if (i % 10 < 4)
        train << line << '\n';
    }
    train.close();
    held.close();
    const CliRun run = vigil_run("train -q --data " + dir_->file("train.csv") +
                                 " --model rf --param trees=10 --smote off --out " + model());
    ASSERT_EQ(run.code, 0) << run.output;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!testing::have_unsw()) GTEST_SKIP() << "no " << testing::unsw_path();
  }
  static std::string model() { return dir_->file("m.vgm"); }
  static std::string held() { return dir_->file("held.csv"); }

  // flow id -> (class, confidence) for rows `vigil predict` calls an attack.
  static std::map<std::uint64_t, std::pair<std::string, double>> predicted_attacks() {
    const CliRun run = vigil_run("predict -q --model " + model() + " --data " + held() + " --out " +
                                 dir_->file("p.csv"));
    EXPECT_EQ(run.code, 0) << run.output;
    std::ifstream rows(held()), predictions(dir_->file("p.csv"));
    std::string row, p;
    std::getline(rows, row);
    std::getline(predictions, p);
    std::map<std::uint64_t, std::pair<std::string, double>> out;
    while (std::getline(rows, row) && std::getline(predictions, p)) {
      const std::uint64_t id = std::stoull(row.substr(row.find_first_of("0123456789")));
      // row,line,prediction,confidence,...
      std::vector<std::string> cells;
      std::stringstream ss(p);
      for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
      if (cells[2] != "Normal") out[id] = {cells[2], std::stod(cells[3])};
    }
    return out;
  }
  static TempDir* dir_;
};
TempDir* DetectOnUnsw::dir_ = nullptr;

TEST_F(DetectOnUnsw, AlertsAreExactlyTheRowsPredictedAsAttacks) {
  const auto expected = predicted_attacks();
  ASSERT_GT(expected.size(), 1000u);
  const CliRun run = vigil_run("detect --model " + model() + " --flows " + held() + " --alerts " +
                               dir_->file("a.json") + " --stats " + dir_->file("s.json"));
  ASSERT_EQ(run.code, 0) << run.output;
  const auto alerts = json_lines(slurp(dir_->file("a.json")));
  ASSERT_EQ(alerts.size(), expected.size());
  const std::vector<std::string> classes = {"Analysis",  "Backdoor", "DoS",    "Exploits",
                                            "Fuzzers",   "Generic",  "Normal", "Reconnaissance",
                                            "Shellcode", "Worms"};
  for (const auto& a : alerts) {
    const auto id = a["flow_id"].get<std::uint64_t>();
    ASSERT_TRUE(expected.count(id)) << "alert for a row predicted Normal: " << a.dump();
    const auto& [cls, confidence] = expected.at(id);
    EXPECT_EQ(a["event_type"], "alert");
    EXPECT_EQ(a["alert"]["signature"], cls);
    EXPECT_EQ(a["alert"]["metadata"]["vigil"]["class"], cls);
    EXPECT_EQ(a["alert"]["severity"], attack_info(cls).severity);
    EXPECT_EQ(a["alert"]["category"], attack_info(cls).category);
    EXPECT_NEAR(a["alert"]["metadata"]["vigil"]["confidence"].get<double>(), confidence, 1e-5);
    double total = 0;
    for (const auto& c : classes)
      total += a["alert"]["metadata"]["vigil"]["probabilities"][c].get<double>();
    EXPECT_NEAR(total, 1.0, 1e-4);
    EXPECT_EQ(a["alert"]["metadata"]["vigil"]["model"]["name"], "rf");
    EXPECT_EQ(a["alert"]["metadata"]["vigil"]["model"]["version"].get<std::string>().size(), 8u);
    ASSERT_EQ(a["alert"]["metadata"]["vigil"]["reasons"].size(), 3u);
    EXPECT_GE(a["alert"]["metadata"]["vigil"]["reasons"][0]["weight"].get<double>(),
              a["alert"]["metadata"]["vigil"]["reasons"][2]["weight"].get<double>());
    EXPECT_FALSE(a.contains("src_ip"));  // the partition files carry no addresses
  }
  // The final stats event adds up.
  const auto stats = json_lines(slurp(dir_->file("s.json")));
  ASSERT_EQ(stats.size(), 1u);
  const auto& s = stats[0]["stats"];
  EXPECT_EQ(s["flow"]["total"], s["vigil"]["flows_classified"]);
  EXPECT_EQ(s["vigil"]["flows_dropped"], 0);
  EXPECT_EQ(s["detect"]["alert"].get<std::size_t>(), expected.size());
  std::size_t by_class = 0;
  for (const auto& [cls, n] : s["vigil"]["alerts_by_class"].items())
    by_class += n.get<std::size_t>();
  EXPECT_EQ(by_class, expected.size());
}

// Several model threads share each batch out and still write what one thread
// writes, in the same order.
TEST_F(DetectOnUnsw, ModelThreadsWriteWhatOneThreadWrites) {
  std::vector<std::vector<nlohmann::json>> outputs;
  for (const char* threads : {"1", "3"}) {
    const std::string alerts = dir_->file(std::string("threads") + threads + ".json");
    const CliRun run =
        vigil_run("detect -q --model " + model() + " --flows " + held() + " --alerts " + alerts +
                  " --batch 50 --model-threads " + threads + " --all-flows");
    ASSERT_EQ(run.code, 0) << run.output;
    outputs.push_back(json_lines(slurp(alerts)));
    for (auto& event : outputs.back()) event.erase("timestamp");  // the time it was written
  }
  ASSERT_GT(outputs[0].size(), 1000u);
  ASSERT_EQ(outputs[0].size(), outputs[1].size());
  for (std::size_t i = 0; i < outputs[0].size(); ++i)
    ASSERT_EQ(outputs[0][i], outputs[1][i]) << "event " << i;
}

// A hybrid model (the forest plus k-means fitted on Normal training rows):
// attack alerts stay exactly the forest's, and Unknown/anomaly alerts are
// exactly the rows the forest calls Normal whose k-means score, computed here
// from the saved model, passes the detector's threshold.
TEST_F(DetectOnUnsw, HybridRaisesUnknownForNormalVerdictsTheDetectorFlags) {
  const std::string hybrid = dir_->file("hybrid.vgm");
  CliRun run = vigil_run(
      "train -q --data " + dir_->file("train.csv") +
      " --model rf --param trees=10 --smote off --anomaly kmeans --anomaly-param fpr=0.02 --out " +
      hybrid);
  ASSERT_EQ(run.code, 0) << run.output;
  run = vigil_run("detect --model " + hybrid + " --flows " + held() + " --alerts " +
                  dir_->file("h.json") + " --stats " + dir_->file("hs.json"));
  ASSERT_EQ(run.code, 0) << run.output;

  const io::ModelBundle bundle = io::load_model(hybrid);
  ASSERT_TRUE(bundle.anomaly);
  const data::Dataset rows = data::load_dataset(held(), {});
  const Matrix x = bundle.pipeline.transform(rows.features);
  const std::vector<std::int32_t> predicted = bundle.model->predict(x);
  const std::vector<float> scores = bundle.anomaly->score(x);
  const auto normal = static_cast<std::int32_t>(
      std::find(bundle.class_names.begin(), bundle.class_names.end(), "Normal") -
      bundle.class_names.begin());
  std::set<std::uint64_t> unknown, attacks;
  std::ifstream in(held());
  std::string line;
  std::getline(in, line);
  for (std::size_t i = 0; std::getline(in, line); ++i) {
    const std::uint64_t id = std::stoull(line.substr(0, line.find(',')));
    if (predicted[i] != normal)
      attacks.insert(id);
    else if (scores[i] > bundle.anomaly->threshold())
      unknown.insert(id);
  }
  ASSERT_GT(unknown.size(), 10u);
  std::set<std::uint64_t> seen_unknown, seen_attacks;
  for (const auto& a : json_lines(slurp(dir_->file("h.json")))) {
    const auto id = a["flow_id"].get<std::uint64_t>();
    if (a["alert"]["signature"] == "Unknown/anomaly") {
      seen_unknown.insert(id);
      EXPECT_EQ(a["alert"]["category"], "Potentially Bad Traffic");
      EXPECT_EQ(a["alert"]["metadata"]["vigil"]["anomaly"]["detector"], "kmeans");
      EXPECT_GT(a["alert"]["metadata"]["vigil"]["anomaly"]["score"].get<double>(),
                a["alert"]["metadata"]["vigil"]["anomaly"]["threshold"].get<double>());
      EXPECT_FALSE(a["alert"]["metadata"]["vigil"].contains("reasons"));
      // Confidence: the share of Normal training rows scoring lower (the threshold is their 98th
      // percentile).
      EXPECT_GE(a["alert"]["metadata"]["vigil"]["confidence"].get<double>(), 0.975);
    } else {
      seen_attacks.insert(id);
    }
  }
  EXPECT_EQ(seen_attacks, attacks);
  EXPECT_EQ(seen_unknown, unknown);
  const auto stats = json_lines(slurp(dir_->file("hs.json")));
  EXPECT_EQ(stats.back()["stats"]["vigil"]["alerts_by_class"]["Unknown/anomaly"].get<std::size_t>(),
            unknown.size());
}

// A flow encoded by the scorer is bit for bit the row the pipeline makes from
// the same CSV line, and a reason's weight is the probability its occlusion takes away.
// The held-out rows as FlowScorer encodes them, checked against the pipeline's
// own transform of the same CSV.
Matrix encoded_held_rows(const io::ModelBundle& bundle, const FlowScorer& scorer,
                         const std::string& held) {
  data::DatasetOptions options;
  options.label = bundle.label_column;
  options.require_label = false;
  options.expected_features = bundle.expected_features();
  const data::Dataset ds = data::load_dataset(held, options);
  const Matrix expected = bundle.pipeline.transform(ds.features);
  std::FILE* in = std::fopen(held.c_str(), "rb");
  EXPECT_NE(in, nullptr);
  FlowCsvReader reader(in, held);
  Matrix rows(expected.rows(), scorer.width());
  capture::FlowRecord flow;
  std::size_t r = 0;
  while (reader.next(flow)) {
    if (r == rows.rows()) break;
    scorer.encode(flow, rows.row(r++));
  }
  std::fclose(in);
  EXPECT_EQ(r, expected.rows());
  EXPECT_EQ(rows.values(), expected.values());
  return rows;
}

std::vector<std::int32_t> argmax_classes(const Matrix& proba,
                                         const std::vector<std::size_t>& which) {
  std::vector<std::int32_t> classes;
  for (std::size_t w : which) {
    const auto p = proba.row(w);
    classes.push_back(static_cast<std::int32_t>(std::max_element(p.begin(), p.end()) - p.begin()));
  }
  return classes;
}

// A forest's reasons are its path contributions: the three largest, which with
// all the others and the forest's prior add up to the alert's probability.
TEST_F(DetectOnUnsw, ForestReasonsAreItsPathContributions) {
  const io::ModelBundle bundle = io::load_model(model());
  const FlowScorer scorer(bundle);
  const Matrix rows = encoded_held_rows(bundle, scorer, held());
  const Matrix proba = scorer.predict_proba(rows);
  const std::vector<std::size_t> which = {0, 7, 123, 2000};
  const std::vector<std::int32_t> classes = argmax_classes(proba, which);
  const auto why = scorer.explain(rows, proba, which, classes, 3);
  ASSERT_EQ(why.size(), which.size());
  const auto& rf = dynamic_cast<const models::RandomForest&>(*bundle.model);
  const std::vector<float> prior = rf.prior();
  for (std::size_t i = 0; i < which.size(); ++i) {
    ASSERT_EQ(why[i].size(), 3u);
    Matrix one(1, scorer.width());
    std::copy(rows.row(which[i]).begin(), rows.row(which[i]).end(), one.row(0).begin());
    const Matrix all = rf.contributions(one, std::vector<std::int32_t>{classes[i]});
    std::vector<float> sorted(all.row(0).begin(), all.row(0).end());
    std::sort(sorted.rbegin(), sorted.rend());
    double total = prior[static_cast<std::size_t>(classes[i])];
    for (float c : sorted) total += c;
    EXPECT_NEAR(total, proba(which[i], static_cast<std::size_t>(classes[i])), 1e-5);
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_EQ(why[i][k].delta, sorted[k]);
      EXPECT_EQ(why[i][k].delta, all(0, why[i][k].feature));
    }
  }
}

// A model that cannot trace its decision (naive Bayes) is explained by
// occlusion: each reason is the probability lost with the feature at its
// training baseline.
TEST_F(DetectOnUnsw, OtherModelsReasonsAreOcclusionDrops) {
  const std::string nb = dir_->file("nb.vgm");
  const CliRun run = vigil_run("train -q --data " + dir_->file("train.csv") +
                               " --model nb --smote off --out " + nb);
  ASSERT_EQ(run.code, 0) << run.output;
  const io::ModelBundle bundle = io::load_model(nb);
  const FlowScorer scorer(bundle);
  const Matrix rows = encoded_held_rows(bundle, scorer, held());
  const Matrix proba = scorer.predict_proba(rows);
  const std::vector<std::size_t> which = {0, 7, 123};
  const std::vector<std::int32_t> classes = argmax_classes(proba, which);
  const auto why = scorer.explain(rows, proba, which, classes, 3);
  ASSERT_EQ(why.size(), which.size());
  const auto& fill = bundle.pipeline.imputer().fill_values();
  const auto& scaler = bundle.pipeline.scaler();
  for (std::size_t i = 0; i < which.size(); ++i) {
    ASSERT_EQ(why[i].size(), 3u);
    EXPECT_GE(why[i][0].delta, why[i][1].delta);
    EXPECT_GE(why[i][1].delta, why[i][2].delta);
    Matrix probe(1, scorer.width());
    std::copy(rows.row(which[i]).begin(), rows.row(which[i]).end(), probe.row(0).begin());
    const std::size_t j = why[i][0].feature;
    probe(0, j) = static_cast<float>((static_cast<float>(fill[j]) - scaler.offsets()[j]) /
                                     scaler.scales()[j]);
    const float drop = proba(which[i], static_cast<std::size_t>(classes[i])) -
                       scorer.predict_proba(probe)(0, static_cast<std::size_t>(classes[i]));
    EXPECT_FLOAT_EQ(why[i][0].delta, drop);
  }
}

TEST_F(DetectOnUnsw, ThresholdStdinAndOtherFormats) {
  const auto expected = predicted_attacks();
  // Rows read from standard input, alerts only at 0.9 or more.
  const CliRun run = vigil_run("detect -q --model " + model() +
                               " --flows - --threshold 0.9 --reasons 0 < " + held());
  ASSERT_EQ(run.code, 0) << run.output;
  const auto alerts = json_lines(run.output);
  std::set<std::uint64_t> got;
  for (const auto& a : alerts) {
    got.insert(a["flow_id"].get<std::uint64_t>());
    EXPECT_FALSE(a["alert"]["metadata"]["vigil"].contains("reasons"));
  }
  std::size_t sure = 0;
  for (const auto& [id, v] : expected) {
    if (std::abs(v.second - 0.9) < 1e-5) continue;  // printed confidence too close to call
    EXPECT_EQ(got.count(id) == 1, v.second >= 0.9) << "flow " << id;
    sure += v.second >= 0.9;
  }
  EXPECT_GT(sure, 100u);
  EXPECT_LT(sure, expected.size());
  // CEF and syslog: one line per alert.
  for (const char* format : {"cef", "syslog"}) {
    const CliRun other =
        vigil_run("detect -q --model " + model() + " --flows " + held() + " --format " + format);
    ASSERT_EQ(other.code, 0) << other.output;
    EXPECT_EQ(static_cast<std::size_t>(std::count(other.output.begin(), other.output.end(), '\n')),
              expected.size());
  }
}

// A model trained with --alert-threshold carries it; --threshold still wins.
TEST_F(DetectOnUnsw, TheModelsAlertThresholdIsTheDefault) {
  const std::string strict = dir_->file("strict.model");
  CliRun run =
      vigil_run("train -q --data " + dir_->file("train.csv") +
                " --model rf --param trees=10 --smote off --alert-threshold 0.9 --out " + strict);
  ASSERT_EQ(run.code, 0) << run.output;
  run = vigil_run("detect --model " + strict + " --flows " + held() + " --reasons 0 --alerts " +
                  dir_->file("s.json"));
  ASSERT_EQ(run.code, 0) << run.output;
  EXPECT_NE(run.output.find("alert threshold 0.900000 (from the model file)"), std::string::npos)
      << run.output;
  const CliRun explicit_09 =
      vigil_run("detect -q --model " + model() + " --flows " + held() + " --threshold 0.9");
  const CliRun explicit_0 =
      vigil_run("detect -q --model " + strict + " --flows " + held() + " --threshold 0");
  ASSERT_EQ(explicit_09.code, 0);
  ASSERT_EQ(explicit_0.code, 0);
  // The same forest (same data, seed and parameters): its own threshold gives
  // the alerts --threshold 0.9 gives, and --threshold 0 overrides it.
  const std::size_t by_model = json_lines(slurp(dir_->file("s.json"))).size();
  EXPECT_EQ(by_model, json_lines(explicit_09.output).size());
  EXPECT_LT(by_model, json_lines(explicit_0.output).size());
}

TEST_F(DetectOnUnsw, WithoutAModelItSaysHowToGetTheDefaultOne) {
  const CliRun run =
      vigil_run("detect --flows " + held(), "VIGIL_MODEL=" + dir_->file("missing.model") + " ");
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.output.find("missing.model"), std::string::npos) << run.output;
  if (!std::filesystem::exists(std::filesystem::path(VIGIL_BIN).parent_path() /
                               "default-detector.model")) {
    const CliRun none = vigil_run("detect --flows " + held(), "VIGIL_MODEL= ");
    EXPECT_EQ(none.code, 1);
    EXPECT_NE(none.output.find("scripts/default-model"), std::string::npos) << none.output;
  }
}

TEST_F(DetectOnUnsw, BadInputIsRefusedWithAClearMessage) {
  const std::string bad = dir_->write("bad.csv", "id,proto,sttl\n1,tcp,1\n");
  CliRun run = vigil_run("detect --model " + model() + " --flows " + bad);
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.output.find("bad.csv: no column 'dur', which the model needs"), std::string::npos)
      << run.output;
  run = vigil_run("detect --model " + model() + " --flows " + held() + " --benign Benign");
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.output.find("benign class 'Benign' is not one of the model's classes"),
            std::string::npos)
      << run.output;
  run = vigil_run("detect --model " + model());
  EXPECT_EQ(run.code, 2) << run.output;  // no input named
  // A row that breaks half-way: the error names its line; rows before it were classified.
  std::string text = slurp(held());
  text = text.substr(0, text.find('\n', text.find('\n') + 1) + 1) + "1,x\n";
  run = vigil_run("detect -q --model " + model() + " --flows " + dir_->write("broken.csv", text));
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.output.find("broken.csv:3: 2 cells, but the header has"), std::string::npos)
      << run.output;
}

TEST_F(DetectOnUnsw, EveryZeekTraceToCompletionWithStatsThatAddUp) {
  if (!std::filesystem::exists(kTraces)) GTEST_SKIP() << "no " << kTraces;
  DetectConfig config;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kTraces)) {
    if (entry.is_regular_file() && testing::is_capture(entry.path())) {
      config.capture.pcaps.push_back(entry.path().string());
    }
  }
  std::sort(config.capture.pcaps.begin(), config.capture.pcaps.end());
  ASSERT_GT(config.capture.pcaps.size(), 700u);
  config.all_flows = true;
  config.stats_interval = 0.05;
  const io::ModelBundle bundle = io::load_model(model());
  const ModelIdentity identity{"rf", "00000000", model(), bundle.class_names, "", 0};
  std::string text;
  std::size_t periodic = 0;
  DetectStats last;
  const DetectStats stats = run_detector(
      config, bundle, identity, [&](std::string_view t) { text += t; },
      [&](const DetectStats& s, bool final) {
        if (!final) ++periodic;
        last = s;
      });
  EXPECT_EQ(last.flows_classified, stats.flows_classified);
  const auto events = json_lines(text);
  std::size_t flows = 0, alerts = 0;
  for (const auto& e : events) {
    flows += e["event_type"] == "flow";
    alerts += e["event_type"] == "alert";
    EXPECT_TRUE(e.contains("timestamp"));
    EXPECT_TRUE(e.contains("proto"));
  }
  EXPECT_GT(stats.packets, 10000u);
  EXPECT_GT(flows, 1000u);
  EXPECT_EQ(stats.flows_in, stats.flows_classified);
  EXPECT_EQ(flows, stats.flows_classified);
  EXPECT_EQ(alerts, stats.alerts);
  EXPECT_EQ(stats.dropped, 0u);
  EXPECT_GE(stats.model_us_p99, stats.model_us_p50);
  EXPECT_GT(periodic, 0u);
  // The same flows `vigil extract` finds, one event each.
  const auto summary = capture::capture_flows(config.capture, [](const capture::FlowRecord&) {});
  EXPECT_EQ(summary.flows, stats.flows_in);
}

// Live capture on a veth pair made here (root only; skipped otherwise): a
// capture is injected on one end while `vigil detect` listens on the other
// until SIGINT, and it finds the same flows as from the file.
TEST_F(DetectOnUnsw, LiveOnAVethPair) {
  const std::string trace = kTraces + "/http/bro.org.pcap";
  if (!std::filesystem::exists(trace)) GTEST_SKIP() << "no " << trace;
  const std::string a = "vgl" + std::to_string(getpid() % 100000) + "a";
  const std::string b = a.substr(0, a.size() - 1) + "b";
  if (std::system(("ip link add " + a + " type veth peer name " + b + " 2>/dev/null").c_str()) !=
      0) {
    GTEST_SKIP() << "cannot make a veth pair here (needs CAP_NET_ADMIN)";
  }
  struct Cleanup {
    std::string link;
    ~Cleanup() { (void)std::system(("ip link del " + link + " 2>/dev/null").c_str()); }
  } cleanup{a};
  for (const auto& link : {a, b}) {
    ASSERT_EQ(std::system(("sysctl -qw net.ipv6.conf." + link +
                           ".disable_ipv6=1 >/dev/null 2>&1; ip link set " + link + " up")
                              .c_str()),
              0);
  }
  std::thread injector([&] {
    // After the detector has had time to start capturing (slower under the sanitizers).
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    char error[PCAP_ERRBUF_SIZE];
    pcap_t* in = pcap_open_offline(trace.c_str(), error);
    pcap_t* out = pcap_open_live(a.c_str(), 65535, 0, 100, error);
    if (!in || !out) {
      ADD_FAILURE() << "pcap: " << error;
    } else {
      pcap_pkthdr* header;
      const u_char* data;
      while (pcap_next_ex(in, &header, &data) == 1) {
        EXPECT_EQ(pcap_inject(out, data, header->caplen), static_cast<int>(header->caplen))
            << pcap_geterr(out);
      }
    }
    if (in) pcap_close(in);
    if (out) pcap_close(out);
  });
  // Ended by SIGINT, as an operator ends it: open flows must still be written.
  const CliRun live = vigil_run("detect --model " + model() + " --interface " + b +
                                    " --filter ip --all-flows --alerts " + dir_->file("live.json"),
                                "timeout --preserve-status -s INT 4 ");
  injector.join();
  ASSERT_EQ(live.code, 0) << live.output;
  const CliRun offline = vigil_run("detect -q --model " + model() + " --pcap " + trace +
                                   " --all-flows --alerts " + dir_->file("offline.json"));
  ASSERT_EQ(offline.code, 0) << offline.output;
  auto tuples = [](const std::string& text) {
    std::multiset<std::string> out;
    for (const auto& e : json_lines(text)) {
      if (e["event_type"] != "flow") continue;
      out.insert(e["proto"].get<std::string>() + " " + e["src_ip"].get<std::string>() + ":" +
                 std::to_string(e["src_port"].get<int>()) + " " + e["dest_ip"].get<std::string>() +
                 ":" + std::to_string(e["dest_port"].get<int>()));
    }
    return out;
  };
  const auto from_file = tuples(slurp(dir_->file("offline.json")));
  EXPECT_FALSE(from_file.empty());
  EXPECT_EQ(tuples(slurp(dir_->file("live.json"))), from_file);
  EXPECT_NE(live.output.find(" 0 dropped"), std::string::npos) << live.output;
}

}  // namespace
}  // namespace vigil::detect
