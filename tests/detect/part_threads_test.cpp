#include "detect/part_threads.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace vigil::detect {
namespace {

// Every part runs once per call, part 0 on the caller and the others on
// helpers, call after call; fewer parts than threads leave helpers idle.
TEST(PartThreads, RunsEveryPartOnceAndPartZeroOnTheCaller) {
  PartThreads threads(3);
  ASSERT_EQ(threads.capacity(), 4u);
  for (std::size_t round = 0; round < 200; ++round) {
    const std::size_t parts = 1 + round % 4;
    std::vector<std::atomic<int>> runs(parts);
    std::vector<std::thread::id> ran_on(parts);
    threads.run(parts, [&](std::size_t p) {
      ++runs[p];
      ran_on[p] = std::this_thread::get_id();
    });
    std::set<std::thread::id> distinct(ran_on.begin(), ran_on.end());
    ASSERT_EQ(distinct.size(), parts) << "round " << round;
    ASSERT_EQ(ran_on[0], std::this_thread::get_id());
    for (std::size_t p = 0; p < parts; ++p) ASSERT_EQ(runs[p].load(), 1) << "part " << p;
  }
}

TEST(PartThreads, WithoutHelpersTheCallerRunsTheOnePart) {
  PartThreads threads(0);
  int runs = 0;
  threads.run(1, [&](std::size_t p) { runs += p == 0; });
  EXPECT_EQ(runs, 1);
}

}  // namespace
}  // namespace vigil::detect
