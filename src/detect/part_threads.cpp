#include "detect/part_threads.hpp"

#include <omp.h>

#include "vigil/core/error.hpp"

namespace vigil::detect {

PartThreads::PartThreads(std::size_t helpers) {
  for (std::size_t i = 0; i < helpers; ++i) {
    auto helper = std::make_unique<Helper>();
    helper->part = i + 1;
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
    (*work_)(helper.part);
    helper.done.release();
  }
}

void PartThreads::run(std::size_t parts, const std::function<void(std::size_t)>& work) {
  VIGIL_CHECK(parts >= 1 && parts <= capacity(), "part threads: more parts than threads");
  work_ = &work;
  for (std::size_t p = 1; p < parts; ++p) helpers_[p - 1]->go.release();
  work(0);
  for (std::size_t p = 1; p < parts; ++p) helpers_[p - 1]->done.acquire();
}

}  // namespace vigil::detect
