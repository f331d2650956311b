#include "vigil/detect/detector.hpp"

#include <omp.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <map>
#include <thread>

#include "detect/flow_queue.hpp"
#include "detect/latency_histogram.hpp"
#include "detect/part_threads.hpp"
#include "vigil/core/error.hpp"
#include "vigil/core/json_writer.hpp"
#include "vigil/core/progress.hpp"
#include "vigil/core/text_format.hpp"
#include "vigil/detect/flow_reader.hpp"
#include "vigil/detect/flow_scorer.hpp"

namespace vigil::detect {
namespace {

using Clock = std::chrono::steady_clock;

std::uint64_t nanoseconds(Clock::duration d) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
}

std::int32_t benign_class(const io::ModelBundle& bundle, const std::string& benign) {
  const auto& names = bundle.class_names;
  const auto at = std::find(names.begin(), names.end(), benign);
  if (at == names.end()) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    throw ParamError("benign class '" + benign + "' is not one of the model's classes (" + known +
                     "); name it with --benign");
  }
  return static_cast<std::int32_t>(at - names.begin());
}

// The worker: classifies queued flows in batches and writes their verdicts.
class ClassifyingWorker {
 public:
  ClassifyingWorker(const DetectConfig& config, const io::ModelBundle& bundle,
                    const ModelIdentity& model, const TextSink& alerts, const StatsSink& stats)
      : config_(config),
        scorer_(bundle),
        writer_(config.format, model, config.hostname),
        benign_(benign_class(bundle, config.benign)),
        alerts_(alerts),
        stats_sink_(stats),
        unknown_(bundle.anomaly ? static_cast<std::int32_t>(bundle.class_names.size()) : -1),
        anomaly_benign_(bundle.anomaly ? benign_class(bundle, bundle.anomaly_benign) : -1),
        threshold_(bundle.anomaly ? bundle.anomaly->threshold() : 0.0),
        alerts_by_class_(bundle.class_names.size() + (bundle.anomaly ? 1 : 0), 0),
        part_threads_(model_threads() - 1) {}

  static constexpr std::size_t kPartRows = 64;

  // Runs until the queue is closed and drained.
  // `stop` (the user's) is copied into `halt` (what intake watches) here, so
  // intake also halts when this worker fails.
  void run(FlowQueue& queue, const capture::LiveCounters& live, Clock::time_point started,
           const std::atomic<bool>* stop, std::atomic<bool>& halt) {
    // Here, not before intake starts: intake queues flows meanwhile.
    omp_set_num_threads(static_cast<int>(model_threads()));
    if (config_.reasons > 0) scorer_.bundle().model->prepare_contributions();
    // Each model thread runs its part of a batch alone (classify splits them).
    omp_set_num_threads(1);
    std::vector<QueuedFlow> batch;
    auto next_stats = Clock::now() + interval();
    const std::size_t most = std::max<std::size_t>(config_.batch, 1) * model_threads();
    while (queue.pop(batch, most, std::chrono::milliseconds(200))) {
      if (stop && stop->load(std::memory_order_relaxed))
        halt.store(true, std::memory_order_relaxed);
      // Naming reasons costs one prediction per feature. Under load on a live
      // link (queue over half full) alerts go out without them, and are
      // counted, rather than flows being dropped.
      const bool busy = config_.drop_when_full && 2 * queue.backlog() > queue.capacity();
      if (queue.taken() > 0) classify(batch, queue.taken(), !busy);
      if (config_.stats_interval > 0 && Clock::now() >= next_stats) {
        stats_sink_(snapshot(queue, live, started), false);
        next_stats = Clock::now() + interval();
      }
    }
  }

  DetectStats snapshot(const FlowQueue& queue, const capture::LiveCounters& live,
                       Clock::time_point started) const {
    DetectStats s;
    s.packets = live.packets.load(std::memory_order_relaxed);
    s.evicted = live.evicted.load(std::memory_order_relaxed);
    s.flows_in = queue.pushed() + queue.dropped();
    s.dropped = queue.dropped();
    s.flows_classified = classified_;
    s.alerts = alerts_total_;
    s.reasons_skipped = reasons_skipped_;
    const auto& names = scorer_.bundle().class_names;
    for (std::size_t c = 0; c < alerts_by_class_.size(); ++c) {
      if (alerts_by_class_[c] > 0) {
        s.alerts_by_class.emplace_back(c < names.size() ? names[c] : std::string(kUnknownClass),
                                       alerts_by_class_[c]);
      }
    }
    s.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    s.flows_per_second = s.seconds > 0 ? static_cast<double>(classified_) / s.seconds : 0;
    s.model_us_p50 = model_time_.percentile_us(0.5);
    s.model_us_p99 = model_time_.percentile_us(0.99);
    s.latency_us_p50 = latency_.percentile_us(0.5);
    s.latency_us_p99 = latency_.percentile_us(0.99);
    return s;
  }

