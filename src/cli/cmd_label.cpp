// `vigil label`: ground truth joined to extracted flows, for training on
// Vigil's own features (the traffic lab's labels, Zeek conn.log.labeled).
#include "cli/common.hpp"
#include "vigil/core/error.hpp"
#include "vigil/data/flow_labels.hpp"
#include "vigil/io/atomic_file.hpp"
#include "vigil/io/atomic_output.hpp"

namespace vigil::cli {
namespace {

struct LabelOptions {
  std::string flows, out = "-", summary, unmatched = "drop";
  std::vector<std::string> labels;
  data::LabelJoinOptions join;
};

void run_label(const GlobalOptions& g, LabelOptions& o) {
  std::vector<data::LabelSet> sets;
  for (const auto& path : o.labels) sets.push_back(data::read_label_file(path, o.join.benign));
  o.join.unmatched = data::unmatched_policies().parse(o.unmatched);
  io::AtomicOutput out(o.out);
  const data::LabelJoinSummary summary =
      data::label_flows(o.flows, sets, o.join, [&](std::string_view text) { out.write(text); });
  out.commit();
  if (!o.summary.empty()) io::write_file_atomic(o.summary, summary.json());
  status(g, summary.line());
}

}  // namespace

void add_label_command(CLI::App& app, const GlobalOptions& g) {
  auto o = std::make_shared<LabelOptions>();
  auto* cmd = app.add_subcommand(
      "label", "Join label records (traffic lab, Zeek conn.log.labeled) to extracted flows");
  cmd->add_option("--flows", o->flows, "Flows from `vigil extract` (CSV)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--labels", o->labels,
                  "Label files: the lab's labels.csv or Zeek conn.log.labeled (several allowed)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", o->out,
                  "Labelled flows (CSV with attack_cat and label), or - for standard output")
      ->capture_default_str();
  cmd->add_option("--unmatched", o->unmatched,
                  "Flows no record matches: drop them, call them benign, or fail")
      ->check(CLI::IsMember(data::unmatched_policies().names()))
      ->capture_default_str();
  cmd->add_option("--benign", o->join.benign, "Class name of benign flows")->capture_default_str();
  cmd->add_option("--slack", o->join.slack,
                  "Seconds a record's time span is widened by on each side")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option(
         "--max-per-record", o->join.max_per_record,
         "Keep at most this many flows of each label record, a random sample (0: all); a flood's "
         "flows would otherwise outweigh every other record")
      ->capture_default_str();
  cmd->add_option("--seed", o->join.seed, "Seed of that sample")->capture_default_str();
  cmd->add_option("--summary", o->summary, "Also write the counts as JSON to this file");
  cmd->callback([o, &g] { run_label(g, *o); });
}

}  // namespace vigil::cli
