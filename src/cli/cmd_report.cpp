// `vigil report`: one self-contained HTML page from an experiment's JSON (or
// several, side by side) or from a detection run's EVE output.
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "cli/common.hpp"
#include "vigil/core/error.hpp"
#include "vigil/data/limits.hpp"
#include "vigil/io/atomic_file.hpp"
#include "vigil/report/html_report.hpp"

namespace vigil::cli {
namespace {

struct ReportOptions {
  std::vector<std::string> inputs;
  std::string out;
};

std::ifstream open_input(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open for reading");
  return in;
}

// EVE files are JSON lines whose first line is a whole event; an experiment's
// JSON is one document over many lines.
bool looks_like_eve(const std::string& path) {
  std::ifstream in = open_input(path);
  std::string first;
  while (std::getline(in, first)) {
    if (first.find_first_not_of(" \t\r") != std::string::npos) break;
  }
  if (first.empty()) throw InputError(path + ": empty; expected an experiment's JSON or EVE lines");
  const nlohmann::json event = nlohmann::json::parse(first, nullptr, /*allow_exceptions=*/false);
  return event.is_object() && event.contains("event_type");
}

void run_report(const GlobalOptions& g, const ReportOptions& o) {
  std::vector<std::string> eve, experiments;
  for (const auto& path : o.inputs) (looks_like_eve(path) ? eve : experiments).push_back(path);
  if (!eve.empty() && !experiments.empty()) {
    throw ParamError("report: " + experiments.front() + " is an experiment's result and " +
                     eve.front() + " a detection run's EVE output; give one kind per page");
  }
  std::string html;
  if (!experiments.empty()) {
    std::vector<nlohmann::json> results;
    for (const auto& path : experiments) {
      std::ifstream in = open_input(path);
      try {
        results.push_back(nlohmann::json::parse(in));
      } catch (const nlohmann::json::parse_error& e) {
        throw InputError(path + ": not JSON (" + std::string(e.what()) +
                         "); expected the file vigil experiment --json writes");
      }
      if (!report::is_experiment(results.back())) {
        throw InputError(path +
                         ": not an experiment's result (no models, protocol and classes); "
                         "expected the file vigil experiment --json writes, or EVE lines");
      }
    }
    html = report::experiment_page(results, experiments);
  } else {
    report::EveSummarizer summarizer;
    for (const auto& path : eve) {
      std::ifstream in = open_input(path);
      summarizer.begin_source(path);
      // Lines are read into a bounded buffer: a file without newlines cannot
      // take all memory.
      std::vector<char> line(data::kMaxLineBytes + 1);
      std::size_t line_no = 0;
      while (in.getline(line.data(), static_cast<std::streamsize>(line.size()))) {
        // gcount counts the newline, when there was one.
        auto length = static_cast<std::size_t>(in.gcount());
        if (!in.eof() && length > 0) --length;
        summarizer.add_line(std::string_view(line.data(), length), path, ++line_no);
      }
      if (in.bad()) throw InputError(path + ": read failed");
      if (!in.eof()) {
        throw InputError(path + ":" + std::to_string(line_no + 1) + ": a line longer than " +
                         std::to_string(data::kMaxLineBytes) + " bytes; EVE events are lines");
      }
    }
    html = report::detection_page(summarizer.summary());
  }
  io::write_file_atomic(o.out, html);
  status(g, "report written to " + o.out + " (" + std::to_string(html.size() / 1024) + " KiB)");
}

}  // namespace

void add_report_command(CLI::App& app, const GlobalOptions& g) {
  auto o = std::make_shared<ReportOptions>();
  auto* cmd = app.add_subcommand(
      "report",
      "Write one self-contained HTML page (inline SVG charts, no network, no script) from "
      "experiment results (vigil experiment --json; several are drawn side by side) or from a "
      "detection run's EVE alerts and stats");
  cmd->add_option("inputs", o->inputs,
                  "Experiment JSON files, or EVE files (alerts, and the --stats file)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--out", o->out, "The HTML page to write")->required();
  cmd->callback([o, &g] { run_report(g, *o); });
}

}  // namespace vigil::cli
