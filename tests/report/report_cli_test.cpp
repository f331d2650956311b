// `vigil experiment --html` and `vigil report` end to end.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "report/page.hpp"
#include "report/report_fixtures.hpp"
#include "run_vigil.hpp"
#include "test_files.hpp"
#include "vigil/core/error.hpp"
#include "vigil/io/checksum.hpp"

namespace vigil {
namespace {

using testing::slurp;
using testing::vigil_run;

std::string small_csv() {
  std::string csv = "a,b,proto,class\n";
  for (int i = 0; i < 240; ++i) {
    const int y = i % 3;
    csv += std::to_string(y * 2 + (i * 7 % 10) / 10.0) + "," + std::to_string((i * 13) % 17) + "," +
           (i % 2 ? "tcp" : "udp") + "," +
           (y == 0   ? "Normal"
            : y == 1 ? "DoS"
                     : "Exploits") +
           "\n";
  }
  return csv;
}

TEST(Checksum, IsTheSha256OfTheBytes) {
  testing::TempDir dir;
  EXPECT_EQ(io::sha256_file(dir.write("abc", "abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_THROW(io::sha256_file(dir.file("missing")), InputError);
}

TEST(ReportCli, ExperimentPageAndReportOfItsJsonCarryTheSameNumbers) {
  testing::TempDir dir;
  const std::string csv = dir.write("small.csv", small_csv());
  const auto run =
      vigil_run("experiment -q --data " + csv + " --label class --models nb,lr --html " +
                dir.file("page.html") + " --json " + dir.file("r.json"));
  ASSERT_EQ(run.code, 0) << run.output;
  const nlohmann::json saved = nlohmann::json::parse(slurp(dir.file("r.json")));
  EXPECT_EQ(saved.at("data_sha256"), io::sha256_file(csv));
  EXPECT_EQ(saved.at("vigil_version"), VIGIL_VERSION);
  EXPECT_NE(saved.at("command").get<std::string>().find("experiment -q --data"), std::string::npos);
  // The page's block holds the JSON's numbers exactly (floats survive the round trip).
  EXPECT_EQ(report::embedded_data(slurp(dir.file("page.html"))), saved);
  const auto again = vigil_run("report -q " + dir.file("r.json") + " -o " + dir.file("p2.html"));
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_EQ(report::embedded_data(slurp(dir.file("p2.html"))), saved);
}

TEST(ReportCli, DetectionPageFromAlertsAndStatsFiles) {
  testing::TempDir dir;
  const std::string lines = testing::eve_lines(12);
  const auto split = lines.find("{\"timestamp\":\"2026-12-04T10:05:00");
  const std::string alerts = dir.write("eve.json", lines.substr(0, split));
  const std::string stats = dir.write("stats.json", lines.substr(split));
  const auto run = vigil_run("report -q " + alerts + " " + stats + " --out " + dir.file("d.html"));
  ASSERT_EQ(run.code, 0) << run.output;
  const nlohmann::json data = report::embedded_data(slurp(dir.file("d.html")));
  EXPECT_EQ(data.at("alerts"), 12);
  EXPECT_EQ(data.at("stats_events"), 2);
  EXPECT_EQ(data.at("sources").size(), 2u);
}

TEST(ReportCli, BadInputIsOneClearLineAndNoPage) {
  testing::TempDir dir;
  const std::string lines = testing::eve_lines(3);
  const std::string eve = dir.write("eve.json", lines.substr(0, lines.find('\n') + 1) + "{oops\n");
  auto run = vigil_run("report " + eve + " -o " + dir.file("x.html"));
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.output.find("eve.json:2: not a JSON event"), std::string::npos) << run.output;
  EXPECT_FALSE(std::filesystem::exists(dir.file("x.html")));

  const std::string experiment = dir.write("r.json", "{\"protocol\":\"holdout\"}\n");
  run = vigil_run("report " + experiment + " -o " + dir.file("x.html"));
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.output.find("r.json: not an experiment's result"), std::string::npos) << run.output;

  const std::string good = dir.write("good.json", lines);
  run = vigil_run("report " + dir.write("e.json", testing::small_experiment_json(120).dump()) +
                  " " + good + " -o " + dir.file("x.html"));
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.output.find("give one kind per page"), std::string::npos) << run.output;
  EXPECT_FALSE(std::filesystem::exists(dir.file("x.html")));
}

}  // namespace
}  // namespace vigil
