// Speed of `vigil detect`, in one run:
//   [MODELS=nb,rf,...] vigil_bench_detect [CAPTURE]
// 1. Per model type, from the UNSW-NB15 flow file: flows classified per second
//    on one core (pipeline + classifier, batches of 256; the median of five
//    rounds, with the slowest and fastest round beside it, after a first batch
//    timed on its own) and the per-flow latency of classifying one flow at a
//    time (p50, p99).
// 2. End to end on CAPTURE (default /tmp/vigil-bench-5000000.pcap, which
//    vigil_bench_extract builds): packets/s of `vigil extract` alone and of
//    detection (extraction, classification with reasons, EVE alerts) on it.
// Models are trained once with `vigil train` (defaults) and kept in /tmp.
#include <omp.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "vigil/capture/extract.hpp"
#include "vigil/detect/detector.hpp"
#include "vigil/detect/flow_reader.hpp"
#include "vigil/detect/flow_scorer.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using vigil::capture::FlowRecord;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// CPU seconds (user and system) this process has used, on all its threads.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto s = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return s(u.ru_utime) + s(u.ru_stime);
}

const std::string kUnsw = VIGIL_SHARED_DATA "/unsw-nb15/UNSW_NB15_testing-set.csv";

std::string model_file(const std::string& name) {
  const std::string path = "/tmp/vigil-bench-detect-" + name + ".vgm";
  if (std::filesystem::exists(path)) return path;
  std::fprintf(stderr, "training %s (once; kept in %s)\n", name.c_str(), path.c_str());
  const std::string cmd =
      std::string(VIGIL_CLI) + " -q train --data " + kUnsw + " --model " + name + " --out " + path;
  if (std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "training %s failed\n", name.c_str());
    std::exit(1);
  }
  return path;
}

std::vector<FlowRecord> read_flows() {
  std::FILE* in = std::fopen(kUnsw.c_str(), "rb");
  if (!in) {
    std::fprintf(stderr, "no %s\n", kUnsw.c_str());
    std::exit(1);
  }
  vigil::detect::FlowCsvReader reader(in, kUnsw);
  std::vector<FlowRecord> flows;
  FlowRecord f;
  while (reader.next(f)) flows.push_back(f);
  std::fclose(in);
  return flows;
}

struct ModelFigures {
  double flows_per_second = 0, p50_us = 0, p99_us = 0;
  double slowest_round = 0, fastest_round = 0;  // flows/s of the slowest and fastest round
  double first_batch_seconds = 0;   // the first batch, with what the model builds for it
  double explained_per_second = 0;  // flows classified and given their three reasons, per second
  double prepare_seconds = 0;       // the model's one-time preparation for reasons
};

ModelFigures measure(const vigil::io::ModelBundle& bundle, const std::vector<FlowRecord>& flows,
                     std::size_t kBatch) {
  const vigil::detect::FlowScorer scorer(bundle);
  ModelFigures out;
  // Throughput: batches as the detector takes them, in five rounds, each
  // through the whole file (again, until half a second has passed); the
  // median round is the figure, as on a shared VM one round can be a third
  // slower than the next. One batch first builds what a model builds at its
  // first prediction (kNN's cluster index), as a running detector has.
  vigil::Matrix rows(kBatch, scorer.width());
  volatile float sink = 0;
  const auto predict_batch = [&](std::size_t first) {
    const std::size_t n = std::min(kBatch, flows.size() - first);
    rows.resize_rows(n);
    for (std::size_t i = 0; i < n; ++i) scorer.encode(flows[first + i], rows.row(i));
    const vigil::Matrix p = scorer.predict_proba(rows);
    sink = sink + p(0, 0);
    return n;
  };
  const auto first_batch = Clock::now();
  predict_batch(0);
  out.first_batch_seconds = seconds_since(first_batch);
  std::vector<double> rounds;
  for (int round = 0; round < 5; ++round) {
    std::size_t done = 0;
    const auto t = Clock::now();
    while (seconds_since(t) < 0.5) {
      for (std::size_t first = 0; first < flows.size();) {
        const std::size_t n = predict_batch(first);
        first += n;
        done += n;
      }
    }
    rounds.push_back(static_cast<double>(done) / seconds_since(t));
  }
  std::sort(rounds.begin(), rounds.end());
  out.flows_per_second = rounds[rounds.size() / 2];
  out.slowest_round = rounds.front();
  out.fastest_round = rounds.back();
  // Reasons: every row of a batch classified and explained for its most
  // probable class, as the detector scores alerts (predict_explained: the
  // forest walks once for both, other models predict and then explain).
  {
    std::size_t explained = 0;
    // What a model prepares once for its reasons (the detector does it at start).
    const auto prepared = Clock::now();
    bundle.model->prepare_contributions();
    out.prepare_seconds = seconds_since(prepared);
    const auto most_probable = [](std::size_t, std::span<const float> p) {
      return static_cast<std::int32_t>(std::max_element(p.begin(), p.end()) - p.begin());
    };
    const auto s = Clock::now();
    for (std::size_t lo = 0; lo < flows.size() && seconds_since(s) < 1.0; lo += kBatch) {
      const std::size_t n = std::min(kBatch, flows.size() - lo);
      rows.resize_rows(n);
      for (std::size_t i = 0; i < n; ++i) scorer.encode(flows[lo + i], rows.row(i));
      const auto why = scorer.predict_explained(rows, most_probable, 3);
      explained += n;
      sink =
          sink + (why.reasons.empty() || why.reasons[0].empty() ? 0.0f : why.reasons[0][0].delta);
    }
    out.explained_per_second = static_cast<double>(explained) / seconds_since(s);
  }
  // Latency: one flow at a time, as on a quiet link.
  std::vector<double> us;
  vigil::Matrix one(1, scorer.width());
  const std::size_t samples = std::min<std::size_t>(flows.size(), 20000);
  for (std::size_t i = 0; i < samples; ++i) {
    const FlowRecord& f = flows[(i * 7919) % flows.size()];
    const auto s = Clock::now();
    scorer.encode(f, one.row(0));
    const vigil::Matrix p = scorer.predict_proba(one);
    sink = sink + p(0, 0);
    us.push_back(seconds_since(s) * 1e6);
  }
  std::sort(us.begin(), us.end());
  out.p50_us = us[us.size() / 2];
  out.p99_us = us[us.size() * 99 / 100];
  return out;
}

