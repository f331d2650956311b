#include "report/report_fixtures.hpp"

#include <cstdio>

#include "vigil/core/random.hpp"
#include "vigil/data/dataset.hpp"
#include "vigil/eval/experiment.hpp"

namespace vigil::testing {

nlohmann::json small_experiment_json(std::size_t rows, const std::string& protocol) {
  data::Dataset d;
  d.class_names = {kHostileClass, "Exploits", "Normal"};
  d.features.source = "small";
  data::Column a{"a", data::ColumnType::kNumeric, {}, {}};
  data::Column b{"b", data::ColumnType::kNumeric, {}, {}};
  data::Column c{"c", data::ColumnType::kNumeric, {}, {}};
  Rng rng(7);
  for (std::size_t i = 0; i < rows; ++i) {
    // Overlapping classes, so every curve has several points.
    const int y = i % 6 == 0 ? 0 : (i % 3 == 0 ? 1 : 2);
    a.numbers.push_back(static_cast<float>(y + 1.5 * rng.uniform()));
    b.numbers.push_back(static_cast<float>(rng.uniform() - 0.2 * y));
    c.numbers.push_back(static_cast<float>(rng.uniform()));
    d.labels.push_back(y);
    d.features.line_numbers.push_back(i + 2);
  }
  d.features.columns = {a, b, c};
  eval::ExperimentConfig config;
  config.protocol = eval::parse_protocol(protocol);
  config.pipeline.smote = true;
  config.models = {"nb", "rf"};
  config.model_params = {"rf.trees=10"};
  nlohmann::json j = eval::to_json(eval::run_experiment(d, config));
  j["data"] = "small.csv";
  j["seed"] = 42;
  j["command"] = "vigil experiment --data small.csv";
  return j;
}

std::string eve_lines(std::size_t alerts) {
  static const char* const kTypes[] = {"DoS", "Reconnaissance", "Exploits"};
  std::string out;
  char line[1024];
  for (std::size_t i = 0; i < alerts; ++i) {
    const double second = 100.0 * static_cast<double>(i) / static_cast<double>(alerts);
    const char* type = kTypes[i % 3];
    std::snprintf(line, sizeof line,
                  "{\"timestamp\":\"2026-12-04T10:00:%02d.%06d+0000\",\"flow_id\":%zu,"
                  "\"event_type\":\"alert\",\"src_ip\":\"10.0.0.%zu\",\"src_port\":40000,"
                  "\"dest_ip\":\"10.0.1.%zu\",\"dest_port\":%zu,\"proto\":\"TCP\","
                  "\"alert\":{\"signature\":\"%s\",\"metadata\":{\"vigil\":{\"class\":\"%s\","
                  "\"confidence\":%.2f,\"model\":{\"name\":\"rf\",\"version\":\"1\"},"
                  "\"reasons\":[{\"feature\":\"sbytes\",\"value\":\"1\",\"weight\":0.2},"
                  "{\"feature\":\"%s\",\"value\":\"2\",\"weight\":0.1}]}}}}\n",
                  static_cast<int>(second) % 60,
                  static_cast<int>((second - static_cast<int>(second)) * 1e6), i, i % 4, i % 2,
                  80 + i % 5, type, type, 0.55 + 0.1 * static_cast<double>(i % 5),
                  i % 2 ? "dur" : "dpkts");
    // Past 60 s, the minute moves on.
    if (second >= 60) {
      std::string s = line;
      s.replace(s.find("10:00:"), 6, "10:01:");
      out += s;
    } else {
      out += line;
    }
  }
  out +=
      "{\"timestamp\":\"2026-12-04T10:05:00.000000+0000\",\"event_type\":\"stats\",\"stats\":"
      "{\"uptime\":10,\"capture\":{\"packets\":1000,\"kernel_drops\":0},\"flow\":{\"in\":50,"
      "\"classified\":50,\"dropped\":0,\"evicted\":0,\"per_second\":5},\"detect\":{\"alerts\":"
      "10,\"reasons_skipped\":0,\"alerts_by_class\":{},\"model_us\":{\"p50\":7,\"p99\":40},"
      "\"latency_us\":{\"p50\":90,\"p99\":400}}}}\n";
  out +=
      "{\"timestamp\":\"2026-12-04T10:05:10.000000+0000\",\"event_type\":\"stats\",\"stats\":"
      "{\"uptime\":20,\"decoder\":{\"pkts\":2000},\"capture\":{\"kernel_drops\":3},\"flow\":{"
      "\"total\":120},\"detect\":{\"alert\":20},\"vigil\":{\"seconds\":20.5,\"flows_classified\":"
      "118,\"flows_dropped\":2,\"flows_evicted\":1,\"flows_per_second\":6,\"reasons_skipped\":1,"
      "\"alerts_by_class\":{},\"model_us\":{\"p50\":8,\"p99\":45},\"latency_us\":{\"p50\":95,"
      "\"p99\":420}}}}\n";
  return out;
}

}  // namespace vigil::testing
