// The `vigil` program: parses the command line and hands each command to the
// library. Every user-facing error becomes one line on stderr and exit code 1.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>

#include "cli/common.hpp"
#include "vigil/core/error.hpp"

int main(int argc, char** argv) {
  // A reader that closes the pipe (`vigil extract | head`) makes writes fail
  // with EPIPE, which every writer reports by name with exit code 1, instead
  // of the signal killing Vigil without a word.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{
      "Vigil: machine-learning intrusion detection for IoT networks (version " VIGIL_VERSION ")"};
  app.require_subcommand(1);
  app.fallthrough();  // global flags such as --quiet also work after the command name
  app.set_version_flag("--version", VIGIL_VERSION);
  vigil::cli::GlobalOptions global;
  global.command_line = vigil::cli::shell_command_line(argc, argv);
  app.add_flag("-q,--quiet", global.quiet, "No progress or status output on stderr")
      ->configurable(false);
  vigil::cli::add_models_command(app, global);
  vigil::cli::add_train_command(app, global);
  vigil::cli::add_evaluate_command(app, global);
  vigil::cli::add_predict_command(app, global);
  vigil::cli::add_experiment_command(app, global);
  vigil::cli::add_extract_command(app, global);
  vigil::cli::add_label_command(app, global);
  vigil::cli::add_detect_command(app, global);
  vigil::cli::add_report_command(app, global);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors exit 2, as for most Unix tools; --help and --version exit 0.
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const vigil::Error& e) {
    std::fprintf(stderr, "vigil: error: %s\n", e.what());
    return 1;
  } catch (const vigil::InternalError& e) {
    std::fprintf(stderr, "vigil: %s\n", e.what());
    return 3;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "vigil: error: out of memory\n");
    return 1;
  }
  return 0;
}
