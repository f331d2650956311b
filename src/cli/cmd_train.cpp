// `vigil train`: fit the pipeline and a model on a labelled CSV, save one model file.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/common.hpp"
#include "vigil/core/allocator.hpp"
#include "vigil/core/error.hpp"
#include "vigil/core/progress.hpp"
#include "vigil/data/split.hpp"
#include "vigil/eval/training.hpp"
#include "vigil/io/model_file.hpp"
#include "vigil/models/anomaly.hpp"

namespace vigil::cli {
namespace {

struct TrainOptions {
  DataOptions data;
  PipelineOptions pipeline;
  std::string model = "nb";
  std::vector<std::string> params;
  double holdout = 0.0;
  std::uint64_t seed = 42;
  std::string out;
  std::string anomaly;
  std::vector<std::string> anomaly_params;
  std::string benign = "Normal";
  std::string anomaly_fit = "benign";
  double alert_threshold = 0.0;
};

void run_train(const GlobalOptions& g, const TrainOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  // Build the model first, so a bad name or parameter fails before any work.
  auto model = models::builtin_registry().create(o.model, o.params);
  std::unique_ptr<models::AnomalyDetector> detector;
  if (!o.anomaly.empty()) detector = models::make_anomaly_detector(o.anomaly, o.anomaly_params);
  const preprocess::PipelineConfig config = o.pipeline.to_config(o.seed);

  status(g, "reading " + o.data.path);
  data::Dataset ds = data::load_dataset(o.data.path, o.data.to_dataset_options());
  data::require_classes_to_learn(ds);
  status(g, std::to_string(ds.rows()) + " rows, " + std::to_string(ds.features.cols()) +
                " features, " + std::to_string(ds.class_names.size()) + " classes (schema " +
                ds.schema + ", " + ds.feature_set + " features)");

  nlohmann::json meta = {{"data", o.data.path},           {"schema", ds.schema},
                         {"feature_set", ds.feature_set}, {"rows", ds.rows()},
                         {"binary", o.data.binary},       {"seed", o.seed}};
  const std::size_t total_rows = ds.rows();
  const std::uint64_t fingerprint = data::label_fingerprint(ds);
  data::Table train = std::move(ds.features);
  std::vector<std::int32_t> labels = ds.labels;
  if (o.holdout > 0.0) {
    const data::Split split = data::stratified_split(ds.labels, o.holdout, o.seed);
    train = train.select_rows(split.train);
    labels.clear();
    for (auto i : split.train) labels.push_back(ds.labels[i]);
    meta["holdout"] = {{"fraction", o.holdout},
                       {"seed", o.seed},
                       {"rows", total_rows},
                       {"label_fingerprint", std::to_string(fingerprint)}};
    status(g, "holding out " + std::to_string(split.test.size()) + " rows (stratified, seed " +
                  std::to_string(o.seed) + "); training on " + std::to_string(split.train.size()));
  }

  TerminalProgress progress(progress_wanted(g.quiet));
  const int classes = static_cast<int>(ds.class_names.size());
  eval::TrainingRows fitted = eval::fit_training_rows(train, labels, classes, config, &progress);
  if (fitted.synthetic_rows > 0)
    status(g, "SMOTE made " + std::to_string(fitted.synthetic_rows) + " synthetic rows");
  if (config.reduces()) status(g, "pipeline: " + fitted.pipeline.describe());
  model->fit(fitted.x, fitted.labels, classes, &progress);
  io::ModelBundle bundle;
  bundle.pipeline = std::move(fitted.pipeline);
  bundle.model = std::move(model);
  if (detector) {
    const auto& names = ds.class_names;
    const auto benign = std::find(names.begin(), names.end(), o.benign);
    if (benign == names.end())
      throw ParamError("--benign: '" + o.benign + "' is not a class of " + o.data.path);
    const bool all = o.anomaly_fit == "all";
    const std::vector<std::size_t> rows = eval::detector_training_rows(
        fitted.labels, fitted.synthetic, static_cast<std::int32_t>(benign - names.begin()), all);
    if (rows.empty())
      throw InputError(o.data.path + ": no training rows of the benign class '" + o.benign + "'");
    detector->fit(fitted.x.select_rows(rows), &progress);
    char line[200];
    std::snprintf(line, sizeof line,
                  "anomaly detector %s fitted on %zu %s rows; it flags %.2f%% of them",
                  o.anomaly.c_str(), rows.size(), all ? "training" : o.benign.c_str(),
                  100.0 * detector->training_flag_rate());
    status(g, line);
    bundle.anomaly = std::move(detector);
    bundle.anomaly_benign = o.benign;
  }
  bundle.class_names = ds.class_names;
  bundle.label_column = ds.label_column;
  meta["train_rows"] = fitted.x.rows();
  meta["synthetic_rows"] = fitted.synthetic_rows;
  if (o.alert_threshold > 0) meta["alert_threshold"] = o.alert_threshold;
  bundle.meta = meta;
  io::save_model(o.out, bundle);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char line[256];
  std::snprintf(line, sizeof line, "trained %s on %zu rows in %.2f s; model written to %s",
                o.model.c_str(), fitted.x.rows(), secs, o.out.c_str());
  status(g, line);
}

}  // namespace

void add_train_command(CLI::App& app, const GlobalOptions& g) {
  auto o = std::make_shared<TrainOptions>();
  auto* cmd =
      app.add_subcommand("train", "Fit the preprocessing pipeline and a model; write a model file");
  add_data_options(*cmd, o->data);
  add_pipeline_options(*cmd, o->pipeline);
  cmd->add_option("--model", o->model, "Model name (see `vigil models`)")->capture_default_str();
  cmd->add_option("--param", o->params, "Model parameter name=value (repeatable)");
  cmd->add_option(
         "--holdout", o->holdout,
         "Keep this stratified fraction of rows out of training, for `vigil evaluate --holdout`")
      ->check(CLI::Range(0.0, 0.99));
  cmd->add_option("--seed", o->seed, "Seed for the split and SMOTE")->capture_default_str();
  cmd->add_option("--out", o->out, "Model file to write")->required();
  cmd->add_option(
         "--anomaly", o->anomaly,
         "Also fit an anomaly detector (kmeans or dbscan) on the benign class's training rows; "
         "`vigil detect` then raises Unknown/anomaly for flows the model calls benign but it flags")
      ->check(CLI::IsMember(models::anomaly_detector_names()));
  cmd->add_option("--anomaly-param", o->anomaly_params,
                  "Anomaly detector parameter name=value (repeatable)");
  cmd->add_option("--benign", o->benign, "The class that is not an attack (for --anomaly)")
      ->capture_default_str();
  cmd->add_option("--anomaly-fit", o->anomaly_fit,
                  "Rows the detector learns from: benign (the benign class's) or all (every real "
                  "training row)")
      ->check(CLI::IsMember({"benign", "all"}))
      ->capture_default_str();
  cmd->add_option("--alert-threshold", o->alert_threshold,
                  "Least probability of the attack class for an alert, kept in the model file: "
                  "`vigil detect` "
                  "uses it unless given --threshold (0: alert on every attack verdict)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->callback([o, &g] {
    keep_freed_memory();  // a batch job: reuse what one step frees in the next
    run_train(g, *o);
  });
}

}  // namespace vigil::cli
