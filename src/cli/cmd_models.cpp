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
    for (const auto& d : models::anomaly_detectors()) {
      std::printf("%-6s %s\n", d.name.c_str(), d.description.c_str());
      std::printf("%s", ParamSet("anomaly detector " + d.name, d.params()).describe().c_str());
    }
  });
}

}  // namespace vigil::cli
