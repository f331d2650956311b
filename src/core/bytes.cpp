#include "vigil/core/bytes.hpp"

#include <cstring>

#include "vigil/core/error.hpp"

namespace vigil {

void fail_check(const char* expr, const char* file, int line, const std::string& why) {
  throw InternalError(std::string("internal error: ") + why + " (" + expr + " failed at " + file +
                      ":" + std::to_string(line) + ")");
}

void ByteWriter::raw(const void* p, std::size_t n) {
  if (n == 0) return;
  const auto* b = static_cast<const std::uint8_t*>(p);
  bytes_.insert(bytes_.end(), b, b + n);
}

void ByteWriter::str(std::string_view s) {
  u64(s.size());
  raw(s.data(), s.size());
}

void ByteWriter::floats(std::span<const float> v) {
  u64(v.size());
  raw(v.data(), v.size_bytes());
}

void ByteWriter::doubles(std::span<const double> v) {
  u64(v.size());
  raw(v.data(), v.size_bytes());
}

void ByteWriter::ints(std::span<const std::int32_t> v) {
  u64(v.size());
  raw(v.data(), v.size_bytes());
}

void ByteWriter::strings(std::span<const std::string> v) {
  u64(v.size());
  for (const auto& s : v) str(s);
}

void ByteReader::fail(std::string_view why) const {
  throw ModelFormatError(context_ + ": " + std::string(why));
}

void ByteReader::raw(void* p, std::size_t n) {
  if (n == 0) return;  // an empty vector's data() may be null, which memcpy must not see
  if (n > remaining()) fail("truncated (needed " + std::to_string(n) + " more bytes)");
  std::memcpy(p, bytes_.data() + pos_, n);
  pos_ += n;
}

void ByteReader::skip(std::size_t n) {
  if (n > remaining()) fail("truncated (needed " + std::to_string(n) + " more bytes)");
  pos_ += n;
}

std::uint8_t ByteReader::u8() {
  std::uint8_t v;
  raw(&v, sizeof v);
  return v;
}
std::uint32_t ByteReader::u32() {
  std::uint32_t v;
  raw(&v, sizeof v);
  return v;
}
std::uint64_t ByteReader::u64() {
  std::uint64_t v;
  raw(&v, sizeof v);
  return v;
}
std::int32_t ByteReader::i32() {
  std::int32_t v;
  raw(&v, sizeof v);
  return v;
}
float ByteReader::f32() {
  float v;
  raw(&v, sizeof v);
  return v;
}
double ByteReader::f64() {
  double v;
  raw(&v, sizeof v);
  return v;
}

std::uint64_t ByteReader::count(std::uint64_t max, std::string_view what) {
  const std::uint64_t n = u64();
  if (n > max) {
    fail("implausible " + std::string(what) + " count " + std::to_string(n));
  }
  return n;
}

std::string ByteReader::str() {
  const auto n = count(remaining(), "string length");
  std::string s(n, '\0');
  raw(s.data(), n);
  return s;
}

std::vector<float> ByteReader::floats() {
  const auto n = count(remaining() / sizeof(float), "float");
  std::vector<float> v(n);
  raw(v.data(), n * sizeof(float));
  return v;
}

std::vector<double> ByteReader::doubles() {
  const auto n = count(remaining() / sizeof(double), "double");
  std::vector<double> v(n);
  raw(v.data(), n * sizeof(double));
  return v;
}

std::vector<std::int32_t> ByteReader::ints() {
  const auto n = count(remaining() / sizeof(std::int32_t), "integer");
  std::vector<std::int32_t> v(n);
  raw(v.data(), n * sizeof(std::int32_t));
  return v;
}

std::vector<std::string> ByteReader::strings() {
  const auto n = count(remaining() / sizeof(std::uint64_t), "string");
  std::vector<std::string> v;
  v.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) v.push_back(str());
  return v;
}

}  // namespace vigil
