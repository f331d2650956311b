// The bounded hand-over from intake to the classifier: one producer, one
// consumer, a fixed ring of flows. The producer either waits for room (files)
// or drops the flow and counts it (live capture, which must never wait).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

#include "vigil/capture/flow_record.hpp"

namespace vigil::detect {

struct QueuedFlow {
  capture::FlowRecord flow;
  std::chrono::steady_clock::time_point queued;
};

class FlowQueue {
 public:
  explicit FlowQueue(std::size_t capacity) : ring_(capacity == 0 ? 1 : capacity) {}

  // Adds a flow; when full, waits (wait_when_full) or drops it and returns false.
  bool push(const capture::FlowRecord& flow, bool wait_when_full) {
    std::unique_lock lock(mutex_);
    if (size_ == ring_.size() && wait_when_full) {
      not_full_.wait(lock, [&] { return size_ < ring_.size() || abandoned_; });
    }
    if (size_ == ring_.size()) {
      ++dropped_;
      return false;
    }
    QueuedFlow& slot = ring_[(head_ + size_) % ring_.size()];
    slot.flow = flow;  // copies into the slot's existing buffers: no allocation once warm
    slot.queued = std::chrono::steady_clock::now();
    ++size_;
    ++pushed_;
    lock.unlock();
    not_empty_.notify_one();
    return true;
  }

  // No more flows will come.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    not_empty_.notify_one();
  }

  // The consumer has failed: a waiting producer gives up (its flows count as dropped).
  void abandon() {
    {
      std::lock_guard lock(mutex_);
      abandoned_ = true;
    }
    not_full_.notify_all();
  }

  // Moves up to `most` flows into `out` (swapping buffers with it), waiting at
  // most `wait` for the first. Returns false once closed and empty.
  bool pop(std::vector<QueuedFlow>& out, std::size_t most, std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    if (size_ == 0 && !closed_)
      not_empty_.wait_for(lock, wait, [&] { return size_ > 0 || closed_; });
    const std::size_t n = std::min(most, size_);
    if (out.size() < n) out.resize(n);
    for (std::size_t i = 0; i < n; ++i) std::swap(out[i], ring_[(head_ + i) % ring_.size()]);
    head_ = (head_ + n) % ring_.size();
    size_ -= n;
    taken_ = n;
    const bool more = n > 0 || !closed_;
    lock.unlock();
    if (n > 0) not_full_.notify_one();
    return more;
  }
  std::size_t taken() const { return taken_; }
  std::size_t backlog() const {
    std::lock_guard lock(mutex_);
    return size_;
  }
  std::size_t capacity() const {
    return ring_.size();
  }  // flows the last pop() moved (consumer only)

  std::uint64_t dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
  }
  std::uint64_t pushed() const {
    std::lock_guard lock(mutex_);
    return pushed_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable not_empty_, not_full_;
  std::vector<QueuedFlow> ring_;
  std::size_t head_ = 0, size_ = 0, taken_ = 0;
  std::uint64_t dropped_ = 0, pushed_ = 0;
  bool closed_ = false, abandoned_ = false;
};

}  // namespace vigil::detect