 private:
  std::size_t model_threads() const { return model_threads_for(config_); }

  Clock::duration interval() const {
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(config_.stats_interval));
  }

  // One model thread's share of a batch: its rows and what the model made of them.
  struct Part {
    std::size_t lo = 0, hi = 0;  // the batch's rows [lo, hi)
    Matrix rows;
    Matrix proba;  // the verdicts' probabilities point into it
    std::vector<float> anomaly_scores;
    std::vector<std::size_t> alert_rows;  // batch indices
    std::vector<std::int32_t> alert_classes;
    std::string text;  // its alerts (and flow events), in row order
    std::exception_ptr error;
  };

  void classify(std::vector<QueuedFlow>& batch, std::size_t n, bool with_reasons) {
    const auto began = Clock::now();
    verdicts_.resize(n);
    // Parts of at most kPartRows rows, taken by the model threads as each
    // finishes one: a thread the system pauses (intake shares the cores)
    // holds up no more than its part. The forest walks 64 rows at once.
    const std::size_t per_part = std::clamp<std::size_t>(config_.batch, 1, kPartRows);
    const std::size_t parts = (n + per_part - 1) / per_part;
    parts_.resize(std::max(parts_.size(), parts));
    for (std::size_t p = 0; p < parts; ++p) {
      parts_[p].lo = p * per_part;
      parts_[p].hi = std::min(n, (p + 1) * per_part);
    }
    part_threads_.run(parts, [&](std::size_t p) {
      // An exception must not end a helper thread: it is kept and rethrown here.
      try {
        parts_[p].error = nullptr;
        score(batch, with_reasons, parts_[p]);
      } catch (...) {
        parts_[p].error = std::current_exception();
      }
    });
    for (std::size_t p = 0; p < parts; ++p) {
      if (parts_[p].error) std::rethrow_exception(parts_[p].error);
    }
    if (config_.reasons > 0 && !with_reasons) {
      for (std::size_t p = 0; p < parts; ++p) reasons_skipped_ += parts_[p].alert_rows.size();
    }
    for (std::size_t i = 0; i < n; ++i) {
      const Verdict& v = verdicts_[i];
      if (v.alert) {
        ++alerts_total_;
        ++alerts_by_class_[static_cast<std::size_t>(v.predicted)];
      }
    }
    for (std::size_t p = 0; p < parts; ++p) {
      if (!parts_[p].text.empty()) alerts_(parts_[p].text);
    }
    const auto done = Clock::now();
    const std::uint64_t per_flow = nanoseconds(done - began) / n;
    for (std::size_t i = 0; i < n; ++i) {
      model_time_.add(per_flow);
      latency_.add(nanoseconds(done - batch[i].queued));
    }
    classified_ += n;
  }

  // The verdicts (with their reasons) of the part's rows of the batch.
  void score(const std::vector<QueuedFlow>& batch, bool with_reasons, Part& part) const {
    const std::size_t n = part.hi - part.lo;
    if (part.rows.cols() != scorer_.width()) part.rows = Matrix(0, scorer_.width());
    part.rows.resize_rows(n);
    for (std::size_t i = 0; i < n; ++i) scorer_.encode(batch[part.lo + i].flow, part.rows.row(i));
    if (unknown_ >= 0) part.anomaly_scores = scorer_.anomaly_scores(part.rows);
    part.alert_rows.clear();
    part.alert_classes.clear();
    const bool explain = config_.reasons > 0 && with_reasons;
    // Row i's verdict from its probabilities; returns the class to name
    // reasons for, or -1.
    const auto judge = [&](std::size_t i, std::span<const float> p) -> std::int32_t {
      const auto best = static_cast<std::int32_t>(std::max_element(p.begin(), p.end()) - p.begin());
      Verdict& v = verdicts_[part.lo + i];
      v.predicted = best;
      v.confidence = p[static_cast<std::size_t>(best)];
      v.alert = best != benign_ && v.confidence >= config_.threshold;
      v.reasons.clear();
      v.anomaly = false;
      if (unknown_ >= 0 && best == anomaly_benign_) {
        v.anomaly_score = part.anomaly_scores[i];
        if (v.anomaly_score > threshold_) {
          v.anomaly = v.alert = true;
          v.predicted = unknown_;
          v.confidence = static_cast<float>(scorer_.bundle().anomaly->rank(v.anomaly_score));
          return -1;  // no reasons: they explain a class, and this flow has none
        }
      }
      if (!v.alert) return -1;
      part.alert_rows.push_back(part.lo + i);
      part.alert_classes.push_back(best);
      return explain ? best : -1;
    };
    if (explain) {
      // One walk for both where the model can (the random forest).
      FlowScorer::Explained scored = scorer_.predict_explained(part.rows, judge, config_.reasons);
      part.proba = std::move(scored.proba);
      for (std::size_t a = 0; a < scored.rows.size(); ++a) {
        const std::size_t i = part.lo + scored.rows[a];
        for (const Contribution& c : scored.reasons[a]) {
          verdicts_[i].reasons.push_back({scorer_.feature_names()[c.feature],
                                          scorer_.raw_value(batch[i].flow, c.feature), c.delta});
        }
      }
    } else {
      part.proba = scorer_.predict_proba(part.rows);
      for (std::size_t i = 0; i < n; ++i) judge(i, part.proba.row(i));
    }
    for (std::size_t i = 0; i < n; ++i) verdicts_[part.lo + i].probabilities = part.proba.row(i);
    // Written here, by the part's own thread: formatting alerts is a good
    // share of the work, and the caller writes the parts' texts in order.
    part.text.clear();
    for (std::size_t i = part.lo; i < part.hi; ++i) {
      const Verdict& v = verdicts_[i];
      if (v.alert) writer_.alert(batch[i].flow, v, part.text);
      if (config_.all_flows) writer_.flow_event(batch[i].flow, v, part.text);
    }
  }

  const DetectConfig& config_;
  FlowScorer scorer_;
  AlertWriter writer_;
  std::int32_t benign_;
  const TextSink& alerts_;
  const StatsSink& stats_sink_;
  std::int32_t unknown_;         // the Unknown/anomaly class index, or -1 without a detector
  std::int32_t anomaly_benign_;  // the class the detector learned as normal
  double threshold_ = 0;         // the detector's
  std::vector<std::uint64_t> alerts_by_class_;
  std::uint64_t classified_ = 0, alerts_total_ = 0, reasons_skipped_ = 0;
  LatencyHistogram model_time_, latency_;
  // Written by the model threads, each in its own rows' entries.
  mutable std::vector<Verdict> verdicts_;
  std::vector<Part> parts_;
  PartThreads part_threads_;  // last: its helpers stop before what they use goes
};

