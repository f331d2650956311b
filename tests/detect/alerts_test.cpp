// Alert lines: EVE JSON that parses with Suricata's field names, CEF and RFC
// 5424 syslog with their escaping, and the attack-type table.
#include "vigil/detect/alerts.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "detect/latency_histogram.hpp"
#include "vigil/core/error.hpp"

namespace vigil::detect {
namespace {

capture::FlowRecord sample_flow() {
  capture::FlowRecord f;
  f.id = 77;
  f.srcip = "10.0.0.1";
  f.dstip = "2001:db8::1";
  f.sport = 40000;
  f.dsport = 80;
  f.stime = 1700000000.25;
  f.ltime = 1700000001.5;
  f.proto = "tcp";
  f.service = "http";
  f.state = "FIN";
  f.app_proto = "HTTP";
  f.numeric.assign(capture::numeric_columns().size(), 0.0);
  const auto& names = capture::numeric_columns();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "spkts") f.numeric[i] = 5;
    if (names[i] == "dbytes") f.numeric[i] = 1234;
  }
  return f;
}

ModelIdentity sample_model() {
  return {"rf", "0badc0de", "/models/m.vgm", {"Exploits", "Normal", "Odd|Name=x"}, "", 0};
}

struct Sample {
  capture::FlowRecord flow = sample_flow();
  std::vector<float> proba{0.75f, 0.2f, 0.05f};
  Verdict verdict;
  Sample() {
    verdict.predicted = 0;
    verdict.confidence = 0.75f;
    verdict.probabilities = proba;
    verdict.alert = true;
    verdict.reasons = {{"sttl", "254", 0.5f}, {"service", "http", 0.25f}};
  }
};

TEST(Alerts, EveAlertHasSuricatasFields) {
  const Sample s;
  const AlertWriter writer("eve", sample_model(), "sensor-1");
  std::string line;
  writer.alert(s.flow, s.verdict, line);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  const auto e = nlohmann::json::parse(line);
  EXPECT_EQ(e["event_type"], "alert");
  EXPECT_EQ(e["timestamp"], "2023-11-14T22:13:21.500000+0000");
  EXPECT_EQ(e["flow_id"], 77);
  EXPECT_EQ(e["src_ip"], "10.0.0.1");
  EXPECT_EQ(e["src_port"], 40000);
  EXPECT_EQ(e["dest_ip"], "2001:db8::1");
  EXPECT_EQ(e["dest_port"], 80);
  EXPECT_EQ(e["proto"], "TCP");
  EXPECT_EQ(e["app_proto"], "http");
  EXPECT_EQ(e["host"], "sensor-1");
  EXPECT_EQ(e["alert"]["signature"], "Exploits");
  EXPECT_EQ(e["alert"]["signature_id"], 9100000);
  EXPECT_EQ(e["alert"]["severity"], 1);
  EXPECT_EQ(e["alert"]["category"], "Attempted Administrator Privilege Gain");
  EXPECT_EQ(e["flow"]["pkts_toserver"], 5);
  EXPECT_EQ(e["flow"]["bytes_toclient"], 1234);
  EXPECT_EQ(e["flow"]["start"], "2023-11-14T22:13:20.250000+0000");
  EXPECT_EQ(e["flow"]["alerted"], true);
  // The verdict where Suricata's schema takes extensions.
  EXPECT_FALSE(e.contains("vigil"));
  const auto& v = e["alert"]["metadata"]["vigil"];
  EXPECT_EQ(v["class"], "Exploits");
  EXPECT_FLOAT_EQ(v["confidence"].get<float>(), 0.75f);
  EXPECT_FLOAT_EQ(v["probabilities"]["Odd|Name=x"].get<float>(), 0.05f);
  EXPECT_EQ(v["model"]["name"], "rf");
  EXPECT_EQ(v["model"]["version"], "0badc0de");
  ASSERT_EQ(v["reasons"].size(), 2u);
  EXPECT_EQ(v["reasons"][0]["feature"], "sttl");
  EXPECT_EQ(v["reasons"][0]["value"], "254");
  // One address family each side: no Community ID to compute.
  EXPECT_FALSE(e.contains("community_id"));
}

TEST(Alerts, EveFlowEventWithoutAddressesOrTimes) {
  Sample s;
  s.flow.srcip.clear();
  s.flow.dstip.clear();
  s.flow.stime = s.flow.ltime = 0;
  s.flow.app_proto = "Unknown";
  s.flow.service = "-";
  const auto& names = capture::numeric_columns();
  s.flow.numeric[static_cast<std::size_t>(std::find(names.begin(), names.end(), "spkts") -
                                          names.begin())] = std::nan("");
  s.verdict.alert = false;
  const AlertWriter writer("eve", sample_model(), "");
  std::string line;
  writer.flow_event(s.flow, s.verdict, line);
  const auto e = nlohmann::json::parse(line);
  EXPECT_EQ(e["event_type"], "flow");
  EXPECT_FALSE(e.contains("alert"));
  EXPECT_FALSE(e.contains("src_ip"));
  EXPECT_FALSE(e.contains("app_proto"));
  EXPECT_FALSE(e.contains("host"));
  EXPECT_FALSE(e.contains("community_id"));
  EXPECT_EQ(e["flow"]["alerted"], false);
  EXPECT_FALSE(e["flow"].contains("pkts_toserver"));  // NaN: left out, never null
  EXPECT_EQ(e["metadata"]["flowvars"][0]["vigil"]["class"], "Exploits");
  // CEF and syslog carry alerts only.
  std::string none;
  AlertWriter("cef", sample_model(), "").flow_event(s.flow, s.verdict, none);
  EXPECT_TRUE(none.empty());
}

