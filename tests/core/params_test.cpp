#include "vigil/core/params.hpp"

#include <gtest/gtest.h>

#include "vigil/core/error.hpp"

namespace vigil {
namespace {

ParamSet make() {
  return ParamSet("model t", {ParamSpec::integer("k", 5, 1, 100, "neighbours"),
                              ParamSpec::real("alpha", 0.5, 0.0, 1.0, "weight"),
                              ParamSpec::choice("metric", "l2", {"l1", "l2"}, "distance")});
}

TEST(ParamSet, DefaultsAndValidSettings) {
  ParamSet p = make();
  EXPECT_EQ(p.integer("k"), 5);
  EXPECT_DOUBLE_EQ(p.real("alpha"), 0.5);
  p.set_assignment("k=7");
  p.set("metric", "l1");
  EXPECT_EQ(p.integer("k"), 7);
  EXPECT_EQ(p.text("metric"), "l1");
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
    EXPECT_NE(std::string(e.what()).find("known: k, alpha, metric"), std::string::npos);
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
  EXPECT_EQ(q.integer("k"), 9);
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