// Reads flow rows from each file (or standard input) into the queue.
void read_flow_files(const DetectConfig& config, const FlowScorer& scorer, FlowQueue& queue,
                     const std::atomic<bool>* stop) {
  for (const std::string& path : config.flow_files) {
    const bool from_stdin = path == "-";
    std::FILE* in = from_stdin ? stdin : std::fopen(path.c_str(), "rb");
    if (!in) throw IoError(path + ": cannot open: " + std::strerror(errno));
    struct Closer {
      std::FILE* f;
      bool owned;
      ~Closer() {
        if (owned) std::fclose(f);
      }
    } closer{in, !from_stdin};
    FlowCsvReader reader(in, from_stdin ? "standard input" : path);
    for (const std::string& name : scorer.feature_names()) {
      if (!reader.has_column(name)) {
        throw InputError(reader.source() + ": no column '" + name + "', which the model needs");
      }
    }
    capture::FlowRecord flow;
    while (!(stop && stop->load(std::memory_order_relaxed)) && reader.next(flow))
      queue.push(flow, true);
  }
}

}  // namespace

std::size_t model_threads_for(const DetectConfig& config) {
  if (config.model_threads > 0) return config.model_threads;
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return config.capture.interface.empty() ? cores : std::max<std::size_t>(1, cores - 1);
}

