// `vigil models`: the registered models and their parameters.
#include <cstdio>

#include "cli/common.hpp"
#include "vigil/models/anomaly.hpp"
#include "vigil/models/classifier.hpp"

namespace vigil::cli {

void add_models_command(CLI::App& app, const GlobalOptions&) {
  auto* cmd =
      app.add_subcommand("models", "List the models Vigil can train, with their parameters");
  cmd->callback([] {
    for (const auto& m : models::builtin_registry().models()) {
      std::printf("%-6s %s\n", m.name.c_str(), m.description.c_str());
      std::printf("%s", ParamSet("model " + m.name, m.params).describe().c_str());
    }
    std::printf("\nanomaly detectors (vigil train --anomaly, vigil experiment --anomaly):\n");
    for (const auto& name : models::anomaly_detector_names()) {
      std::printf(
          "%-6s %s\n", name.c_str(),
          name == "kmeans"
              ? "distance to the nearest k-means centre of benign traffic"
              : "distance to the nearest DBSCAN core row of benign traffic (flagged beyond eps)");
      std::printf("%s", ParamSet("anomaly detector " + name, models::anomaly_param_specs(name))
                            .describe()
                            .c_str());
    }
  });
}

}  // namespace vigil::cli
