// The flat flow index agrees with a std::unordered_map through a long random
// run of inserts and erases, including runs that wrap around the array's end
// and the backward shift that deletion does.
#include "capture/flow_index.hpp"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

namespace vigil::capture {
namespace {

TEST(FlowIndex, AgreesWithAMapUnderChurn) {
  std::vector<Flow> pool(20001);
  FlowIndex index;
  std::unordered_map<std::uint32_t, std::uint64_t> live;  // slot -> hash
  std::mt19937_64 rng(7);
  // Few distinct home positions, so runs are long and collide often.
  auto hash_of = [](std::uint32_t slot) {
    const std::uint64_t spread = (slot * 0x9E3779B97F4A7C15ull) & 0xffffffff00000000ull;
    return spread | (slot % 97);
  };
  for (int step = 0; step < 200000; ++step) {
    const auto slot = static_cast<std::uint32_t>(1 + rng() % 20000);
    const std::uint64_t h = hash_of(slot);
    pool[slot].key.a_port = static_cast<std::uint16_t>(slot);
    pool[slot].key.b_port = static_cast<std::uint16_t>(slot >> 16);
    const bool present = live.count(slot) > 0;
    ASSERT_EQ(index.find(pool[slot].key, h, pool), present ? slot : FlowIndex::kNone)
        << "step " << step;
    if (present && rng() % 2 == 0) {
      index.erase(h, slot);
      live.erase(slot);
    } else if (!present) {
      index.insert(h, slot);
      live[slot] = h;
    }
    ASSERT_EQ(index.size(), live.size());
  }
  for (const auto& [slot, h] : live) EXPECT_EQ(index.find(pool[slot].key, h, pool), slot);
}

}  // namespace
}  // namespace vigil::capture
