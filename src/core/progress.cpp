#include "vigil/core/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace vigil {

bool progress_wanted(bool quiet) { return !quiet && isatty(STDERR_FILENO) == 1; }

TerminalProgress::TerminalProgress(bool enabled) : enabled_(enabled) {}

void TerminalProgress::begin(const std::string& stage, std::size_t total) {
  stage_ = stage;
  total_ = total;
  drawn_ = false;
  start_ = last_draw_ = Clock::now();
}

void TerminalProgress::update(std::size_t done) {
  if (!enabled_) return;
  const auto now = Clock::now();
  if (now - start_ < std::chrono::milliseconds(500)) return;
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw(done, false);
}

void TerminalProgress::end() {
  if (!enabled_ || !drawn_) return;
  draw(total_, true);
}

void TerminalProgress::draw(std::size_t done, bool final) {
  drawn_ = true;
  const double secs = std::chrono::duration<double>(Clock::now() - start_).count();
  if (total_ > 0) {
    const double pct = 100.0 * static_cast<double>(done) / static_cast<double>(total_);
    std::fprintf(stderr, "\r\033[K%s %5.1f%%  %.1f s", stage_.c_str(), pct > 100 ? 100 : pct, secs);
  } else {
    std::fprintf(stderr, "\r\033[K%s  %.1f s", stage_.c_str(), secs);
  }
  if (final) std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace vigil
