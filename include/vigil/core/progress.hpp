// Progress for long work: shown on a terminal, silent otherwise or with --quiet.
// Library code reports through this interface and never writes to a terminal itself.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace vigil {

class Progress {
 public:
  virtual ~Progress() = default;
  // A named stage of work begins; `total` is its unit count (0 when unknown).
  virtual void begin(const std::string& stage, std::size_t total) = 0;
  // `done` units of the current stage are complete.
  virtual void update(std::size_t done) = 0;
  virtual void end() = 0;
};

// Reports nothing.
class NullProgress final : public Progress {
 public:
  void begin(const std::string&, std::size_t) override {}
  void update(std::size_t) override {}
  void end() override {}
};

// Draws "stage  42%  1.3 s" on stderr, redrawn at most ten times a second, and a
// final line with the elapsed time. Draws only when stderr is a terminal, and
// only for stages that last longer than half a second.
class TerminalProgress final : public Progress {
 public:
  explicit TerminalProgress(bool enabled);
  void begin(const std::string& stage, std::size_t total) override;
  void update(std::size_t done) override;
  void end() override;

 private:
  using Clock = std::chrono::steady_clock;
  void draw(std::size_t done, bool final);
  bool enabled_;
  bool drawn_ = false;
  std::string stage_;
  std::size_t total_ = 0;
  Clock::time_point start_;
  Clock::time_point last_draw_;
};

// Whether progress should be shown: stderr is a terminal and not --quiet.
bool progress_wanted(bool quiet);

}  // namespace vigil
