// A streaming JSON writer onto a string: commas, quotes and escapes come from
// its structure, never from hand-written fragments, so every event it writes
// is well-formed whatever its strings hold. It allocates nothing of its own
// (nesting up to kMaxDepth), for per-flow output on the detector's hot path.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace vigil {

class JsonWriter {
 public:
  static constexpr std::size_t kMaxDepth = 16;

  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // The key of the next value, inside an object.
  JsonWriter& key(std::string_view name);

  JsonWriter& string(std::string_view value);
  JsonWriter& number(double value);  // null when not finite (JSON has no NaN)
  JsonWriter& number(float value);   // in the fewest digits that read back as the float
  JsonWriter& integer(std::int64_t value);
  JsonWriter& unsigned_integer(std::uint64_t value);
  JsonWriter& boolean(bool value);

  // key(name) then the value, for the common case.
  template <typename T>
  JsonWriter& field(std::string_view name, const T& value) {
    key(name);
    return value_of(value);
  }

 private:
  void before_value();
  JsonWriter& value_of(std::string_view v) { return string(v); }
  JsonWriter& value_of(const std::string& v) { return string(v); }
  JsonWriter& value_of(const char* v) { return string(v); }
  JsonWriter& value_of(double v) { return number(v); }
  JsonWriter& value_of(float v) { return number(v); }
  JsonWriter& value_of(bool v) { return boolean(v); }
  JsonWriter& value_of(int v) { return integer(v); }
  JsonWriter& value_of(long v) { return integer(v); }
  JsonWriter& value_of(long long v) { return integer(v); }
  JsonWriter& value_of(unsigned v) { return unsigned_integer(v); }
  JsonWriter& value_of(unsigned long v) { return unsigned_integer(v); }
  JsonWriter& value_of(unsigned long long v) { return unsigned_integer(v); }
  JsonWriter& value_of(unsigned short v) { return unsigned_integer(v); }

  std::string& out_;
  std::array<bool, kMaxDepth> has_items_{};  // per open container: a value written already
  std::size_t depth_ = 0;
  bool after_key_ = false;
};

}  // namespace vigil
