#include "cli/common.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "vigil/core/error.hpp"

namespace vigil::cli {
namespace {

std::atomic<bool> g_stop_requested{false};

extern "C" void request_stop(int) { g_stop_requested.store(true); }

}  // namespace

StopOnSignal::StopOnSignal() {
  g_stop_requested.store(false);
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
}

StopOnSignal::~StopOnSignal() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

const std::atomic<bool>* StopOnSignal::flag() const { return &g_stop_requested; }

namespace fs = std::filesystem;

data::DatasetOptions DataOptions::to_dataset_options() const {
  data::DatasetOptions o;
  o.label = label;
  o.binary = binary;
  o.drop = drop;
  o.categorical = categorical;
  o.numeric = numeric;
  o.keep_identifiers = keep_identifiers;
  o.feature_set = data::parse_feature_set(feature_set);
  return o;
}

void add_data_options(CLI::App& app, DataOptions& o, bool data_optional) {
  auto* data =
      app.add_option("--data", o.path, "Flow CSV file (UNSW-NB15 schema or any CSV with --label)");
  if (!data_optional) data->required();
  app.add_option("--label", o.label, "Label column (default for UNSW-NB15: attack_cat)");
  app.add_flag("--binary", o.binary, "UNSW-NB15: learn attack vs normal from the `label` column");
  app.add_option("--drop", o.drop, "Columns to leave out (comma-separated)")->delimiter(',');
  app.add_option("--categorical", o.categorical, "Columns to treat as categorical")->delimiter(',');
  app.add_option("--numeric", o.numeric, "Columns to treat as numeric")->delimiter(',');
  app.add_flag(
      "--keep-identifiers", o.keep_identifiers,
      "Let ids, addresses, ports and timestamps reach the model (off: they identify flows, "
      "they do not describe them)");
  app.add_option(
         "--feature-set", o.feature_set,
         "all, deployment (without TTLs, raw windows, sequence numbers and round trips, which "
         "describe a "
         "network rather than a behaviour), or auto: deployment for flows extracted from captures")
      ->check(CLI::IsMember(data::feature_sets().names()))
      ->capture_default_str();
}

preprocess::PipelineConfig PipelineOptions::to_config(std::uint64_t seed) const {
  preprocess::PipelineConfig c;
  c.impute = preprocess::parse_impute_strategy(impute);
  c.impute_constant = impute_constant;
  c.scale = preprocess::parse_scale_kind(scale);
  c.smote = smote == "on";
  c.smote_config.k = smote_k;
  c.smote_config.target = smote_target;
  c.smote_config.seed = seed;
  c.select = select;
  c.select_by = preprocess::parse_select_by(select_by);
  c.pca = pca;
  return c;
}

void add_pipeline_options(CLI::App& app, PipelineOptions& o) {
  app.add_option("--impute", o.impute,
                 "Missing values: mean, median, most-frequent, constant, class-mean")
      ->check(CLI::IsMember(preprocess::impute_strategies().names()))
      ->capture_default_str();
  app.add_option("--impute-constant", o.impute_constant, "Fill value for --impute constant")
      ->capture_default_str();
  app.add_option("--scale", o.scale, "Scaling: standard, minmax or none")
      ->check(CLI::IsMember(preprocess::scale_kinds().names()))
      ->capture_default_str();
  app.add_option("--smote", o.smote, "Balance classes with SMOTE on training rows: on or off")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  app.add_option("--smote-k", o.smote_k, "SMOTE neighbours")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--smote-target", o.smote_target,
                 "Rows per class after SMOTE (default: the largest class's count)");
  app.add_option("--select", o.select,
                 "Keep the best K features (scored on the scaled training rows; 0: all)")
      ->capture_default_str();
  app.add_option("--select-by", o.select_by,
                 "Feature score for --select: mi (mutual information), chi2, rf (forest impurity) "
                 "or permutation")
      ->check(CLI::IsMember(preprocess::select_by_names().names()))
      ->capture_default_str();
  app.add_option("--pca", o.pca,
                 "PCA after selection: N components, or a share of variance in (0, 1) (0: none)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
}

std::string default_dataset() {
  static const char* kNames[] = {"UNSW_NB15_testing-set.csv", "UNSW_NB15_training-set.csv"};
  std::vector<fs::path> places;
  if (const char* env = std::getenv("VIGIL_DATA"); env != nullptr && *env != '\0') {
    const fs::path p(env);
    if (fs::is_regular_file(p)) return p.string();
    places.push_back(p);
    places.push_back(p / "unsw-nb15");
  }
  places.emplace_back("../shared/data/unsw-nb15");
  for (const auto& dir : places) {
    for (const char* name : kNames) {
      if (fs::is_regular_file(dir / name)) return (dir / name).string();
    }
  }
  throw InputError(
      "UNSW-NB15 not found (looked in $VIGIL_DATA and ../shared/data/unsw-nb15/).\n"
      "  Get it from UNSW Canberra's Cyber Range Lab "
      "(research.unsw.edu.au/projects/unsw-nb15-dataset,\n"
      "  folder 'Training and Testing Sets'), put UNSW_NB15_testing-set.csv in a folder and set\n"
      "  VIGIL_DATA to that folder (or pass --data FILE).");
}

std::string shell_command_line(int argc, const char* const* argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i > 0) line += ' ';
    const bool plain = !arg.empty() && arg.find_first_not_of(
                                           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                           "0123456789-_./=:,+@%") == std::string::npos;
    if (plain) {
      line += arg;
      continue;
    }
    line += '\'';
    for (char c : arg) line += c == '\'' ? std::string("'\\''") : std::string(1, c);
    line += '\'';
  }
  return line;
}

void status(const GlobalOptions& g, const std::string& line) {
  if (!g.quiet) std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace vigil::cli
