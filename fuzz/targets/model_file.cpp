#include "vigil/io/model_file.hpp"

#include <zlib.h>

#include <cstring>

#include "fuzz/targets.hpp"
#include "vigil/core/error.hpp"

namespace vigil::fuzz {
namespace {

// The model file's header: magic, version, section count, payload size, CRC-32.
constexpr std::size_t kHeaderSize = 8 + 4 + 4 + 8 + 4;

// A mutated payload would almost always fail the checksum and stop there;
// restamping the size and CRC lets the fuzzer reach every section's reader
// (the checksum itself is checked by the model file's tests).
void restamp(std::vector<std::uint8_t>& bytes) {
  if (bytes.size() < kHeaderSize || std::memcmp(bytes.data(), "VIGILMDL", 8) != 0) return;
  const std::uint64_t payload = bytes.size() - kHeaderSize;
  std::memcpy(bytes.data() + 16, &payload, sizeof payload);
  const auto crc = static_cast<std::uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), bytes.data() + kHeaderSize, static_cast<uInt>(payload)));
  std::memcpy(bytes.data() + 24, &crc, sizeof crc);
}

// One row of the model's own input columns: zeros and an unseen category.
data::Table one_row(const io::ModelBundle& bundle) {
  data::Table t;
  t.source = "fuzz-row";
  t.line_numbers = {1};
  for (const auto& [name, type] : bundle.expected_features()) {
    data::Column c{name, type, {}, {}};
    if (type == data::ColumnType::kNumeric) {
      c.numbers = {0.0f};
    } else {
      c.strings = {"x"};
    }
    t.columns.push_back(std::move(c));
  }
  return t;
}

}  // namespace

void model_file(Bytes input) {
  std::vector<std::uint8_t> bytes(input.begin(), input.end());
  restamp(bytes);
  io::ModelBundle bundle;
  try {
    bundle = io::decode_model(bytes, "fuzz.vgm");
  } catch (const Error&) {
    return;
  }
  // A model that loads must be usable: predicting must not read out of bounds.
  try {
    bundle.predict_proba(one_row(bundle));
    if (bundle.anomaly) bundle.anomaly->score(bundle.pipeline.transform(one_row(bundle)));
  } catch (const Error&) {
  }
}

}  // namespace vigil::fuzz