TEST(Alerts, CefEscapesHeaderAndExtension) {
  Sample s;
  s.verdict.predicted = 2;  // "Odd|Name=x"
  s.verdict.reasons = {{"service", "a=b\\c", 0.1f}};
  const AlertWriter writer("cef", sample_model(), "h");
  std::string line;
  writer.alert(s.flow, s.verdict, line);
  EXPECT_EQ(line.rfind("CEF:0|Vigil|Vigil|" VIGIL_VERSION "|9100002|Odd\\|Name=x|6|", 0), 0u)
      << line;
  EXPECT_NE(line.find(" src=10.0.0.1 spt=40000 dst=2001:db8::1 dpt=80 proto=TCP app=http"),
            std::string::npos)
      << line;
  EXPECT_NE(line.find("rt=1700000001500"), std::string::npos) << line;
  EXPECT_NE(line.find("cs2=service\\=a\\=b\\\\c (0.1000)"), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1);
}

TEST(Alerts, SyslogIsRfc5424WithStructuredData) {
  Sample s;
  s.flow.srcip = "10.0.0.\"1]";
  const AlertWriter writer("syslog", sample_model(), "sensor-1");
  std::string line;
  writer.alert(s.flow, s.verdict, line);
  // Facility 4 (auth) * 8 + severity 2 (critical, for a high-severity attack).
  EXPECT_EQ(line.rfind("<34>1 2023-11-14T22:13:21.500000Z sensor-1 vigil ", 0), 0u) << line;
  EXPECT_NE(line.find(" ALERT [vigil@32473 class=\"Exploits\""), std::string::npos) << line;
  EXPECT_NE(line.find("src=\"10.0.0.\\\"1\\]\""), std::string::npos) << line;
  EXPECT_NE(line.find("] Exploits from "), std::string::npos) << line;
}

TEST(Alerts, AttackTypesMapToSuricataClasstypes) {
  EXPECT_EQ(attack_info("DoS").category, "Attempted Denial of Service");
  EXPECT_EQ(attack_info("Reconnaissance").severity, 3);
  EXPECT_EQ(attack_info("Worms").severity, 1);
  EXPECT_EQ(attack_info("Port-Scan").category, "Detection of a Network Scan");
  EXPECT_EQ(attack_info("something new").category, "Misc Attack");
  EXPECT_EQ(attack_info("something new").severity, 2);
  EXPECT_THROW(AlertWriter("xml", sample_model(), ""), ParamError);
}

TEST(Alerts, EveIcmpCarriesTypeAndCodeNotPorts) {
  Sample s;
  s.flow.proto = "icmp";
  s.flow.dstip = "10.0.0.2";
  s.flow.sport = 8;  // echo request
  s.flow.dsport = 0;
  std::string line;
  AlertWriter("eve", sample_model(), "").alert(s.flow, s.verdict, line);
  const auto e = nlohmann::json::parse(line);
  EXPECT_FALSE(e.contains("src_port"));
  EXPECT_EQ(e["icmp_type"], 8);
  EXPECT_EQ(e["icmp_code"], 0);
  EXPECT_EQ(e["proto"], "ICMP");
  EXPECT_EQ(e["community_id"].get<std::string>().rfind("1:", 0), 0u);
}

TEST(Alerts, EveEscapesEveryString) {
  Sample s;
  ModelIdentity model = sample_model();
  model.class_names[0] = "quote\" back\\slash\nline";
  s.flow.state = std::string("ctl\x01", 4);
  std::string line;
  AlertWriter("eve", model, "host\"x").alert(s.flow, s.verdict, line);
  const auto e = nlohmann::json::parse(line);
  EXPECT_EQ(e["alert"]["signature"], model.class_names[0]);
  EXPECT_EQ(e["host"], "host\"x");
  EXPECT_EQ(e["flow"]["state"], s.flow.state);
}

// Every registered format writes one line per alert, and is found by its name.
TEST(Alerts, EveryRegisteredFormatWritesOneLinePerAlert) {
  ASSERT_GE(alert_formats().size(), 3u);
  const Sample s;
  for (const auto& format : alert_formats()) {
    const AlertWriter writer(format.name, sample_model(), "h");
    std::string text;
    writer.alert(s.flow, s.verdict, text);
    writer.alert(s.flow, s.verdict, text);
    ASSERT_FALSE(text.empty()) << format.name;
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << format.name;
    EXPECT_EQ(text.back(), '\n') << format.name;
    EXPECT_FALSE(format.description.empty()) << format.name;
  }
}

TEST(Alerts, EveTimeRoundsMicroseconds) {
  EXPECT_EQ(eve_time(0), "1970-01-01T00:00:00.000000+0000");
  EXPECT_EQ(eve_time(59.9999996), "1970-01-01T00:01:00.000000+0000");
}

TEST(LatencyHistogram, PercentilesWithinABucket) {
  LatencyHistogram h;
  EXPECT_EQ(h.percentile_us(0.5), 0);
  for (std::uint64_t ns = 1; ns <= 100000; ++ns) h.add(ns);
  EXPECT_EQ(h.count(), 100000u);
  EXPECT_NEAR(h.percentile_us(0.5), 50.0, 50.0 * 0.13);
  EXPECT_NEAR(h.percentile_us(0.99), 99.0, 99.0 * 0.13);
  EXPECT_GE(h.percentile_us(0.99), 99.0);  // an upper edge, never below the sample
  LatencyHistogram one;
  one.add(7);
  EXPECT_EQ(one.percentile_us(0.99), 0.007);
}

}  // namespace
}  // namespace vigil::detect
