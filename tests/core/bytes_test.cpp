#include "vigil/core/bytes.hpp"

#include <gtest/gtest.h>

#include "vigil/core/error.hpp"

namespace vigil {
namespace {

TEST(Bytes, RoundTripsEveryType) {
  ByteWriter w;
  w.u8(7);
  w.u32(123456);
  w.i32(-5);
  w.f64(3.25);
  w.str("hello");
  w.floats(std::vector<float>{1.5f, -2.0f});
  w.strings(std::vector<std::string>{"a", "bc"});
  ByteReader r(w.bytes(), "test");
  EXPECT_EQ(r.u8(), 7);
  EXPECT_EQ(r.u32(), 123456u);
  EXPECT_EQ(r.i32(), -5);
  EXPECT_EQ(r.f64(), 3.25);
  EXPECT_EQ(r.str(), "hello");
  EXPECT_EQ(r.floats(), (std::vector<float>{1.5f, -2.0f}));
  EXPECT_EQ(r.strings(), (std::vector<std::string>{"a", "bc"}));
  EXPECT_TRUE(r.at_end());
}

TEST(Bytes, TruncationAndAbsurdCountsAreErrorsNotCrashes) {
  ByteWriter w;
  w.floats(std::vector<float>(10, 1.0f));
  auto bytes = w.bytes();
  bytes.resize(bytes.size() - 3);
  ByteReader r(bytes, "section x");
  EXPECT_THROW(r.floats(), ModelFormatError);

  ByteWriter huge;
  huge.u64(1ULL << 60);  // a string length no file could hold
  ByteReader r2(huge.bytes(), "section y");
  EXPECT_THROW(r2.str(), ModelFormatError);
}

}  // namespace
}  // namespace vigil
