#include "vigil/capture/flow_formats.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "vigil/core/error.hpp"

namespace vigil::capture {
namespace {

FlowRecord sample_record() {
  FlowRecord r;
  r.id = 7;
  r.srcip = "10.0.0.1";
  r.dstip = "10.0.0.2";
  r.sport = 40000;
  r.dsport = 80;
  r.stime = 1.5;
  r.ltime = 2.25;
  r.proto = "tcp";
  r.service = "http";
  r.state = "FIN";
  r.app_proto = "HTTP, \"quoted\"";  // needs quoting in both formats
  r.numeric.resize(numeric_columns().size());
  for (std::size_t i = 0; i < r.numeric.size(); ++i) r.numeric[i] = 0.5 * static_cast<double>(i);
  return r;
}

TEST(FlowFormats, EveryFormatWritesOneLinePerFlow) {
  ASSERT_GE(flow_formats().size(), 2u);
  for (const auto& info : flow_formats()) {
    SCOPED_TRACE(info.name);
    EXPECT_FALSE(info.description.empty());
    const auto format = make_flow_format(info.name);
    std::string out;
    format->format(sample_record(), out);
    format->format(sample_record(), out);
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.back(), '\n');
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 2);
  }
}

TEST(FlowFormats, CsvAndJsonLinesCarryTheSameValues) {
  const FlowRecord r = sample_record();
  std::string csv, jsonl;
  const auto csv_format = make_flow_format("csv");
  csv = csv_format->header();
  csv_format->format(r, csv);
  make_flow_format("jsonl")->format(r, jsonl);

  const auto object = nlohmann::json::parse(jsonl);
  ASSERT_EQ(object.size(), record_columns().size());
  EXPECT_EQ(object.at("id"), 7);
  EXPECT_EQ(object.at("srcip"), "10.0.0.1");
  EXPECT_EQ(object.at("dsport"), 80);
  EXPECT_EQ(object.at("app_proto"), "HTTP, \"quoted\"");
  EXPECT_DOUBLE_EQ(object.at(numeric_columns()[3]).get<double>(), 1.5);

  const std::string header = csv.substr(0, csv.find('\n'));
  std::string expected_header;
  for (const auto& c : record_columns())
    expected_header += (expected_header.empty() ? "" : ",") + c;
  EXPECT_EQ(header, expected_header);
  EXPECT_NE(csv.find("\"HTTP, \"\"quoted\"\"\""), std::string::npos);
  EXPECT_NE(csv.find(",10.0.0.1,40000,10.0.0.2,80,"), std::string::npos);
}

TEST(FlowFormats, AnUnknownFormatIsRefusedWithTheKnownOnes) {
  try {
    make_flow_format("parquet");
    FAIL() << "parquet accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("csv, jsonl"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vigil::capture
