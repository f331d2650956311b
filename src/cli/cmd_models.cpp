// `vigil models`: the registered models and their parameters.
#include <cstdio>

#include "cli/common.hpp"
#include "vigil/models/classifier.hpp"

namespace vigil::cli {

void add_models_command(CLI::App& app, const GlobalOptions&) {
  auto* cmd = app.add_subcommand("models", "List the models Vigil can train, with their parameters");
  cmd->callback([] {
    for (const auto& m : models::builtin_registry().models()) {
      std::printf("%-6s %s\n", m.name.c_str(), m.description.c_str());
      std::printf("%s", ParamSet("model " + m.name, m.params).describe().c_str());
    }
  });
}

}  // namespace vigil::cli
