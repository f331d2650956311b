// File checksums for reports: the SHA-256 that dataset pages publish, so a
// reader can tell which copy of the data a result came from.
#pragma once

#include <string>

namespace vigil::io {

// The SHA-256 of the file's bytes, as 64 lowercase hex digits. Throws
// InputError naming the file when it cannot be read.
std::string sha256_file(const std::string& path);

}  // namespace vigil::io
