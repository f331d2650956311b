#include "vigil/models/anomaly.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "models/dbscan_detector.hpp"
#include "models/fixtures.hpp"
#include "models/kmeans.hpp"
#include "models/kmeans_detector.hpp"
#include "vigil/core/error.hpp"

namespace vigil::models {
namespace {

TEST(KMeans, FindsTheCentresOfSeparatedBlobs) {
  // blobs(): centres (10c, -5c, 0).
  const auto p = testing::blobs(3, 200, 3, 5);
  KMeansOptions o;
  o.clusters = 3;
  const KMeansResult r = kmeans(p.x, o);
  EXPECT_TRUE(r.converged);
  for (int c = 0; c < 3; ++c) {
    double nearest = 1e9;
    for (std::size_t k = 0; k < 3; ++k) {
      nearest =
          std::min(nearest, std::hypot(r.centres(k, 0) - 10.0 * c, r.centres(k, 1) + 5.0 * c));
    }
    EXPECT_LT(nearest, 0.3) << "blob " << c;
  }
  // Every blob's rows share one cluster.
  for (int c = 0; c < 3; ++c) {
    for (int i = 1; i < 200; ++i) EXPECT_EQ(r.assignment[c * 200 + i], r.assignment[c * 200]);
  }
}

TEST(KMeans, SameSeedSameCentres) {
  const auto p = testing::blobs(4, 100, 5, 9);
  KMeansOptions o;
  o.clusters = 6;
  o.restarts = 3;
  const KMeansResult a = kmeans(p.x, o), b = kmeans(p.x, o);
  EXPECT_EQ(a.centres.values(), b.centres.values());
  EXPECT_EQ(a.inertia, b.inertia);
}

TEST(KMeansDetector, FlagsFarRowsAtTheAskedRate) {
  const auto normal = testing::blobs(2, 500, 4, 3);
  auto d = make_anomaly_detector("kmeans", {"clusters=2", "fpr=0.1"});
  d->fit(normal.x);
  EXPECT_NEAR(d->training_flag_rate(), 0.1, 0.002);
  Matrix probe(2, 4, 0.0f);
  probe(1, 0) = 100;  // far from both blobs
  const auto flags = d->flag(probe);
  EXPECT_EQ(flags[0], 0);
  EXPECT_EQ(flags[1], 1);

  ByteWriter w;
  d->save(w);
  auto loaded = make_anomaly_detector("kmeans");
  ByteReader r(w.bytes(), "test");
  loaded->load(r);
  EXPECT_EQ(loaded->score(normal.x), d->score(normal.x));
  EXPECT_EQ(loaded->threshold(), d->threshold());
  Matrix narrow(1, 3);
  EXPECT_THROW(d->score(narrow), InputError);
}

Matrix wave(int rows) {
  Matrix x(static_cast<std::size_t>(rows), 2);
  for (int i = 0; i < rows; ++i) {
    x(static_cast<std::size_t>(i), 0) = static_cast<float>(std::sin(i) * 3);
    x(static_cast<std::size_t>(i), 1) = static_cast<float>(std::cos(i * 1.7) * 3);
  }
  return x;
}

TEST(DbscanDetector, CoreRowsAndClustersMatchScikitLearn) {
  // Reference: sklearn.cluster.DBSCAN(eps=0.4, min_samples=5) on the same 300
  // rows (/usr/bin/python3, Debian's scikit-learn 1.2): 132 core samples, 14 clusters, 119 noise
  // rows.
  const Matrix x = wave(300);
  auto d = make_anomaly_detector("dbscan", {"eps=0.4", "min_samples=5"});
  d->fit(x);
  const auto& db = dynamic_cast<const DbscanDetector&>(*d);
  EXPECT_EQ(db.core_rows(), 132u);
  EXPECT_EQ(db.clusters(), 14u);
  std::size_t noise = 0;
  for (auto f : d->flag(x)) noise += f;
  EXPECT_EQ(noise, 119u);
  EXPECT_DOUBLE_EQ(d->threshold(), 0.4);
}

TEST(DbscanDetector, DuplicatesCountTowardsDensityAndSurviveSaveLoad) {
  Matrix x(0, 2);
  const float point[2] = {1, 1}, lone[2] = {5, 5};
  for (int i = 0; i < 5; ++i) x.append_row(point);
  x.append_row(lone);
  auto d = make_anomaly_detector("dbscan", {"eps=0.5", "min_samples=5"});
  d->fit(x);
  EXPECT_EQ(d->flag(x), (std::vector<std::uint8_t>{0, 0, 0, 0, 0, 1}));
  ByteWriter w;
  d->save(w);
  auto loaded = make_anomaly_detector("dbscan");
  ByteReader r(w.bytes(), "test");
  loaded->load(r);
  EXPECT_EQ(loaded->score(x), d->score(x));
  EXPECT_THROW(make_anomaly_detector("isolation-forest"), ParamError);
}

}  // namespace
}  // namespace vigil::models

namespace vigil::models {
namespace {

TEST(DbscanDetector, ChosenEpsLeavesAboutTheAskedShareOutside) {
  const auto p = testing::blobs(3, 400, 4, 11);
  auto d = make_anomaly_detector("dbscan", {"fpr=0.1"});
  d->fit(p.x);
  // Rows that are not core but lie within eps of one are border rows, not
  // flagged: the flagged share is at most the asked one.
  EXPECT_LE(d->training_flag_rate(), 0.1);
  EXPECT_GT(d->training_flag_rate(), 0.0);
  EXPECT_GT(dynamic_cast<const DbscanDetector&>(*d).eps(), 0.0);
}

}  // namespace
}  // namespace vigil::models
