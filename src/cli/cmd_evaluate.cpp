// `vigil evaluate`: score a model file on labelled rows.
#include <cstdio>
#include <memory>

#include "cli/common.hpp"
#include "vigil/core/allocator.hpp"
#include "vigil/core/error.hpp"
#include "vigil/data/split.hpp"
#include "vigil/eval/report.hpp"
#include "vigil/io/atomic_file.hpp"
#include "vigil/io/model_file.hpp"

namespace vigil::cli {
namespace {

struct EvaluateOptions {
  std::string model;
  std::string data;
  bool holdout = false;
  std::string json;
};

// The rows `vigil train --holdout` kept out, re-derived from the seed and checked.
data::Table holdout_rows(const io::ModelBundle& bundle, data::Dataset& ds,
                         std::vector<std::int32_t>& labels) {
  if (!bundle.meta.contains("holdout")) {
    throw ParamError("--holdout: the model was trained on all rows (train it with --holdout FRAC)");
  }
  const auto& h = bundle.meta["holdout"];
  if (h["rows"].get<std::size_t>() != ds.rows() ||
      h["label_fingerprint"].get<std::string>() != std::to_string(data::label_fingerprint(ds))) {
    throw InputError(ds.features.source +
                     ": not the file the model was trained on (row count or labels differ), so its "
                     "held-out rows cannot be found");
  }
  const data::Split split = data::stratified_split(ds.labels, h["fraction"].get<double>(),
                                                   h["seed"].get<std::uint64_t>());
  std::vector<std::int32_t> picked;
  for (auto i : split.test) picked.push_back(labels[i]);
  labels = std::move(picked);
  return ds.features.select_rows(split.test);
}

void run_evaluate(const GlobalOptions& g, const EvaluateOptions& o) {
  io::ModelBundle bundle = io::load_model(o.model);
  data::DatasetOptions dopt;
  dopt.label = bundle.label_column;
  dopt.binary = bundle.meta.value("binary", false);
  dopt.expected_features = bundle.expected_features();
  status(g, "reading " + o.data);
  data::Dataset ds = data::load_dataset(o.data, dopt);
  std::vector<std::string> names = bundle.class_names;
  std::vector<std::int32_t> actual = data::map_labels(ds, names);
  data::Table rows = o.holdout ? holdout_rows(bundle, ds, actual) : std::move(ds.features);
  for (const auto& [column, count] : bundle.pipeline.encoder().unknown_counts(rows)) {
    status(g, "note: " + std::to_string(count) + " rows have a '" + column +
                  "' value never seen in training (encoded as unknown)");
  }
  for (std::size_t c = bundle.class_names.size(); c < names.size(); ++c) {
    status(g,
           "note: class '" + names[c] + "' is not one the model knows; its rows count as misses");
  }
  const std::vector<std::int32_t> predicted = bundle.predict(rows);
  const auto cm = eval::ConfusionMatrix::from(actual, predicted, names);
  const auto metrics = eval::compute_metrics(cm);
  std::printf("model %s on %zu rows of %s%s\n\n", bundle.model->name().c_str(), rows.rows(),
              o.data.c_str(), o.holdout ? " (held-out part)" : "");
  std::printf("confusion matrix (rows actual, columns predicted)\n%s\n%s",
              eval::confusion_table(cm).c_str(), eval::metrics_table(metrics).c_str());
  if (!o.json.empty()) {
    nlohmann::json report = {{"model_file", o.model},
                             {"model", bundle.model->name()},
                             {"data", o.data},
                             {"rows", rows.rows()},
                             {"holdout", o.holdout},
                             {"metrics", eval::to_json(metrics)},
                             {"confusion_matrix", eval::to_json(cm)}};
    io::write_file_atomic(o.json, report.dump(2) + "\n");
    status(g, "report written to " + o.json);
  }
}

}  // namespace

void add_evaluate_command(CLI::App& app, const GlobalOptions& g) {
  auto o = std::make_shared<EvaluateOptions>();
  auto* cmd = app.add_subcommand("evaluate", "Score a model file on labelled rows");
  cmd->add_option("--model", o->model, "Model file")->required();
  cmd->add_option("--data", o->data, "Labelled flow CSV")->required();
  cmd->add_flag("--holdout", o->holdout, "Score only the rows `vigil train --holdout` kept out");
  cmd->add_option("--json", o->json, "Also write the report as JSON to this file");
  cmd->callback([o, &g] {
    keep_freed_memory();  // a batch job: reuse what one step frees in the next
    run_evaluate(g, *o);
  });
}

}  // namespace vigil::cli
