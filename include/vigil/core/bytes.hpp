// Little-endian binary encoding for model-file sections. Every component saves
// itself through ByteWriter and loads through ByteReader, which checks bounds
// and reports a truncated or corrupted section by name instead of crashing.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

class ByteWriter {
 public:
  void u8(std::uint8_t v) { bytes_.push_back(v); }
  void u32(std::uint32_t v) { raw(&v, sizeof v); }
  void u64(std::uint64_t v) { raw(&v, sizeof v); }
  void i32(std::int32_t v) { raw(&v, sizeof v); }
  void f32(float v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  void str(std::string_view s);
  void floats(std::span<const float> v);
  void doubles(std::span<const double> v);
  void ints(std::span<const std::int32_t> v);
  void strings(std::span<const std::string> v);

  const std::vector<std::uint8_t>& bytes() const { return bytes_; }
  std::vector<std::uint8_t> take() { return std::move(bytes_); }

 private:
  void raw(const void* p, std::size_t n);
  std::vector<std::uint8_t> bytes_;
};

// Whether `size` equals a * b, without the product wrapping around 64 bits:
// sizes read from a model file are outside input, and a crafted pair whose
// product wraps could match a short array (found by fuzzing).
inline bool size_is_product(std::size_t size, std::uint64_t a, std::uint64_t b) {
  if (a == 0 || b == 0) return size == 0;
  return size % a == 0 && size / a == b;
}

class ByteReader {
 public:
  // `context` names what is being read (e.g. "model file x.vgm, section pipeline").
  ByteReader(std::span<const std::uint8_t> bytes, std::string context)
      : bytes_(bytes), context_(std::move(context)) {}

  std::uint8_t u8();
  std::uint32_t u32();
  std::uint64_t u64();
  std::int32_t i32();
  float f32();
  double f64();
  std::string str();
  std::vector<float> floats();
  std::vector<double> doubles();
  std::vector<std::int32_t> ints();
  std::vector<std::string> strings();
  // Steps over n bytes (a section another reader takes).
  void skip(std::size_t n);

  // A count that must not exceed `max`, to refuse absurd sizes from corrupt files.
  std::uint64_t count(std::uint64_t max, std::string_view what);
  bool at_end() const { return pos_ == bytes_.size(); }
  std::size_t remaining() const { return bytes_.size() - pos_; }
  const std::string& context() const { return context_; }
  [[noreturn]] void fail(std::string_view why) const;
  // The format version of the file being read, for states whose layout grew
  // over versions; 0 (the default) means the newest.
  std::uint32_t version() const { return version_; }
  bool at_least(std::uint32_t v) const { return version_ == 0 || version_ >= v; }
  void set_version(std::uint32_t v) { version_ = v; }

 private:
  void raw(void* p, std::size_t n);
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
  std::string context_;
  std::uint32_t version_ = 0;
};

}  // namespace vigil
