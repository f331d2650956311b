#include "detect/part_threads.hpp"

#include <omp.h>

#include <algorithm>

namespace vigil::detect {

PartThreads::PartThreads(std::size_t helpers) {
  for (std::size_t i = 0; i < helpers; ++i) {
    auto helper = std::make_unique<Helper>();
    Helper& h = *helper;
    helpers_.push_back(std::move(helper));
    h.thread = std::thread([this, &h] { serve(h); });
  }
}

PartThreads::~PartThreads() {
  stopping_ = true;
  for (auto& h : helpers_) h->go.release();
  for (auto& h : helpers_) h->thread.join();
}

void PartThreads::serve(Helper& helper) {
  // A part is one thread's work: the model must not start a team of its own.
  omp_set_num_threads(1);
  for (;;) {
    helper.go.acquire();  // the semaphore orders work_ and stopping_ after run() set them
    if (stopping_) return;
    take_parts();
    helper.done.release();
  }
}

void PartThreads::take_parts() {
  for (std::size_t p; (p = next_part_.fetch_add(1, std::memory_order_relaxed)) < parts_;)
    (*work_)(p);
}

void PartThreads::run(std::size_t parts, const std::function<void(std::size_t)>& work) {
  work_ = &work;
  parts_ = parts;
  next_part_.store(0, std::memory_order_relaxed);
  // The semaphores order work_, parts_ and next_part_ before the helpers read them.
  const std::size_t helpers = std::min(helpers_.size(), parts > 0 ? parts - 1 : 0);
  for (std::size_t h = 0; h < helpers; ++h) helpers_[h]->go.release();
  take_parts();
  for (std::size_t h = 0; h < helpers; ++h) helpers_[h]->done.acquire();
}

}  // namespace vigil::detect
