#include "detect/part_threads.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

namespace vigil::detect {
namespace {

// Every part runs once per call, call after call, with fewer parts than
// threads and with many more.
TEST(PartThreads, RunsEveryPartOnce) {
  PartThreads threads(3);
  ASSERT_EQ(threads.threads(), 4u);
  for (std::size_t round = 0; round < 200; ++round) {
    const std::size_t parts = 1 + round % 13;
    std::vector<std::atomic<int>> runs(parts);
    threads.run(parts, [&](std::size_t p) { ++runs[p]; });
    for (std::size_t p = 0; p < parts; ++p)
      ASSERT_EQ(runs[p].load(), 1) << "round " << round << ", part " << p;
  }
}

// A thread held up in one part does not hold up the others: the first part
// taken waits until every other part has run, which only another thread can
// do (a static split would give that thread parts of its own to run after).
TEST(PartThreads, OtherThreadsTakeThePartsOfAHeldThread) {
  PartThreads threads(1);
  constexpr std::size_t kParts = 10;
  std::atomic<std::size_t> taken{0}, done{0};
  std::vector<std::thread::id> ran_on(kParts);
  bool waited_out = true;
  threads.run(kParts, [&](std::size_t p) {
    ran_on[p] = std::this_thread::get_id();
    if (taken++ == 0) {
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (done.load() < kParts - 1 && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      waited_out = done.load() == kParts - 1;
      return;
    }
    ++done;
  });
  EXPECT_TRUE(waited_out);
  EXPECT_EQ(std::set<std::thread::id>(ran_on.begin(), ran_on.end()).size(), 2u);
}

TEST(PartThreads, WithoutHelpersTheCallerRunsEveryPart) {
  PartThreads threads(0);
  std::vector<int> runs(5, 0);
  threads.run(5, [&](std::size_t p) { ++runs[p]; });
  EXPECT_EQ(runs, std::vector<int>(5, 1));
  threads.run(0, [&](std::size_t p) { ++runs[p]; });
  EXPECT_EQ(runs, std::vector<int>(5, 1));
}

}  // namespace
}  // namespace vigil::detect
