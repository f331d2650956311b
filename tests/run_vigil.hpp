// Running the `vigil` program from a test: exit code and output.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace vigil::testing {

struct CliRun {
  int code;
  std::string output;  // stdout and stderr together
};

// Runs `vigil ARGS` through the shell (so ARGS may hold redirections), after
// `prefix` (a wrapper such as `timeout -s INT 3 `).
inline CliRun vigil_run(const std::string& args, const std::string& prefix = "") {
  const std::string cmd = prefix + std::string(VIGIL_BIN) + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace vigil::testing
