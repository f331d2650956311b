// Percentiles of durations without keeping every sample: log-scale buckets,
// eight per doubling (so a percentile is exact to within 9%), as HDR-style
// histograms do. Single-threaded.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace vigil::detect {

class LatencyHistogram {
 public:
  void add(std::uint64_t nanoseconds) {
    ++counts_[bucket(nanoseconds)];
    ++total_;
  }
  std::uint64_t count() const { return total_; }
  // The upper edge of the bucket holding the p-th fraction of samples, in
  // microseconds; 0 when empty.
  double percentile_us(double p) const {
    if (total_ == 0) return 0;
    const auto rank = static_cast<std::uint64_t>(p * static_cast<double>(total_ - 1)) + 1;
    std::uint64_t seen = 0;
    for (std::size_t b = 0; b < counts_.size(); ++b) {
      seen += counts_[b];
      if (seen >= rank) return static_cast<double>(upper_edge(b)) / 1000.0;
    }
    return static_cast<double>(upper_edge(counts_.size() - 1)) / 1000.0;
  }

 private:
  static constexpr std::size_t kSub = 8;  // buckets per doubling
  // Values below 8 ns get a bucket each; above, octave and the next three bits.
  static std::size_t bucket(std::uint64_t v) {
    if (v < kSub) return static_cast<std::size_t>(v);
    const int octave = std::bit_width(v) - 1;  // >= 3
    const auto sub = static_cast<std::size_t>((v >> (octave - 3)) & (kSub - 1));
    const std::size_t b = kSub + static_cast<std::size_t>(octave - 3) * kSub + sub;
    return b < kBuckets ? b : kBuckets - 1;
  }
  static std::uint64_t upper_edge(std::size_t b) {
    if (b < kSub) return b;
    const int octave = static_cast<int>((b - kSub) / kSub) + 3;
    const std::uint64_t sub = (b - kSub) % kSub;
    return ((kSub + sub + 1) << (octave - 3)) - 1;
  }
  static constexpr std::size_t kBuckets = kSub + 40 * kSub;  // up to about 2^43 ns (2.4 hours)
  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t total_ = 0;
};

}  // namespace vigil::detect
