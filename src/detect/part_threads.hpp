// Helper threads that run parts of a batch beside the thread that calls them.
//
// Between batches they sleep on a semaphore rather than spin, as OpenMP's
// idle threads do for a while: the capture thread may need that core, and a
// spinning helper measured a third slower end to end on two cores.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <semaphore>
#include <thread>
#include <vector>

namespace vigil::detect {

class PartThreads {
 public:
  explicit PartThreads(std::size_t helpers);
  ~PartThreads();
  PartThreads(const PartThreads&) = delete;
  PartThreads& operator=(const PartThreads&) = delete;

  // The threads that run parts: the helpers and the caller.
  std::size_t threads() const { return helpers_.size() + 1; }
  // Runs work(p) for every p < parts and returns when all have. The caller
  // and the helpers take the next part as each finishes one, so a thread the
  // system has paused holds up no more than the part it is on. `work` must
  // not throw.
  void run(std::size_t parts, const std::function<void(std::size_t)>& work);

 private:
  struct Helper {
    std::binary_semaphore go{0}, done{0};
    std::thread thread;
  };
  void serve(Helper& helper);
  void take_parts();  // runs parts until none is left

  std::vector<std::unique_ptr<Helper>> helpers_;
  const std::function<void(std::size_t)>* work_ = nullptr;
  std::size_t parts_ = 0;
  std::atomic<std::size_t> next_part_{0};
  bool stopping_ = false;
};

}  // namespace vigil::detect
