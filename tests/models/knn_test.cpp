#include "models/knn.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "models/fixtures.hpp"
#include "models/knn_search.hpp"

namespace vigil::models {
namespace {

Matrix rows(std::initializer_list<std::initializer_list<float>> values) {
  Matrix m(0, values.begin()->size());
  for (const auto& r : values) m.append_row(std::vector<float>(r));
  return m;
}

// One class-1 point sits inside a cluster of class 0: k=1 follows it, k=5 outvotes it.
TEST(Knn, OneAndFiveNeighboursDiffer) {
  const Matrix x = rows({{0, 0}, {1, 0}, {0, 1}, {1, 1}, {0.5, 0.6}, {10, 10}, {11, 10}, {10, 11}});
  const std::vector<std::int32_t> y = {0, 0, 0, 0, 1, 1, 1, 1};
  const Matrix q = rows({{0.5, 0.55}});
  for (const char* search : {"search=brute", "search=tree"}) {
    auto k1 = builtin_registry().create("knn", {"k=1", search});
    auto k5 = builtin_registry().create("knn", {"k=5", search});
    k1->fit(x, y, 2);
    k5->fit(x, y, 2);
    EXPECT_EQ(k1->predict(q)[0], 1) << search;
    EXPECT_EQ(k5->predict(q)[0], 0) << search;
    EXPECT_FLOAT_EQ(k5->predict_proba(q)(0, 0), 0.8f);
  }
}

TEST(Knn, ManhattanAndEuclideanDisagreeWhereTheyShould) {
  // Query at the origin: class 0 point at (2, 2) is nearer in L2 (2.83 vs 3),
  // class 1 point at (3, 0) is nearer in L1 (3 vs 4).
  const Matrix x = rows({{2, 2}, {3, 0}});
  const std::vector<std::int32_t> y = {0, 1};
  const Matrix q = rows({{0, 0}});
  for (const char* search : {"search=brute", "search=tree"}) {
    auto l2 = builtin_registry().create("knn", {"k=1", search});
    auto l1 = builtin_registry().create("knn", {"k=1", "metric=manhattan", search});
    l2->fit(x, y, 2);
    l1->fit(x, y, 2);
    EXPECT_EQ(l2->predict(q)[0], 0);
    EXPECT_EQ(l1->predict(q)[0], 1);
  }
}

TEST(Knn, TieGoesToTheNearestNeighboursClass) {
  // k=4: two votes each; the nearest neighbour is class 1.
  const Matrix x = rows({{1, 0}, {0, 2}, {0, -2.1f}, {3, 0}});
  const std::vector<std::int32_t> y = {1, 0, 0, 1};
  auto knn = builtin_registry().create("knn", {"k=4"});
  knn->fit(x, y, 2);
  EXPECT_EQ(knn->predict(rows({{0, 0}}))[0], 1);
}

// The three searches are exact, so they must agree vote for vote: clusters of
// every size (one cluster, about sqrt(n), one row each), on blobs with repeated
// rows, and on queries both inside and far outside the training data.
TEST(Knn, EverySearchFindsTheSameNeighbours) {
  auto train = vigil::testing::blobs(3, 300, 6, 11);
  for (std::size_t r = 0; r < 100; ++r)
    train.x.append_row(std::vector<float>(train.x.row(r).begin(), train.x.row(r).end()));
  train.y.insert(train.y.end(), train.y.begin(), train.y.begin() + 100);
  auto test = vigil::testing::blobs(3, 100, 6, 12);
  for (std::size_t r = 0; r < 20; ++r) {
    for (std::size_t c = 0; c < test.x.cols(); ++c) test.x(r, c) *= 40.0f;
  }
  auto brute = builtin_registry().create("knn", {"search=brute"});
  brute->fit(train.x, train.y, 3);
  const auto expected = brute->predict_proba(test.x).values();
  for (const char* search : {"search=tree", "search=clusters"}) {
    for (const char* clusters : {"clusters=0", "clusters=1", "clusters=7", "clusters=1000"}) {
      auto other = builtin_registry().create("knn", {search, clusters});
      other->fit(train.x, train.y, 3);
      EXPECT_EQ(other->predict_proba(test.x).values(), expected) << search << " " << clusters;
    }
  }
}

// The cluster index against distances computed here in double over every row:
// its candidates must be each query's `cap` nearest (compared as distances, so
// that ties may go either way; the data has no near ties for float rounding
// to swap). Rows lie near a 3-dimensional surface in 40 dimensions, as flow
// rows do, so that neighbours are far nearer than the balls are wide and every
// bound prunes; a tight blob far from the origin, where float rounding is
// largest relative to the distances, comes too. The index is built with groups
// of every size: one group of many cells, about sqrt(n), one row each.
TEST(Knn, ClusterIndexCandidatesHoldTheExactNearestRows) {
  Rng rng(5);
  std::vector<float> mix(3 * 40);
  for (auto& v : mix) v = static_cast<float>(rng.uniform() - 0.5);
  const auto surface_row = [&] {
    double z[3];
    for (double& v : z) v = 4.0 * rng.uniform();
    std::vector<float> row(40);
    for (std::size_t c = 0; c < 40; ++c) {
      row[c] = static_cast<float>(z[0] * mix[c] + z[1] * mix[40 + c] + z[2] * mix[80 + c] +
                                  std::sin(z[0] * z[1]) + 1e-3 * rng.uniform());
    }
    return row;
  };
  Matrix train(0, 40);
  for (int i = 0; i < 2500; ++i) train.append_row(surface_row());
  for (int i = 0; i < 300; ++i) {
    std::vector<float> row(40);
    for (auto& v : row) v = static_cast<float>(1e4 + 1e-2 * rng.uniform());
    train.append_row(row);
  }
  Matrix queries(0, 40);
  for (int i = 0; i < 100; ++i) queries.append_row(surface_row());
  for (std::size_t r = 0; r < 10; ++r) {
    for (std::size_t c = 0; c < queries.cols(); ++c)
      queries(r, c) *= 40.0f;  // far outside the rows
  }
  for (std::size_t r = 0; r < 30; ++r) {  // beside the far blob, near its rows
    const std::span<const float> near = train.row(train.rows() - 1 - 7 * r);
    std::vector<float> q(near.begin(), near.end());
    for (auto& v : q) v += static_cast<float>(1e-3 * (rng.uniform() - 0.5));
    queries.append_row(q);
  }
  const std::size_t cap = 13;  // as kNN asks with k = 5
  const auto distance = [&](std::size_t q, std::size_t row) {
    double s = 0;
    for (std::size_t c = 0; c < queries.cols(); ++c) {
      const double t = static_cast<double>(queries(q, c)) - train(row, c);
      s += t * t;
    }
    return s;
  };
  for (std::size_t clusters : {1, 3, 0, 2400}) {
    const knn::ClusterIndex index(train, clusters, 42);
    // Groups of more than a cell's rows are split, so the cell level is searched too.
    EXPECT_GE(index.cells(), index.clusters());
    if (clusters < 100) {
      EXPECT_GT(index.cells(), index.clusters()) << clusters;
    }
    const std::vector<std::uint32_t> found = index.candidates(queries, cap, cap);
    for (std::size_t q = 0; q < queries.rows(); ++q) {
      std::vector<double> all(train.rows()), mine;
      for (std::size_t row = 0; row < train.rows(); ++row) all[row] = distance(q, row);
      for (std::size_t j = 0; j < cap; ++j) {
        ASSERT_NE(found[q * cap + j], knn::kNoRow);
        mine.push_back(distance(q, found[q * cap + j]));
      }
      std::partial_sort(all.begin(), all.begin() + cap, all.end());
      std::sort(mine.begin(), mine.end());
      for (std::size_t j = 0; j < cap; ++j)
        EXPECT_EQ(mine[j], all[j]) << "clusters " << clusters << " query " << q << " #" << j;
    }
  }
}

// Asked for the k nearest with room for more, the index returns the k nearest
// and then only the rows whose distance ties the k-th's (within rounding):
// here twelve rows lie exactly 1 from the query, so all twelve come back
// (and no farther row), whichever five of them a float search meets first.
TEST(Knn, ClusterIndexKeepsEveryRowTiedWithTheKth) {
  Rng rng(7);
  Matrix train(0, 8);
  std::vector<float> row(8);
  for (std::size_t j = 0; j < 6; ++j) {
    for (const float sign : {1.0f, -1.0f}) {
      std::fill(row.begin(), row.end(), 0.0f);
      row[j] = sign;
      train.append_row(row);
    }
  }
  for (int i = 0; i < 3000; ++i) {  // farther than 1 from the origin, all of them
    for (auto& v : row)
      v = static_cast<float>(1.5 + 3.0 * rng.uniform()) * (rng.uniform() < 0.5 ? -1.0f : 1.0f);
    train.append_row(row);
  }
  Matrix origin(1, 8);
  for (std::size_t clusters : {1, 0, 400}) {
    const knn::ClusterIndex index(train, clusters, 42);
    const std::vector<std::uint32_t> found = index.candidates(origin, 5, 16);
    std::vector<std::uint32_t> rows(found.begin(), found.begin() + 12);
    std::sort(rows.begin(), rows.end());
    for (std::uint32_t j = 0; j < 12; ++j) EXPECT_EQ(rows[j], j) << "clusters " << clusters;
    for (std::size_t j = 12; j < 16; ++j)
      EXPECT_EQ(found[j], knn::kNoRow) << "clusters " << clusters;
  }
  // With no room beyond the k, exactly k of the tied rows.
  const knn::ClusterIndex index(train, 0, 42);
  const std::vector<std::uint32_t> five = index.candidates(origin, 5, 5);
  for (std::uint32_t r : five) EXPECT_LT(r, 12u);
}

}  // namespace
}  // namespace vigil::models
