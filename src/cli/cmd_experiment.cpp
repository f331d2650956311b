// `vigil experiment`: the study's comparison under a chosen protocol.
#include <cstdio>
#include <memory>

#include "cli/common.hpp"
#include "vigil/core/allocator.hpp"
#include "vigil/core/error.hpp"
#include "vigil/eval/experiment.hpp"
#include "vigil/eval/protocol.hpp"
#include "vigil/io/atomic_file.hpp"
#include "vigil/io/checksum.hpp"
#include "vigil/models/classifier.hpp"
#include "vigil/report/html_report.hpp"

namespace vigil::cli {
namespace {

struct ExperimentOptions {
  DataOptions data;
  PipelineOptions pipeline;
  std::string protocol = "holdout";
  std::vector<std::string> models = {"nb", "lr", "knn", "rf", "mlp"};
  std::string test;
  int folds = 5;
  std::vector<std::string> params;
  double test_size = 0.2;
  std::uint64_t seed = 42;
  std::string json;
  std::string html;
  std::string export_prepared;
  std::string benign = "Normal";
  std::vector<std::string> anomaly;
  std::string anomaly_fit = "benign";
  std::string holdout_class;
  std::string dedup = "none";
  bool impute_given = false;
  std::string group_by;
  bool folds_given = false;
};

void run_experiment(const GlobalOptions& g, ExperimentOptions o) {
  eval::ExperimentConfig config;
  config.protocol = eval::parse_protocol(o.protocol);
  config.test_fraction = o.test_size;
  config.folds = o.folds;
  // Grouped folds: one group per fold unless --folds asks for fewer.
  if (config.protocol == eval::Protocol::kGroup && !o.folds_given) config.folds = 0;
  if (config.protocol == eval::Protocol::kGroup && o.group_by.empty()) {
    throw ParamError("--protocol group needs --group-by COLUMN (e.g. capture)");
  }
  config.seed = o.seed;
  config.pipeline = o.pipeline.to_config(o.seed);
  // The published method imputes by class; keep that unless --impute says otherwise.
  if (config.protocol == eval::Protocol::kPaper && !o.impute_given) {
    config.pipeline.impute = preprocess::ImputeStrategy::kClassMean;
  }
  config.models = o.models;
  config.model_params = o.params;
  config.benign = o.benign;
  config.anomaly = o.anomaly;
  config.anomaly_on_all_rows = o.anomaly_fit == "all";
  config.holdout_class = o.holdout_class;
  config.dedup = eval::dedup_modes().parse(o.dedup);
  config.export_prepared = o.export_prepared;
  for (const auto& m : config.models) models::builtin_registry().info(m);  // fail early on a typo
  if (o.data.path.empty()) o.data.path = default_dataset();
  status(g, "reading " + o.data.path);
  data::DatasetOptions dopt = o.data.to_dataset_options();
  dopt.group_by = o.group_by;
  const data::Dataset ds = data::load_dataset(o.data.path, dopt);
  status(g, std::to_string(ds.rows()) + " rows, " + std::to_string(ds.features.cols()) +
                " features, " + std::to_string(ds.class_names.size()) + " classes (schema " +
                ds.schema + ", " + ds.feature_set + " features)");
  std::unique_ptr<data::Dataset> test;
  if (config.protocol == eval::Protocol::kOfficial) {
    if (o.test.empty())
      throw ParamError(
          "--protocol official needs --test FILE (and --data or --train for training)");
    data::DatasetOptions topt = o.data.to_dataset_options();
    topt.label = ds.label_column;
    topt.expected_features.clear();
    for (const auto& c : ds.features.columns) topt.expected_features.emplace_back(c.name, c.type);
    status(g, "reading " + o.test);
    test = std::make_unique<data::Dataset>(data::load_dataset(o.test, topt));
  } else if (!o.test.empty()) {
    throw ParamError("--test is for --protocol official");
  }
  TerminalProgress progress(progress_wanted(g.quiet));
  const eval::ExperimentResult result = eval::run_experiment(ds, config, &progress, test.get());
  std::printf("data %s\n%s", o.data.path.c_str(), eval::experiment_text(result).c_str());
  if (!o.json.empty() || !o.html.empty()) {
    nlohmann::json report = eval::to_json(result);
    report["data"] = o.data.path;
    report["data_sha256"] = io::sha256_file(o.data.path);
    if (test) {
      report["test_data"] = o.test;
      report["test_data_sha256"] = io::sha256_file(o.test);
    }
    report["seed"] = o.seed;
    report["command"] = g.command_line;
    report["vigil_version"] = VIGIL_VERSION;
    if (!o.json.empty()) {
      io::write_file_atomic(o.json, report.dump(2) + "\n");
      status(g, "report written to " + o.json);
    }
    if (!o.html.empty()) {
      io::write_file_atomic(o.html, report::experiment_page({report}, {o.html}));
      status(g, "page written to " + o.html);
    }
  }
}

}  // namespace

void add_experiment_command(CLI::App& app, const GlobalOptions& g) {
  auto o = std::make_shared<ExperimentOptions>();
  auto* cmd = app.add_subcommand(
      "experiment", "Train and score models under an evaluation protocol (the default main job)");
  add_data_options(*cmd, o->data, /*data_optional=*/true);
  add_pipeline_options(*cmd, o->pipeline);
  std::string protocol_help;
  std::vector<std::string> protocol_names;
  for (const auto& p : eval::protocols()) {
    protocol_help += (protocol_help.empty() ? "" : "; ") + p.name + ": " + p.description;
    protocol_names.push_back(p.name);
  }
  cmd->add_option("--protocol", o->protocol, protocol_help)
      ->check(CLI::IsMember(protocol_names))
      ->capture_default_str();
  cmd->add_option("--models", o->models,
                  "Models to compare (comma-separated; default nb,lr,knn,rf,mlp)")
      ->delimiter(',');
  cmd->add_option("--train", o->data.path,
                  "Training file for --protocol official (same as --data)");
  cmd->add_option("--test", o->test, "Test file for --protocol official");
  cmd->add_option(
         "--folds", o->folds,
         "Folds for --protocol cv (and for group: K folds of groups instead of one group per fold)")
      ->check(CLI::Range(2, 100))
      ->capture_default_str();
  cmd->add_option(
      "--group-by", o->group_by,
      "Column naming each row's group for --protocol group (e.g. capture; not a feature)");
  cmd->add_option("--param", o->params,
                  "Model parameter name=value, for every chosen model that has it, or "
                  "model.name=value for one (repeatable)");
  cmd->add_option("--test-size", o->test_size, "Fraction of rows to test on")
      ->check(CLI::Range(0.01, 0.99))
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "Seed for the split and SMOTE")->capture_default_str();
  cmd->add_option("--benign", o->benign,
                  "The class that is not an attack, for the attack-vs-benign ROC curve")
      ->capture_default_str();
  cmd->add_option(
         "--anomaly", o->anomaly,
         "Anomaly detectors (kmeans, dbscan; comma-separated), fitted on benign training rows; "
         "each is also scored as a hybrid behind every chosen model")
      ->delimiter(',');
  cmd->add_option("--anomaly-fit", o->anomaly_fit,
                  "Rows the detectors learn from: benign (the benign class's training rows) or all "
                  "(every real training row, labels unused)")
      ->check(CLI::IsMember({"benign", "all"}))
      ->capture_default_str();
  cmd->add_option(
      "--holdout-class", o->holdout_class,
      "Keep every training row of this class out (an attack type never seen), to measure "
      "what the hybrids catch of it");
  cmd->add_option("--dedup", o->dedup,
                  "Drop duplicate feature vectors (holdout, cv, group): train (repeats within the "
                  "training part), test (test rows whose vector is in training) or both; the "
                  "report says how many")
      ->check(CLI::IsMember(eval::dedup_modes().names()))
      ->capture_default_str();
  cmd->add_option("--json", o->json, "Also write the results as JSON to this file");
  cmd->add_option("--html", o->html,
                  "Also write a self-contained HTML page with the results' charts (confusion "
                  "matrices, per-class bars, ROC and precision-recall curves, costs) to this file; "
                  "vigil report draws pages from saved JSON");
  cmd->add_option(
      "--export-prepared", o->export_prepared,
      "Write the rows exactly as the models get them (imputed, scaled, balanced, reduced) to "
      "DIR/train.csv and DIR/test.csv, to give another tool the same matrices");
  cmd->callback([o, cmd, &g] {
    keep_freed_memory();  // a batch job: reuse what one model frees in the next
    o->impute_given = cmd->get_option("--impute")->count() > 0;
    o->folds_given = cmd->get_option("--folds")->count() > 0;
    run_experiment(g, *o);
  });
}

}  // namespace vigil::cli
