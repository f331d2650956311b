// How a random forest's contributions are counted: class shares at splits in
// 65535ths (RandomForest::NodeShares), summed in fixed point.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vigil::models::forest_shares {

inline constexpr float kShareUnit = 65535.0f;  // a split's share is kept in 65535ths

// Contributions are summed in units of 1 / (65535 x 65536) of a share: a
// split's share (in 65535ths) is then a whole number of units with no
// division, and a leaf's exact share is rounded to 2^-32 or so.
inline constexpr std::int64_t kSplitUnits = 65536;
inline constexpr double kOne = 65535.0 * 65536.0;

// A split's share of a class, in those units.
inline std::int64_t fixed_split_share(std::uint16_t share) { return share * kSplitUnits; }

// A leaf's share of class `cls`, exact, in those units: a pure leaf (value
// -(c + 1)) has all of class c; another has its row of `leaf_shares`.
inline std::int64_t fixed_leaf_share(std::int32_t value, const float* leaf_shares,
                                     std::size_t classes, std::int32_t cls) {
  if (value < 0) return -value - 1 == cls ? static_cast<std::int64_t>(kOne) : 0;
  const float share =
      leaf_shares[static_cast<std::size_t>(value) * classes + static_cast<std::size_t>(cls)];
  return static_cast<std::int64_t>(static_cast<double>(share) * kOne + 0.5);
}

}  // namespace vigil::models::forest_shares
