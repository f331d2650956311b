#include "vigil/preprocess/smote.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "vigil/core/random.hpp"

namespace vigil::preprocess {
namespace {

// Three classes in 3-D: 300, 40 and 6 rows.
struct Sample {
  Matrix x;
  std::vector<std::int32_t> y;
};

Sample make_sample() {
  Sample s;
  Rng rng(3);
  const int sizes[] = {300, 40, 6};
  s.x = Matrix(0, 3);
  for (int c = 0; c < 3; ++c) {
    for (int i = 0; i < sizes[c]; ++i) {
      const float row[] = {static_cast<float>(c * 10 + rng.uniform()),
                           static_cast<float>(rng.uniform()),
                           static_cast<float>(-c + rng.uniform())};
      s.x.append_row(row);
      s.y.push_back(c);
    }
  }
  return s;
}

double dist2(std::span<const float> a, std::span<const float> b) {
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d += (a[i] - b[i]) * (a[i] - b[i]);
  return d;
}

// The k nearest other rows of the same class, by brute force (independent of the k-d tree).
std::vector<std::size_t> brute_neighbours(const Sample& s, std::size_t row, int k) {
  std::vector<std::pair<double, std::size_t>> d;
  for (std::size_t j = 0; j < s.x.rows(); ++j) {
    if (j != row && s.y[j] == s.y[row]) d.emplace_back(dist2(s.x.row(row), s.x.row(j)), j);
  }
  std::sort(d.begin(), d.end());
  std::vector<std::size_t> out;
  for (int i = 0; i < k && i < static_cast<int>(d.size()); ++i)
    out.push_back(d[static_cast<std::size_t>(i)].second);
  return out;
}

// Whether p lies on the segment a-b (within float rounding).
bool on_segment(std::span<const float> p, std::span<const float> a, std::span<const float> b) {
  double t = -1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double span = b[i] - a[i];
    if (std::abs(span) > 1e-6) {
      t = (p[i] - a[i]) / span;
      break;
    }
  }
  if (t < -1e-5 || t > 1 + 1e-5) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::abs(a[i] + t * (b[i] - a[i]) - p[i]) > 1e-4) return false;
  }
  return true;
}

TEST(Smote, RaisesEveryClassToTheMajorityCount) {
  const Sample s = make_sample();
  const Resampled r = smote(s.x, s.y, 3, {});
  EXPECT_EQ(r.x.rows(), 900u);
  EXPECT_EQ(r.synthetic, 554u);
  std::vector<int> counts(3, 0);
  for (auto y : r.labels) ++counts[static_cast<std::size_t>(y)];
  EXPECT_EQ(counts, (std::vector<int>{300, 300, 300}));
  // Originals come first, unchanged.
  for (std::size_t i = 0; i < s.x.rows(); ++i) EXPECT_EQ(r.x(i, 1), s.x(i, 1));
}

TEST(Smote, SyntheticRowsLieBetweenSameClassNeighbours) {
  const Sample s = make_sample();
  SmoteConfig config;
  const Resampled r = smote(s.x, s.y, 3, config);
  for (std::size_t i = s.x.rows(); i < r.x.rows(); ++i) {
    const auto p = r.x.row(i);
    bool found = false;
    for (std::size_t a = 0; a < s.x.rows() && !found; ++a) {
      if (s.y[a] != r.labels[i]) continue;
      for (auto b : brute_neighbours(s, a, config.k)) {
        if (on_segment(p, s.x.row(a), s.x.row(b))) {
          found = true;
          break;
        }
      }
    }
    ASSERT_TRUE(found) << "synthetic row " << i
                       << " is not between a row and one of its neighbours";
  }
}

TEST(Smote, ReproducibleUnderSeedAndGivenTarget) {
  const Sample s = make_sample();
  SmoteConfig config;
  config.seed = 9;
  const Resampled a = smote(s.x, s.y, 3, config);
  const Resampled b = smote(s.x, s.y, 3, config);
  EXPECT_EQ(a.x.values(), b.x.values());
  config.seed = 10;
  EXPECT_NE(smote(s.x, s.y, 3, config).x.values(), a.x.values());
  config.target = 100;  // class 0 already above: left as is
  const Resampled c = smote(s.x, s.y, 3, config);
  EXPECT_EQ(c.x.rows(), 300u + 100u + 100u);
}

TEST(Smote, TinyClassesUseFewerNeighboursOrRepeat) {
  Matrix x(0, 2);
  std::vector<std::int32_t> y;
  for (int i = 0; i < 10; ++i) {
    const float row[] = {static_cast<float>(i), 0};
    x.append_row(row);
    y.push_back(0);
  }
  const float two_a[] = {100, 1}, two_b[] = {102, 1}, one[] = {-5, -5};
  x.append_row(two_a);
  y.push_back(1);
  x.append_row(two_b);
  y.push_back(1);
  x.append_row(one);
  y.push_back(2);
  const Resampled r = smote(x, y, 3, {});
  EXPECT_EQ(r.x.rows(), 30u);
  EXPECT_EQ(r.notes.size(), 2u);
  for (std::size_t i = 13; i < r.x.rows(); ++i) {
    if (r.labels[i] == 1) {
      EXPECT_GE(r.x(i, 0), 100.0f);
      EXPECT_LE(r.x(i, 0), 102.0f);
    } else {
      EXPECT_EQ(r.labels[i], 2);
      EXPECT_EQ(r.x(i, 0), -5.0f);
    }
  }
}

}  // namespace
}  // namespace vigil::preprocess
