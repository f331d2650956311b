// What every registered model promises: it learns separable blobs, predicts the
// same after a save/load round trip, and is reproducible under its seed.
#include <gtest/gtest.h>

#include "models/fixtures.hpp"
#include "vigil/core/error.hpp"

namespace vigil::models {
namespace {

using vigil::testing::accuracy;
using vigil::testing::blobs;

class EveryModel : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryModel, LearnsSeparableBlobs) {
  const auto train = blobs(3, 80, 4, 1);
  const auto test = blobs(3, 40, 4, 2);
  auto m = builtin_registry().create(GetParam());
  m->fit(train.x, train.y, 3);
  EXPECT_GT(accuracy(m->predict(test.x), test.y), 0.97);
  const Matrix p = m->predict_proba(test.x);
  for (std::size_t r = 0; r < p.rows(); ++r) {
    float s = 0;
    for (float v : p.row(r)) s += v;
    EXPECT_NEAR(s, 1.0f, 1e-4f);
  }
}

TEST_P(EveryModel, PredictsIdenticallyAfterSaveLoad) {
  const auto train = blobs(3, 60, 3, 3);
  auto m = builtin_registry().create(GetParam());
  m->fit(train.x, train.y, 3);
  const auto back = vigil::testing::round_trip(*m);
  EXPECT_EQ(back->predict_proba(train.x).values(), m->predict_proba(train.x).values());
  EXPECT_EQ(back->predict(train.x), m->predict(train.x));
}

TEST_P(EveryModel, ReproducibleUnderSeed) {
  const auto train = blobs(2, 100, 3, 4);
  auto a = builtin_registry().create(GetParam());
  auto b = builtin_registry().create(GetParam());
  a->fit(train.x, train.y, 2);
  b->fit(train.x, train.y, 2);
  EXPECT_EQ(a->predict_proba(train.x).values(), b->predict_proba(train.x).values());
}

// Each declared numeric range and choice list is enforced where it is bound:
// past either bound, or off the list, is a ParamError naming the parameter.
TEST_P(EveryModel, RefusesEveryParameterOutsideItsDeclaredRange) {
  ParamSet params = builtin_registry().default_params(GetParam());
  for (const ParamSpec& spec : params.specs()) {
    std::vector<std::string> bad;
    if (spec.kind == ParamSpec::Kind::kInt) {
      // Whole numbers just past each bound, so only the range can refuse them.
      bad = {std::to_string(static_cast<long long>(spec.max) + 1),
             std::to_string(static_cast<long long>(spec.min) - 1), "not-a-number"};
    } else if (spec.kind == ParamSpec::Kind::kReal) {
      bad = {std::to_string(spec.max * 2 + 1), std::to_string(spec.min - 1), "not-a-number"};
    } else if (spec.kind == ParamSpec::Kind::kChoice || spec.kind == ParamSpec::Kind::kChoiceList) {
      bad = {"no-such-choice"};
    } else {
      bad = {std::to_string(spec.max * 2 + 1)};
    }
    for (const auto& value : bad) {
      EXPECT_THROW(params.set(spec.name, value), ParamError) << spec.name << "=" << value;
    }
  }
  EXPECT_THROW(params.set("no_such_parameter", "1"), ParamError);
}

// Every registered model, without a list kept by hand: a new model gets these tests.
std::vector<std::string> registered_models() {
  std::vector<std::string> names;
  for (const auto& m : builtin_registry().models()) names.push_back(m.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Models, EveryModel, ::testing::ValuesIn(registered_models()));

}  // namespace
}  // namespace vigil::models