std::string DetectStats::line() const {
  char text[320];
  std::snprintf(
      text, sizeof text,
      "%llu packets, %llu flows in, %llu classified, %llu alerts, %llu dropped, %llu evicted; "
      "%.0f flows/s; model %.1f/%.1f us per flow (p50/p99), latency %.0f/%.0f us",
      static_cast<unsigned long long>(packets), static_cast<unsigned long long>(flows_in),
      static_cast<unsigned long long>(flows_classified), static_cast<unsigned long long>(alerts),
      static_cast<unsigned long long>(dropped), static_cast<unsigned long long>(evicted),
      flows_per_second, model_us_p50, model_us_p99, latency_us_p50, latency_us_p99);
  std::string s = text;
  if (!alerts_by_class.empty()) {
    s += " [";
    for (std::size_t i = 0; i < alerts_by_class.size(); ++i) {
      s += (i > 0 ? ", " : "") + alerts_by_class[i].first + " " +
           std::to_string(alerts_by_class[i].second);
    }
    s += "]";
  }
  if (reasons_skipped > 0)
    s += "; " + std::to_string(reasons_skipped) + " alerts without reasons (under load)";
  if (kernel_drops > 0) s += "; " + std::to_string(kernel_drops) + " packets dropped by the kernel";
  return s;
}

// Counters Suricata also keeps carry its names (uptime in whole seconds,
// decoder.pkts, capture.kernel_drops, flow.total, detect.alert); Vigil's own
// go under stats.vigil, the one extension of Suricata's schema that Vigil's
// copy declares (schema/vigil-extension.json).
std::string DetectStats::json(const std::string& time) const {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("timestamp", time);
  w.field("event_type", "stats");
  w.key("stats").begin_object();
  w.field("uptime", static_cast<std::uint64_t>(std::max(0.0, std::floor(seconds))));
  w.key("decoder").begin_object().field("pkts", packets).end_object();
  w.key("capture").begin_object().field("kernel_drops", kernel_drops).end_object();
  w.key("flow").begin_object().field("total", flows_in).end_object();
  w.key("detect").begin_object().field("alert", alerts).end_object();
  w.key("vigil").begin_object();
  w.field("seconds", seconds);
  w.field("flows_classified", flows_classified);
  w.field("flows_dropped", dropped);
  w.field("flows_evicted", evicted);
  w.field("flows_per_second", flows_per_second);
  w.field("reasons_skipped", reasons_skipped);
  w.key("alerts_by_class").begin_object();
  for (const auto& [name, count] : alerts_by_class) w.field(name, count);
  w.end_object();
  w.key("model_us").begin_object();
  w.field("p50", model_us_p50).field("p99", model_us_p99);
  w.end_object();
  w.key("latency_us").begin_object();
  w.field("p50", latency_us_p50).field("p99", latency_us_p99);
  w.end_object();
  w.end_object();
  w.end_object();
  w.end_object();
  out += '\n';
  return out;
}

DetectStats run_detector(const DetectConfig& config, const io::ModelBundle& bundle,
                         const ModelIdentity& model, const TextSink& alerts, const StatsSink& stats,
                         const std::atomic<bool>* stop, Progress* progress) {
  const bool from_packets = !config.capture.pcaps.empty() || !config.capture.interface.empty();
  if (from_packets == !config.flow_files.empty()) {
    throw InputError("detect: give capture files, an interface or flow files (one of the three)");
  }
  // Everything that can refuse the model is checked before a thread starts.
  ClassifyingWorker classifier(config, bundle, model, alerts, stats);
  const FlowScorer scorer(bundle);
  FlowQueue queue(config.queue_capacity);
  capture::LiveCounters live;
  std::atomic<bool> halt{stop && stop->load()};
  const auto started = Clock::now();

  std::exception_ptr worker_error;
  std::thread worker([&] {
    try {
      classifier.run(queue, live, started, stop, halt);
    } catch (...) {
      worker_error = std::current_exception();
      halt.store(true);
      queue.abandon();
    }
  });
  // The worker must be joined whatever intake throws.
  struct Joiner {
    FlowQueue& queue;
    std::thread& thread;
    ~Joiner() {
      queue.close();
      if (thread.joinable()) thread.join();
    }
  } joiner{queue, worker};

  capture::ExtractSummary capture_summary;
  if (from_packets) {
    const bool wait = !config.drop_when_full;
    capture_summary = capture::capture_flows(
        config.capture, [&](const capture::FlowRecord& flow) { queue.push(flow, wait); }, &halt,
        progress, &live);
  } else {
    read_flow_files(config, scorer, queue, &halt);
  }
  queue.close();
  worker.join();
  if (worker_error) std::rethrow_exception(worker_error);

  DetectStats final_stats = classifier.snapshot(queue, live, started);
  final_stats.kernel_drops = capture_summary.kernel_drops;
  if (from_packets) final_stats.capture_line = capture_summary.line();
  stats(final_stats, true);
  return final_stats;
}

}  // namespace vigil::detect