void end_to_end(const std::string& capture, const std::string& model) {
  if (!std::filesystem::exists(capture)) {
    std::printf("end to end: no %s (build it with vigil_bench_extract)\n", capture.c_str());
    return;
  }
  vigil::capture::ExtractConfig extract;
  extract.pcaps = {capture};
  std::size_t bytes = 0;
  vigil::capture::extract_flows(
      extract, [&](std::string_view s) { bytes += s.size(); });  // warms the page cache
  auto t = Clock::now();
  double cpu = cpu_seconds();
  const auto summary =
      vigil::capture::extract_flows(extract, [&](std::string_view s) { bytes += s.size(); });
  const double extract_s = seconds_since(t);
  const double extract_cpu = cpu_seconds() - cpu;

  const vigil::io::ModelBundle bundle = vigil::io::load_model(model);
  const vigil::detect::ModelIdentity id{bundle.model->name(), "bench", model,
                                        bundle.class_names,   "",      0};
  std::printf("\nend to end on %s (%.0f packets, %llu flows), model %s:\n", capture.c_str(),
              static_cast<double>(summary.packets), static_cast<unsigned long long>(summary.flows),
              bundle.model->name().c_str());
  std::printf("%-34s %9s %9s %14s %10s %10s\n", "", "seconds", "cpu s", "packets/s", "/extract",
              "alerts");
  const double packets = static_cast<double>(summary.packets);
  std::printf("%-34s %9.3f %9.3f %14.0f %10s %10s\n", "vigil extract (flows to CSV)", extract_s,
              extract_cpu, packets / extract_s, "1.00", "-");
  // With reasons twice: the first run derives the forest's split shares as a
  // detector starting up does; the second finds them derived, as a detector
  // that has been running does. REASONS=3 (say) runs only the first, e.g. to
  // profile it alone.
  std::vector<std::size_t> runs = {3, 3, 0};
  if (const char* only = std::getenv("REASONS")) runs = {std::stoul(only)};
  for (std::size_t run = 0; run < runs.size(); ++run) {
    const std::size_t reasons = runs[run];
    vigil::detect::DetectConfig config;
    config.capture = extract;
    config.reasons = reasons;
    std::size_t alert_bytes = 0;
    t = Clock::now();
    cpu = cpu_seconds();
    const auto stats = vigil::detect::run_detector(
        config, bundle, id, [&](std::string_view s) { alert_bytes += s.size(); },
        [](const vigil::detect::DetectStats&, bool) {});
    const double detect_s = seconds_since(t);
    const double detect_cpu = cpu_seconds() - cpu;
    const std::string label = reasons == 0 ? "vigil detect (EVE alerts)"
                              : run == 0   ? "vigil detect (EVE alerts, reasons)"
                                           : "  again, split shares derived";
    std::printf("%-34s %9.3f %9.3f %14.0f %10.2f %10llu\n", label.c_str(), detect_s, detect_cpu,
                packets / detect_s, extract_s / detect_s,
                static_cast<unsigned long long>(stats.alerts));
    if (stats.dropped != 0 || stats.flows_classified != summary.flows)
      std::printf("  flows lost!\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string capture = argc > 1 ? argv[1] : "/tmp/vigil-bench-5000000.pcap";
  // MODELS=rf,nb (say) measures only those; the end-to-end run always uses rf.
  std::vector<std::string> models = {"nb", "lr", "mlp", "rf", "knn", "xgb", "svm"};
  if (const char* only = std::getenv("MODELS")) {
    models.clear();
    std::string list = only;
    for (std::size_t at = 0; at <= list.size();) {
      const std::size_t comma = std::min(list.find(',', at), list.size());
      if (comma > at) models.push_back(list.substr(at, comma - at));
      at = comma + 1;
    }
  }
  std::vector<std::string> files;
  for (const auto& m : models) files.push_back(model_file(m));
  const std::vector<FlowRecord> flows = read_flows();
  omp_set_num_threads(1);  // figures per core
  std::printf("flows: %s (%zu rows); one core\n", kUnsw.c_str(), flows.size());
  std::printf("%-6s %14s %19s %13s %12s %12s %14s %12s\n", "model", "flows/s", "(rounds)",
              "first batch s", "p50 us", "p99 us", "with reasons/s", "prepare s");
  for (std::size_t i = 0; i < models.size(); ++i) {
    const vigil::io::ModelBundle bundle = vigil::io::load_model(files[i]);
    const ModelFigures f =
        measure(bundle, flows, std::getenv("BATCH") ? std::stoul(std::getenv("BATCH")) : 256);
    const std::string rounds = std::to_string(static_cast<long>(f.slowest_round)) + "-" +
                               std::to_string(static_cast<long>(f.fastest_round));
    std::printf("%-6s %14.0f %19s %13.3f %12.2f %12.2f %14.0f %12.3f\n", models[i].c_str(),
                f.flows_per_second, rounds.c_str(), f.first_batch_seconds, f.p50_us, f.p99_us,
                f.explained_per_second, f.prepare_seconds);
  }
  omp_set_num_threads(2);
  end_to_end(capture, model_file("rf"));
  return 0;
}
