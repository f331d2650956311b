#include "vigil/io/atomic_output.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "vigil/core/error.hpp"
#include "vigil/io/atomic_file.hpp"

namespace vigil::io {

AtomicOutput::AtomicOutput(std::string path) : path_(std::move(path)) {
  if (path_ == "-") {
    to_stdout_ = true;
    file_ = stdout;
    return;
  }
  if (is_special_file(path_)) {
    // A device or pipe (/dev/null, a FIFO): written in place, never renamed over.
    direct_ = true;
    file_ = std::fopen(path_.c_str(), "wb");
    if (!file_) throw IoError(path_ + ": cannot write: " + std::strerror(errno));
    return;
  }
  temp_ = path_ + ".tmp." + std::to_string(::getpid());
  file_ = std::fopen(temp_.c_str(), "wb");
  if (!file_) throw IoError(path_ + ": cannot write: " + std::strerror(errno));
}

AtomicOutput::~AtomicOutput() {
  if (to_stdout_ || !file_) return;
  std::fclose(file_);
  if (!direct_) ::unlink(temp_.c_str());
}

void AtomicOutput::write(std::string_view text) {
  if (!file_) throw IoError(path_ + ": write after commit");
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
    throw IoError((to_stdout_ ? std::string("standard output") : path_) +
                  ": write failed: " + std::strerror(errno));
  }
}

void AtomicOutput::commit() {
  if (to_stdout_) {
    if (std::fflush(stdout) != 0)
      throw IoError("standard output: write failed: " + std::string(std::strerror(errno)));
    return;
  }
  if (!file_) return;
  std::FILE* f = file_;
  file_ = nullptr;
  if (direct_) {
    if (std::fclose(f) != 0) throw IoError(path_ + ": write failed: " + std::strerror(errno));
    return;
  }
  const bool ok = std::fflush(f) == 0 && ::fsync(fileno(f)) == 0;
  const int err = errno;
  if (std::fclose(f) != 0 || !ok) {
    ::unlink(temp_.c_str());
    throw IoError(path_ + ": flush failed: " + std::strerror(ok ? errno : err));
  }
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
    const int e = errno;
    ::unlink(temp_.c_str());
    throw IoError(path_ + ": cannot replace: " + std::strerror(e));
  }
}

}  // namespace vigil::io
