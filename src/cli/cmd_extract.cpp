// `vigil extract`: packets from capture files or a live interface to flow rows
// with UNSW-NB15's features, ready for `vigil train/evaluate/predict`.
#include <cstdio>

#include "cli/common.hpp"
#include "vigil/capture/extract.hpp"
#include "vigil/capture/flow_formats.hpp"
#include "vigil/core/progress.hpp"
#include "vigil/io/atomic_output.hpp"

namespace vigil::cli {
namespace {

struct ExtractOptions {
  capture::ExtractConfig config;
  std::string out = "-";
};

void run_extract(const GlobalOptions& g, const ExtractOptions& o) {
  // SIGINT/SIGTERM end a live capture cleanly: open flows are written out.
  const StopOnSignal stop;
  io::AtomicOutput out(o.out);
  TerminalProgress progress(!g.quiet && o.out != "-");
  const capture::ExtractSummary summary = capture::extract_flows(
      o.config, [&](std::string_view text) { out.write(text); }, stop.flag(), &progress);
  out.commit();
  status(g, "extract: " + summary.line());
}

}  // namespace

void add_extract_command(CLI::App& app, const GlobalOptions& g) {
  auto o = std::make_shared<ExtractOptions>();
  auto* cmd = app.add_subcommand(
      "extract", "Compute UNSW-NB15 flow features from capture files or a live interface");
  auto* pcap =
      cmd->add_option("--pcap", o->config.pcaps,
                      "Capture files (pcap, pcapng, optionally gzip-compressed), read in order")
          ->check(CLI::ExistingFile);
  auto* iface =
      cmd->add_option("--interface", o->config.interface,
                      "Capture live from this interface (until SIGINT/SIGTERM or --duration)");
  pcap->excludes(iface);
  cmd->add_option("--filter", o->config.filter, "BPF filter for live capture (tcpdump syntax)")
      ->needs(iface);
  cmd->add_option("--duration", o->config.duration, "Seconds of live capture (0: until stopped)")
      ->check(CLI::NonNegativeNumber)
      ->needs(iface);
  cmd->add_option("--out", o->out, "Output file, or - for standard output")->capture_default_str();
  std::string formats_help = "Output format:";
  for (const auto& f : capture::flow_formats()) {
    formats_help += "\n  " + f.name + ": " + f.description;
  }
  cmd->add_option("--format", o->config.format, formats_help)
      ->check(CLI::IsMember(capture::flow_format_names()))
      ->capture_default_str();
  cmd->add_option("--idle-timeout", o->config.idle_timeout,
                  "Seconds without a packet that end a flow")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--active-timeout", o->config.active_timeout,
                  "Seconds after which a long flow is cut")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--max-flows", o->config.max_flows,
                  "Most flows held at once (each takes at most " +
                      std::to_string(capture::bytes_per_flow()) +
                      " bytes); beyond it the least recently active is evicted")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->callback([o, &g] {
    if (o->config.pcaps.empty() && o->config.interface.empty())
      throw CLI::RequiredError("--pcap or --interface");
    run_extract(g, *o);
  });
}

}  // namespace vigil::cli
