// What every registered anomaly detector promises, without a list kept by
// hand: it flags about its false-positive budget of its training rows and
// far more of rows unlike them, scores the same after a save/load round trip
// and under its seed, and refuses parameters outside their declared ranges.
#include <gtest/gtest.h>

#include "models/fixtures.hpp"
#include "vigil/core/error.hpp"
#include "vigil/models/anomaly.hpp"

namespace vigil::models {
namespace {

using vigil::testing::blobs;

// One blob's rows (class 0 of three well-apart blobs) as the normal traffic.
Matrix normal_rows(std::uint64_t seed) {
  const auto data = blobs(3, 150, 4, seed);
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < data.y.size(); ++i) {
    if (data.y[i] == 0) rows.push_back(i);
  }
  return data.x.select_rows(rows);
}

Matrix other_rows(std::uint64_t seed) {
  const auto data = blobs(3, 50, 4, seed);
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < data.y.size(); ++i) {
    if (data.y[i] != 0) rows.push_back(i);
  }
  return data.x.select_rows(rows);
}

double flagged_share(const AnomalyDetector& d, const Matrix& x) {
  std::size_t n = 0;
  for (auto f : d.flag(x)) n += f;
  return static_cast<double>(n) / static_cast<double>(x.rows());
}

class EveryDetector : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryDetector, FlagsRowsUnlikeItsTrainingRows) {
  auto d = make_anomaly_detector(GetParam());
  d->fit(normal_rows(1));
  EXPECT_LE(d->training_flag_rate(), 0.10);
  EXPECT_GE(flagged_share(*d, other_rows(2)), 0.9);
}

TEST_P(EveryDetector, ScoresIdenticallyAfterSaveLoad) {
  auto d = make_anomaly_detector(GetParam());
  d->fit(normal_rows(3));
  ByteWriter w;
  d->save(w);
  auto back = make_anomaly_detector(GetParam());
  ByteReader r(w.bytes(), "test");
  back->load(r);
  const Matrix x = other_rows(4);
  EXPECT_EQ(back->score(x), d->score(x));
  EXPECT_EQ(back->threshold(), d->threshold());
}

TEST_P(EveryDetector, ReproducibleUnderSeed) {
  auto a = make_anomaly_detector(GetParam());
  auto b = make_anomaly_detector(GetParam());
  a->fit(normal_rows(5));
  b->fit(normal_rows(5));
  const Matrix x = other_rows(6);
  EXPECT_EQ(a->score(x), b->score(x));
}

TEST_P(EveryDetector, RefusesEveryParameterOutsideItsDeclaredRange) {
  for (const ParamSpec& spec : anomaly_param_specs(GetParam())) {
    const std::string bad =
        spec.kind == ParamSpec::Kind::kChoice || spec.kind == ParamSpec::Kind::kChoiceList
            ? "no-such-choice"
        : spec.kind == ParamSpec::Kind::kInt ? std::to_string(static_cast<long long>(spec.max) + 1)
                                             : std::to_string(spec.max * 2 + 1);
    EXPECT_THROW(make_anomaly_detector(GetParam(), {spec.name + "=" + bad}), ParamError)
        << spec.name << "=" << bad;
  }
  EXPECT_THROW(make_anomaly_detector(GetParam(), {"no_such_parameter=1"}), ParamError);
}

INSTANTIATE_TEST_SUITE_P(Detectors, EveryDetector, ::testing::ValuesIn(anomaly_detector_names()));

TEST(Detectors, RegistryDescribesEach) {
  for (const auto& d : anomaly_detectors()) {
    EXPECT_FALSE(d.description.empty()) << d.name;
    EXPECT_EQ(make_anomaly_detector(d.name)->name(), d.name);
  }
  EXPECT_THROW(make_anomaly_detector("isolation-typo"), ParamError);
}

}  // namespace
}  // namespace vigil::models
