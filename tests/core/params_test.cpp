#include "vigil/core/params.hpp"

#include <gtest/gtest.h>

#include "vigil/core/error.hpp"
#include "vigil/core/param_fields.hpp"

namespace vigil {
namespace {

struct TestParams {
  enum class Metric { kL1, kL2 };
  long k = 0;
  double alpha = 0;
  Metric metric = Metric::kL1;
  bool shuffle = false;
  std::vector<long> sizes;
};

const ParamFields<TestParams>& fields() {
  using P = TestParams;
  static const auto fields =
      ParamFields<P>()
          .integer("k", &P::k, 5, 1, 100, "neighbours")
          .alias("neighbours")
          .real("alpha", &P::alpha, 0.5, 0.0, 1.0, "weight")
          .choice("metric", &P::metric, P::Metric::kL2,
                  {{P::Metric::kL1, "l1"}, {P::Metric::kL2, "l2"}}, "distance")
          .flag("shuffle", &P::shuffle, true, "shuffle rows")
          .int_list("sizes", &P::sizes, "3,4", 1, 10, "layer sizes");
  return fields;
}

ParamSet make() { return ParamSet("model t", fields().specs()); }

TEST(ParamSet, DefaultsAndValidSettingsBindToTheStruct) {
  ParamSet p = make();
  TestParams t = fields().bind(p);
  EXPECT_EQ(t.k, 5);
  EXPECT_DOUBLE_EQ(t.alpha, 0.5);
  EXPECT_EQ(t.metric, TestParams::Metric::kL2);
  EXPECT_TRUE(t.shuffle);
  EXPECT_EQ(t.sizes, (std::vector<long>{3, 4}));
  p.set_assignment("k=7");
  p.set("metric", "l1");
  p.set("shuffle", "off");
  p.set("sizes", "10,1,2");
  t = fields().bind(p);
  EXPECT_EQ(t.k, 7);
  EXPECT_EQ(t.metric, TestParams::Metric::kL1);
  EXPECT_FALSE(t.shuffle);
  EXPECT_EQ(t.sizes, (std::vector<long>{10, 1, 2}));
  EXPECT_EQ(p.text("metric"), "l1");
}

// A renamed parameter: the old name still sets it (command lines, model files
// written before the rename), and the value is kept and saved under the new one.
TEST(ParamSet, AnAliasSetsTheFieldUnderItsNewName) {
  ParamSet p = make();
  p.set("neighbours", "9");
  EXPECT_EQ(fields().bind(p).k, 9);
  EXPECT_EQ(p.values().count("neighbours"), 0u);
  EXPECT_EQ(p.values().at("k"), "9");
  EXPECT_THROW(p.set("neighbours", "101"), ParamError);  // checked as k is
  EXPECT_NE(p.describe().find("(also read as neighbours)"), std::string::npos);

  ParamSet old("model t", {ParamSpec::integer("neighbours", 5, 1, 100, "neighbours")});
  old.set("neighbours", "11");
  ByteWriter w;
  old.save(w);
  ParamSet loaded = make();
  ByteReader r(w.bytes(), "test");
  loaded.load(r);
  EXPECT_EQ(fields().bind(loaded).k, 11);
}

TEST(ParamFields, AnAliasNeedsAFieldBeforeIt) {
  EXPECT_THROW(ParamFields<TestParams>().alias("x"), InternalError);
}

TEST(ParamSet, RejectsUnknownNamesBadValuesAndRanges) {
  ParamSet p = make();
  EXPECT_THROW(p.set("kk", "3"), ParamError);
  EXPECT_THROW(p.set("k", "3.5"), ParamError);
  EXPECT_THROW(p.set("k", "0"), ParamError);
  EXPECT_THROW(p.set("alpha", "abc"), ParamError);
  EXPECT_THROW(p.set("metric", "cosine"), ParamError);
  EXPECT_THROW(p.set_assignment("k"), ParamError);
  try {
    p.set("kk", "3");
  } catch (const ParamError& e) {
    EXPECT_NE(std::string(e.what()).find("known: k, alpha, metric, shuffle, sizes"),
              std::string::npos);
  }
}

TEST(ParamSet, SaveLoadRoundTrip) {
  ParamSet p = make();
  p.set("k", "9");
  ByteWriter w;
  p.save(w);
  ParamSet q = make();
  ByteReader r(w.bytes(), "test");
  q.load(r);
  EXPECT_EQ(fields().bind(q).k, 9);
  EXPECT_TRUE(r.at_end());
}

// Found by the registry-driven model tests: a double rounds 2^53 + 1 down to
// 2^53, which passed a range check ending at 2^53.
TEST(Params, WholeNumbersPastTwoToTheFiftyThreeAreComparedExactly) {
  ParamSet p("model x", {ParamSpec::integer("seed", 1, 0, 9007199254740992L, "seed")});
  EXPECT_NO_THROW(p.set("seed", "9007199254740992"));
  EXPECT_THROW(p.set("seed", "9007199254740993"), ParamError);
  EXPECT_THROW(p.set("seed", "99999999999999999999999"), ParamError);
}

}  // namespace
}  // namespace vigil
