#include "vigil/core/json_writer.hpp"

#include <charconv>

#include "vigil/core/error.hpp"
#include "vigil/core/text_format.hpp"

namespace vigil {

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ > 0) {
    if (has_items_[depth_ - 1]) out_ += ',';
    has_items_[depth_ - 1] = true;
  }
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  VIGIL_CHECK(depth_ < kMaxDepth, "JsonWriter: nested deeper than kMaxDepth");
  has_items_[depth_++] = false;
  out_ += '{';
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  VIGIL_CHECK(depth_ > 0 && !after_key_, "JsonWriter: end_object without an open object");
  --depth_;
  out_ += '}';
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  VIGIL_CHECK(depth_ < kMaxDepth, "JsonWriter: nested deeper than kMaxDepth");
  has_items_[depth_++] = false;
  out_ += '[';
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  VIGIL_CHECK(depth_ > 0 && !after_key_, "JsonWriter: end_array without an open array");
  --depth_;
  out_ += ']';
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  VIGIL_CHECK(depth_ > 0 && !after_key_, "JsonWriter: a key outside an object");
  before_value();
  append_json_text(out_, name);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view value) {
  before_value();
  append_json_text(out_, value);
  return *this;
}

JsonWriter& JsonWriter::number(double value) {
  before_value();
  append_json_number(out_, value);
  return *this;
}

JsonWriter& JsonWriter::number(float value) {
  before_value();
  append_json_float(out_, value);
  return *this;
}

JsonWriter& JsonWriter::integer(std::int64_t value) {
  before_value();
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out_.append(buffer, end);
  return *this;
}

JsonWriter& JsonWriter::unsigned_integer(std::uint64_t value) {
  before_value();
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out_.append(buffer, end);
  return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
  before_value();
  out_ += value ? "true" : "false";
  return *this;
}

}  // namespace vigil
