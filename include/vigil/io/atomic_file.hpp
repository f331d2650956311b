// Writes that never leave a half-written file: write a temporary file beside the
// target, flush it to disk, then rename it over the target.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace vigil::io {

// An existing target that is not a regular file (a device such as /dev/null,
// a FIFO) is written in place: renaming over it would replace the device.
void write_file_atomic(const std::string& path, std::span<const std::uint8_t> bytes);
void write_file_atomic(const std::string& path, std::string_view text);

// True when `path` exists and is neither a regular file nor a directory.
bool is_special_file(const std::string& path);

}  // namespace vigil::io
