// Writes that never leave a half-written file: write a temporary file beside the
// target, flush it to disk, then rename it over the target.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace vigil::io {

void write_file_atomic(const std::string& path, std::span<const std::uint8_t> bytes);
void write_file_atomic(const std::string& path, std::string_view text);

}  // namespace vigil::io
