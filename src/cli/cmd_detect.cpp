// `vigil detect`: classify every flow from capture files, a live interface or
// flow rows, and write alerts (EVE JSON, CEF or syslog) for attack verdicts.
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "cli/common.hpp"
#include "vigil/core/error.hpp"
#include "vigil/core/progress.hpp"
#include "vigil/detect/detector.hpp"

namespace vigil::cli {
namespace {

struct DetectOptions {
  detect::DetectConfig config;
  std::string model;
  std::string alerts = "-";
  std::string format = "eve";
  std::string stats;
  bool threshold_given = false;
};

// The model `vigil detect` uses without --model: $VIGIL_MODEL, else the
// lab-trained model that scripts/default-model writes beside the program.
std::string default_model() {
  if (const char* env = std::getenv("VIGIL_MODEL"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::string path =
      (ec ? std::filesystem::path(".") : exe.parent_path()) / "default-detector.model";
  if (!std::filesystem::exists(path)) {
    throw InputError(
        "no --model given and no default model at " + path +
        ": build it with `sudo scripts/default-model` (three 5-minute traffic-lab runs, then "
        "training: about 17 minutes), set VIGIL_MODEL, or pass --model");
  }
  return path;
}

// An output that alerts are appended to as they happen (as Suricata appends
// to eve.json), each batch written at once so a SIEM agent tailing the file
// sees it. Not atomic (a detector's log grows while it runs), but a batch that
// fails part-way (a full disk) is cut off again, so the file holds whole
// events only; unbuffered, so nothing left in a buffer is written later.
class AppendOutput {
 public:
  explicit AppendOutput(const std::string& path) : path_(path) {
    if (path == "-") {
      file_ = stdout;
      return;
    }
    file_ = std::fopen(path.c_str(), "ab");
    if (!file_) throw IoError(path + ": cannot open for appending: " + std::strerror(errno));
    std::setvbuf(file_, nullptr, _IONBF, 0);
    owned_ = true;
  }
  ~AppendOutput() {
    if (owned_) std::fclose(file_);
  }
  AppendOutput(const AppendOutput&) = delete;
  AppendOutput& operator=(const AppendOutput&) = delete;

  void write(std::string_view text) {
    // Where this batch starts, for a regular file that can be cut back.
    const off_t start = owned_ ? ::lseek(::fileno(file_), 0, SEEK_END) : -1;
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size() || std::fflush(file_) != 0) {
      const int error = errno;
      if (start >= 0 && ::ftruncate(::fileno(file_), start) != 0) {
        // The cut failed too: the message says the last event may be partial.
        throw IoError(path_ + ": write failed: " + std::strerror(error) +
                      " (and its last event could not be removed)");
      }
      throw IoError((path_ == "-" ? std::string("standard output") : path_) +
                    ": write failed: " + std::strerror(error));
    }
  }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  bool owned_ = false;
};

// Names the exact model in every alert: its type and the CRC-32 of its file.
detect::ModelIdentity identify(const std::string& path, const io::ModelBundle& bundle) {
  // Read in chunks: a forest's model file can be hundreds of megabytes.
  std::ifstream in(path, std::ios::binary);
  uLong crc = crc32(0L, Z_NULL, 0);
  std::vector<char> chunk(1 << 20);
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    crc = crc32(crc, reinterpret_cast<const Bytef*>(chunk.data()), static_cast<uInt>(in.gcount()));
  }
  char version[16];
  std::snprintf(version, sizeof version, "%08lx", static_cast<unsigned long>(crc));
  detect::ModelIdentity id;
  id.name = bundle.model->name();
  id.version = version;
  id.file = path;
  id.class_names = bundle.class_names;
  if (bundle.anomaly) {
    id.class_names.push_back(detect::kUnknownClass);
    id.anomaly_detector = bundle.anomaly->name();
    id.anomaly_threshold = bundle.anomaly->threshold();
  }
  return id;
}

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return {};
  return name;
}

std::string now_time() {
  return detect::eve_time(
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
}

void run_detect(const GlobalOptions& g, DetectOptions& o) {
  o.config.format = o.format;
  o.config.drop_when_full = !o.config.capture.interface.empty();
  if (o.config.hostname.empty()) o.config.hostname = host_name();
  if (o.model.empty()) o.model = default_model();
  const io::ModelBundle bundle = io::load_model(o.model);
  const detect::ModelIdentity identity = identify(o.model, bundle);
  // A model trained with --alert-threshold carries the threshold chosen for it.
  if (!o.threshold_given && bundle.meta.contains("alert_threshold") &&
      bundle.meta["alert_threshold"].is_number()) {
    o.config.threshold = bundle.meta["alert_threshold"].get<double>();
    status(g, "detect: alert threshold " + std::to_string(o.config.threshold) +
                  " (from the model file)");
  }
  AppendOutput alerts(o.alerts);
  std::unique_ptr<AppendOutput> stats_file;
  if (!o.stats.empty()) stats_file = std::make_unique<AppendOutput>(o.stats);

  auto on_stats = [&](const detect::DetectStats& s, bool final) {
    if (stats_file) stats_file->write(s.json(now_time()));
    if (final) {
      if (!s.capture_line.empty()) status(g, "detect: capture: " + s.capture_line);
      status(g, "detect: " + s.line());
    } else if (!stats_file) {
      status(g, "detect: " + s.line());
    }
  };
  // SIGINT/SIGTERM end a live capture cleanly: open and queued flows are classified.
  const StopOnSignal stop;
  TerminalProgress progress(!g.quiet && o.alerts != "-");
  detect::run_detector(
      o.config, bundle, identity, [&](std::string_view text) { alerts.write(text); }, on_stats,
      stop.flag(), &progress);
}

}  // namespace

void add_detect_command(CLI::App& app, const GlobalOptions& g) {
  auto o = std::make_shared<DetectOptions>();
  auto& c = o->config;
  auto* cmd = app.add_subcommand(
      "detect", "Classify flows from packets or flow rows and write alerts for attacks");
  cmd->add_option("--model", o->model,
                  "Model file (from vigil train; default: $VIGIL_MODEL, else the lab-trained "
                  "default-detector.model "
                  "beside the program, which scripts/default-model builds)")
      ->check(CLI::ExistingFile);
  auto* pcap = cmd->add_option("--pcap", c.capture.pcaps,
                               "Capture files, read in order as fast as they can be read")
                   ->check(CLI::ExistingFile);
  auto* iface =
      cmd->add_option("--interface", c.capture.interface,
                      "Capture live from this interface until SIGINT/SIGTERM or --duration");
  auto* flows = cmd->add_option(
      "--flows", c.flow_files,
      "Flow rows (CSV in the model's schema, e.g. from vigil extract); - for standard input");
  pcap->excludes(iface)->excludes(flows);
  iface->excludes(flows);
  cmd->add_option("--filter", c.capture.filter, "BPF filter for live capture (tcpdump syntax)")
      ->needs(iface);
  cmd->add_option("--duration", c.capture.duration, "Seconds of live capture (0: until stopped)")
      ->check(CLI::NonNegativeNumber)
      ->needs(iface);
  cmd->add_option("--alerts", o->alerts, "Alert output, appended to; - for standard output")
      ->capture_default_str();
  std::string formats;
  for (const auto& f : detect::alert_formats()) {
    formats += (formats.empty() ? "" : "; ") + f.name + ": " + f.description;
  }
  cmd->add_option("--format", o->format, "Alert format (" + formats + ")")
      ->check(CLI::IsMember(detect::alert_format_names()))
      ->capture_default_str();
  cmd->add_option("--benign", c.benign, "The class that raises no alert")->capture_default_str();
  cmd->add_option(
         "--threshold", c.threshold,
         "Least probability of the predicted attack class for an alert (default: the model's "
         "--alert-threshold, else 0)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_flag("--all-flows", c.all_flows,
                "Also write every flow with its verdict as an EVE flow event");
  cmd->add_option("--reasons", c.reasons,
                  "Features named in each alert as the ones that pushed it most")
      ->capture_default_str();
  cmd->add_option("--stats", o->stats,
                  "Append stats as EVE stats events to this file (else they go to stderr)");
  cmd->add_option("--stats-interval", c.stats_interval,
                  "Seconds between stats (0: at the end only)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--queue", c.queue_capacity,
                  "Flows that may wait for the model; live capture drops beyond it")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--batch", c.batch, "Most flows classified at once by a model thread")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option(
         "--model-threads", c.model_threads,
         "Threads classifying (0: one per core reading files, one per core but capture's live)")
      ->capture_default_str();
  cmd->add_option("--hostname", c.hostname,
                  "The sensor's name in alerts (default: this machine's)");
  cmd->add_option("--idle-timeout", c.capture.idle_timeout,
                  "Seconds without a packet that end a flow")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--active-timeout", c.capture.active_timeout,
                  "Seconds after which a long flow is cut")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--max-flows", c.capture.max_flows,
                  "Most flows held at once; beyond it the least recently active is evicted")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->callback([o, &g, cmd] {
    if (o->config.capture.pcaps.empty() && o->config.capture.interface.empty() &&
        o->config.flow_files.empty()) {
      throw CLI::RequiredError("--pcap, --interface or --flows");
    }
    o->threshold_given = cmd->get_option("--threshold")->count() > 0;
    run_detect(g, *o);
  });
}

}  // namespace vigil::cli
