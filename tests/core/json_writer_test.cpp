#include "vigil/core/json_writer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace vigil {
namespace {

TEST(JsonWriter, CommasAndEscapesComeFromTheStructure) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("a", "x\"y\\z\n");
  w.key("list").begin_array().integer(-1).unsigned_integer(2).number(0.5).boolean(true);
  w.begin_object().end_object().end_array();
  w.field("nan", std::nan(""));
  w.field("f", 0.1f);
  w.end_object();
  EXPECT_EQ(out, R"({"a":"x\"y\\z\u000a","list":[-1,2,0.5,true,{}],"nan":null,"f":0.1})");
  EXPECT_EQ(nlohmann::json::parse(out)["a"], "x\"y\\z\n");
}

TEST(JsonWriter, BrokenNestingIsABug) {
  std::string out;
  JsonWriter w(out);
  EXPECT_ANY_THROW(w.end_object());
  EXPECT_ANY_THROW(w.key("outside an object"));
}

}  // namespace
}  // namespace vigil
