// Options shared by several `vigil` commands, and small helpers for their output.
// The CLI only parses and wires; the work happens in the library.
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <string>
#include <vector>

#include "vigil/data/dataset.hpp"
#include "vigil/preprocess/pipeline.hpp"

namespace vigil::cli {

struct GlobalOptions {
  bool quiet = false;
  std::string command_line;  // as typed, quoted for a shell: reports record it
};

// argv joined into one line a shell reads back the same (arguments with
// spaces or shell characters in single quotes).
std::string shell_command_line(int argc, const char* const* argv);

struct DataOptions {
  std::string path;
  std::string label;
  bool binary = false;
  std::vector<std::string> drop, categorical, numeric;
  bool keep_identifiers = false;
  std::string feature_set = "auto";

  data::DatasetOptions to_dataset_options() const;
};

// --data (required unless `data_optional`), --label, --binary, --drop, --categorical,
// --numeric, --keep-identifiers.
void add_data_options(CLI::App& app, DataOptions& o, bool data_optional = false);

struct PipelineOptions {
  std::string impute = "mean";
  double impute_constant = 0.0;
  std::string scale = "standard";
  std::string smote = "on";
  int smote_k = 5;
  std::size_t smote_target = 0;
  std::size_t select = 0;
  std::string select_by = "mi";
  double pca = 0;

  preprocess::PipelineConfig to_config(std::uint64_t seed) const;
};

void add_pipeline_options(CLI::App& app, PipelineOptions& o);

// Where the default dataset is: $VIGIL_DATA (a file, or a folder holding the
// UNSW-NB15 partition file), else ../shared/data/unsw-nb15/. Throws InputError
// saying where to get UNSW-NB15 and where to put it when neither has it.
std::string default_dataset();

// While alive, SIGINT and SIGTERM set flag() instead of killing the process,
// so a long-running command ends cleanly (open flows written out).
class StopOnSignal {
 public:
  StopOnSignal();
  ~StopOnSignal();
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;
  const std::atomic<bool>* flag() const;
};

// A status line on stderr unless --quiet.
void status(const GlobalOptions& g, const std::string& line);

// Registers each command on `app`.
void add_models_command(CLI::App& app, const GlobalOptions& g);
void add_train_command(CLI::App& app, const GlobalOptions& g);
void add_evaluate_command(CLI::App& app, const GlobalOptions& g);
void add_predict_command(CLI::App& app, const GlobalOptions& g);
void add_experiment_command(CLI::App& app, const GlobalOptions& g);
void add_extract_command(CLI::App& app, const GlobalOptions& g);
void add_label_command(CLI::App& app, const GlobalOptions& g);
void add_detect_command(CLI::App& app, const GlobalOptions& g);
void add_report_command(CLI::App& app, const GlobalOptions& g);

}  // namespace vigil::cli
