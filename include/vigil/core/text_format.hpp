// Appending numbers and quoted text to CSV and JSON output without allocation
// beyond the output string itself.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

// The shortest text that reads back as the same double ("nan"/"inf" as is).
void append_number(std::string& out, double v);
// A JSON number, or null for NaN and infinities (which JSON cannot hold).
void append_json_number(std::string& out, double v);
// The same for a float, in the fewest digits that read back as that float
// (a probability prints as 0.41653174, not 0.4165317416191101).
void append_json_float(std::string& out, float v);
// A CSV cell, quoted (RFC 4180) only when it holds a comma, quote or line break.
void append_csv_text(std::string& out, std::string_view s);
// A JSON string with its quotes; control characters escaped.
void append_json_text(std::string& out, std::string_view s);

}  // namespace vigil
