// The bounds every reader of outside input holds to. Each is checked before
// the allocation it protects, and exceeding one is an InputError naming the
// file and line, never an exhausted machine. docs/input.md says why each is
// where it is.
#pragma once

#include <cstddef>

namespace vigil::data {

// Columns in a CSV header: the model file's own bound on input columns, so
// whatever trains can also be loaded. Flow CSVs have tens of columns; the
// widest feature sets in use (nPrint's bit vectors) stay within it.
inline constexpr std::size_t kMaxColumns = 100'000;
// Bytes in one CSV field, after unquoting: far above any flow feature, label
// or address, and far below what a runaway quoted field could hold.
inline constexpr std::size_t kMaxFieldBytes = 64 * 1024;
// Bytes in one line of a flow stream (`vigil detect --flows`), read as it
// arrives: a stream that never ends a line is refused at this point.
inline constexpr std::size_t kMaxLineBytes = 16 * 1024 * 1024;
// Distinct classes in a label column: above any dataset's attack taxonomy; a
// label column past it is most likely an identifier named by mistake.
inline constexpr std::size_t kMaxClasses = 1'000;

}  // namespace vigil::data
