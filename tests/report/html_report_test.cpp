#include "vigil/report/html_report.hpp"

#include <gtest/gtest.h>

#include "report/page.hpp"
#include "report/report_fixtures.hpp"
#include "report/svg.hpp"
#include "vigil/core/error.hpp"

namespace vigil::report {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(Svg, EscapesEveryMarkupCharacter) {
  EXPECT_EQ(escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(number(0.5), "0.5");
  EXPECT_EQ(number(12.0), "12");
  EXPECT_EQ(number(-0.00001, 2), "0");
  EXPECT_EQ(percent(0.125), "12.5%");
  EXPECT_EQ(heat_color(0), "#ffffff");
  EXPECT_EQ(heat_color(1), "#08306b");
}

TEST(HtmlPage, EmbeddedDataReadsBackAndCannotCloseItsBlock) {
  HtmlPage page("t");
  const nlohmann::json data = {{"name", "</script><script>alert(1)</script>"}, {"x", 0.1}};
  const std::string html = page.render(data);
  EXPECT_EQ(count(html, "</script>"), 1u);  // the block's own end only
  EXPECT_EQ(embedded_data(html), data);
}

class ExperimentPage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { result_ = testing::small_experiment_json(); }
  static nlohmann::json result_;
};
nlohmann::json ExperimentPage::result_;

TEST_F(ExperimentPage, EmbedsTheResultExactly) {
  const std::string html = experiment_page({result_}, {"r.json"});
  EXPECT_EQ(embedded_data(html), result_);
}

TEST_F(ExperimentPage, DrawsEveryChartWithItsMarks) {
  const std::string html = experiment_page({result_}, {"r.json"});
  const std::size_t classes = 3, models = 2;
  // Two heatmaps (counts and shares) per model.
  EXPECT_EQ(count(html, "class=\"cell\""), models * 2 * classes * classes);
  // Precision, recall and F1 per class for every model.
  EXPECT_EQ(count(html, "class=\"bar\""), 3 * classes * models);
  // ROC: each class, micro and attack vs benign; PR: each class and attack vs
  // benign; the threshold sweep: one per model.
  EXPECT_EQ(count(html, "class=\"curve\""),
            models * (classes + 2) + models * (classes + 1) + models);
  // Cost: fit, predict and size for each model.
  EXPECT_EQ(count(html, "class=\"point\""), 3 * models);
  // Feature importance: the forest only, over its three inputs.
  EXPECT_EQ(count(html, "class=\"hbar\""), 3u);
  for (const char* section :
       {"id=\"run\"", "id=\"quality\"", "id=\"summary\"", "id=\"per-class\"", "id=\"confusion\"",
        "id=\"roc\"", "id=\"pr\"", "id=\"threshold\"", "id=\"cost\"", "id=\"importance\""}) {
    EXPECT_NE(html.find(section), std::string::npos) << section;
  }
}

TEST_F(ExperimentPage, LoadsNothingAndRunsNothing) {
  const std::string html = experiment_page({result_}, {"r.json"});
  EXPECT_NE(html.find("Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(count(html, "<script"), 1u);  // the JSON block
  // The only address is SVG's namespace name, which is never fetched.
  EXPECT_EQ(count(html, "://"), count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
}

TEST_F(ExperimentPage, EscapesClassNames) {
  const std::string html = experiment_page({result_}, {"r.json"});
  EXPECT_EQ(html.find(testing::kHostileClass), std::string::npos);
  EXPECT_NE(html.find(escape(testing::kHostileClass)), std::string::npos);
}

TEST_F(ExperimentPage, PaperBesideHoldoutShowsTheSyntheticShare) {
  const nlohmann::json paper = testing::small_experiment_json(600, "paper");
  ASSERT_GT(paper.at("synthetic_test_rows").get<double>(), 0);
  const std::string html = experiment_page({result_, paper}, {"holdout.json", "paper.json"});
  EXPECT_NE(html.find("id=\"protocols\""), std::string::npos);
  EXPECT_NE(html.find("of the test rows are synthetic"), std::string::npos);
  EXPECT_EQ(embedded_data(html), nlohmann::json({result_, paper}));
  // Both experiments' sections, apart.
  EXPECT_NE(html.find("id=\"e0-confusion\""), std::string::npos);
  EXPECT_NE(html.find("id=\"e1-confusion\""), std::string::npos);
}

TEST_F(ExperimentPage, AMissingFieldNamesTheFile) {
  nlohmann::json broken = result_;
  broken["models"][1].erase("metrics");
  try {
    experiment_page({broken}, {"broken.json"});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("broken.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("metrics"), std::string::npos) << e.what();
  }
  EXPECT_THROW(experiment_page({nlohmann::json::object()}, {"empty.json"}), InputError);
}

TEST_F(ExperimentPage, SizeFollowsCurvePointsNotRows) {
  // Ten times the rows: the curves are thinned to at most 200 points, so the
  // page grows by far less than the data.
  const std::size_t small = experiment_page({testing::small_experiment_json(3000)}, {"a"}).size();
  const std::size_t large = experiment_page({testing::small_experiment_json(30000)}, {"b"}).size();
  EXPECT_LT(static_cast<double>(large), 1.3 * static_cast<double>(small)) << small << " " << large;
}

TEST(EveSummary, CountsWhatThePageDraws) {
  EveSummarizer s;
  s.add(testing::eve_lines(30), "eve.json");
  const DetectionSummary d = s.summary();
  EXPECT_EQ(d.alerts, 30u);
  EXPECT_EQ(d.stats_events, 2u);
  ASSERT_EQ(d.classes.size(), 3u);
  EXPECT_EQ(d.classes[0], "DoS");
  EXPECT_EQ(d.alerts_by_class, (std::vector<std::uint64_t>{10, 10, 10}));
  std::uint64_t binned = 0;
  for (const auto& bin : d.alerts_over_time) {
    for (auto n : bin) binned += n;
  }
  EXPECT_EQ(binned, 30u);
  EXPECT_LE(d.alerts_over_time.size(), 60u);
  EXPECT_NEAR(d.last_alert - d.first_alert, 100.0 * 29 / 30, 1e-5);  // microseconds in EVE
  std::uint64_t confident = 0;
  for (const auto& type : d.confidence) {
    for (auto n : type) confident += n;
  }
  EXPECT_EQ(confident, 30u);
  EXPECT_EQ(d.reasons.front(), (std::pair<std::string, std::uint64_t>{"sbytes", 30}));
  EXPECT_EQ(d.top_sources.size(), 4u);
  EXPECT_EQ(d.top_targets.size(), 2u);
  EXPECT_EQ(d.models, std::vector<std::string>{"rf 1"});
  ASSERT_EQ(d.stats.size(), 2u);
  EXPECT_EQ(d.stats[0].classified, 50u);  // read from the earlier layout
  EXPECT_EQ(d.stats[1].packets, 2000u);
  EXPECT_EQ(d.stats[1].flows_in, 120u);
  EXPECT_EQ(d.stats[1].classified, 118u);
  EXPECT_DOUBLE_EQ(d.stats[1].uptime, 20.5);
  EXPECT_EQ(d.stats[1].dropped, 2u);
  EXPECT_EQ(d.stats[1].kernel_drops, 3u);
  EXPECT_DOUBLE_EQ(d.stats[1].latency_us_p99, 420);
}

TEST(EveSummary, BadLinesNameTheirFileAndLine) {
  EveSummarizer s;
  try {
    s.add("{\"event_type\":\"flow\"}\n\nnot json\n", "eve.json");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("eve.json:3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(s.add("{\"event_type\":\"alert\",\"alert\":{\"signature\":\"x\"}}\n", "a"),
               InputError);  // no timestamp
  EXPECT_THROW(s.add("[1,2]\n", "b"), InputError);
}

TEST(DetectionPage, EmbedsItsSummaryAndDrawsIt) {
  EveSummarizer s;
  s.add(testing::eve_lines(30), "eve.json");
  const DetectionSummary d = s.summary();
  const std::string html = detection_page(d);
  EXPECT_EQ(embedded_data(html), to_json(d));
  EXPECT_EQ(count(html, "class=\"cell\""), 3u * DetectionSummary::kConfidenceBins);
  std::size_t segments = 0;
  for (const auto& bin : d.alerts_over_time) {
    for (auto n : bin) segments += n > 0;
  }
  EXPECT_EQ(count(html, "class=\"bar\""), segments);
  // Types, sources, targets, ports and reasons.
  EXPECT_EQ(count(html, "class=\"hbar\""), 3 + 4 + 2 + 5 + 3u);
  EXPECT_EQ(count(html, "class=\"curve\""), 5u);  // drops (3) and latency (2) over the run
}

TEST(DetectionPage, SizeDoesNotGrowWithAlerts) {
  EveSummarizer few, many;
  few.add(testing::eve_lines(300), "a");
  many.add(testing::eve_lines(30000), "b");
  const std::size_t small = detection_page(few.summary()).size();
  const std::size_t large = detection_page(many.summary()).size();
  EXPECT_LT(static_cast<double>(large), 1.1 * static_cast<double>(small)) << small << " " << large;
}

}  // namespace
}  // namespace vigil::report
