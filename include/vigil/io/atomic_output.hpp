// A streamed output that never leaves a half-written file: text goes to a
// temporary file beside the target, and only commit() flushes it to disk and
// renames it over the target; dropped without commit, the temporary goes away.
// The path "-" writes straight to standard output, and an existing device or
// pipe (/dev/null, a FIFO) is written in place: renaming over it would replace it.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace vigil::io {

class AtomicOutput {
 public:
  explicit AtomicOutput(std::string path);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  void write(std::string_view text);
  void commit();
  const std::string& path() const { return path_; }

 private:
  std::string path_, temp_;
  std::FILE* file_ = nullptr;
  bool to_stdout_ = false;
  bool direct_ = false;
};

}  // namespace vigil::io
