// The report pages opened in a real browser (Debian's headless Chromium): they
// load with no console message (a blocked request or script would log one),
// make no network request, and their charts exist in the rendered DOM.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "report/report_fixtures.hpp"
#include "run_vigil.hpp"
#include "test_files.hpp"
#include "vigil/report/html_report.hpp"

namespace vigil::report {
namespace {

std::string chromium() {
  if (const char* path = std::getenv("VIGIL_CHROMIUM")) return path;
  return std::filesystem::exists("/usr/bin/chromium") ? "/usr/bin/chromium" : "";
}

struct BrowserRun {
  int code = -1;
  std::string dom;
  std::vector<std::string> console;   // messages the page logged
  std::vector<std::string> requests;  // URLs the page asked for
};

// Chromium's own background requests have no origin; a page's carry its origin
// ("null" for a file).
std::vector<std::string> page_requests(const std::string& netlog_text) {
  nlohmann::json log = nlohmann::json::parse(netlog_text, nullptr, false);
  if (log.is_discarded()) {
    // A log cut short at exit misses its closing brackets.
    std::string fixed = netlog_text;
    while (!fixed.empty() &&
           (std::isspace(static_cast<unsigned char>(fixed.back())) || fixed.back() == ',')) {
      fixed.pop_back();
    }
    log = nlohmann::json::parse(fixed + "]}", nullptr, false);
  }
  std::vector<std::string> urls;
  if (log.is_discarded()) return {"(the net log could not be read)"};
  const int start_job = log.at("constants").at("logEventTypes").at("URL_REQUEST_START_JOB");
  for (const auto& e : log.at("events")) {
    if (e.at("type") != start_job || !e.contains("params")) continue;
    const auto& p = e.at("params");
    if (p.contains("url") && p.contains("initiator") && p.at("initiator") != "not an origin") {
      urls.push_back(p.at("url"));
    }
  }
  return urls;
}

BrowserRun open_page(const std::string& html, const testing::TempDir& dir) {
  const std::string page = dir.write("page.html", html);
  const std::string cmd =
      "timeout 120 " + chromium() +
      " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
      " --disable-background-networking --disable-component-update --disable-sync"
      " --user-data-dir=" +
      dir.file("profile") + " --enable-logging=stderr --v=0 --log-net-log=" + dir.file("net.json") +
      " --net-log-capture-mode=Default --dump-dom file://" + page + " > " + dir.file("dom.html") +
      " 2> " + dir.file("log.txt");
  BrowserRun run;
  const int status = std::system(cmd.c_str());
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.dom = testing::slurp(dir.file("dom.html"));
  const std::string log = testing::slurp(dir.file("log.txt"));
  std::size_t pos = 0;
  while (pos < log.size()) {
    std::size_t end = log.find('\n', pos);
    if (end == std::string::npos) end = log.size();
    const std::string line = log.substr(pos, end - pos);
    if (line.find(":CONSOLE") != std::string::npos) run.console.push_back(line);
    pos = end + 1;
  }
  run.requests = page_requests(testing::slurp(dir.file("net.json")));
  return run;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class Browser : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!chromium().empty()) return;
    // CI installs Chromium (scripts/test): there, a missing browser is a failure.
    if (const char* ci = std::getenv("CI"); ci && std::string(ci) == "true") {
      FAIL() << "no /usr/bin/chromium: scripts/test installs Debian's chromium package";
    }
    GTEST_SKIP() << "no /usr/bin/chromium (apt-get install chromium, or set VIGIL_CHROMIUM)";
  }
};

TEST_F(Browser, SeesARequestAndABlockedScriptWhenThereAreSome) {
  // The checks below would pass vacuously if these went unseen.
  testing::TempDir dir;
  const BrowserRun fetching = open_page(
      "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:9/x.png\"></body></html>", dir);
  ASSERT_EQ(fetching.code, 0);
  EXPECT_EQ(fetching.requests, std::vector<std::string>{"http://127.0.0.1:9/x.png"});
  testing::TempDir dir2;
  const BrowserRun blocked = open_page(
      "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" "
      "content=\"default-src 'none'\"></head><body><script>1</script></body></html>",
      dir2);
  ASSERT_EQ(blocked.code, 0);
  EXPECT_EQ(blocked.console.size(), 1u);
}

TEST_F(Browser, ExperimentPageLoadsCleanlyWithEveryChart) {
  testing::TempDir dir;
  const BrowserRun run = open_page(experiment_page({testing::small_experiment_json()}, {"r"}), dir);
  ASSERT_EQ(run.code, 0);
  EXPECT_TRUE(run.console.empty()) << run.console.front();
  EXPECT_TRUE(run.requests.empty()) << run.requests.front();
  EXPECT_EQ(count(run.dom, "class=\"cell\""), 2u * 2 * 3 * 3);  // 2 models, 2 maps, 3 classes
  EXPECT_EQ(count(run.dom, "class=\"bar\""), 3u * 3 * 2);
  EXPECT_EQ(count(run.dom, "class=\"curve\""), 20u);
  EXPECT_EQ(count(run.dom, "<svg"), 2u * 2 + 3 + 2 * 2 + 1 + 3 + 1);
  EXPECT_NE(run.dom.find("id=\"vigil-data\""), std::string::npos);
}

TEST_F(Browser, DetectionPageLoadsCleanlyWithEveryChart) {
  testing::TempDir dir;
  EveSummarizer s;
  s.add(testing::eve_lines(90), "eve.json");
  const BrowserRun run = open_page(detection_page(s.summary()), dir);
  ASSERT_EQ(run.code, 0);
  EXPECT_TRUE(run.console.empty()) << run.console.front();
  EXPECT_TRUE(run.requests.empty()) << run.requests.front();
  EXPECT_EQ(count(run.dom, "class=\"cell\""), 3u * DetectionSummary::kConfidenceBins);
  EXPECT_EQ(count(run.dom, "class=\"hbar\""), 3u + 4 + 2 + 5 + 3);
}

}  // namespace
}  // namespace vigil::report
