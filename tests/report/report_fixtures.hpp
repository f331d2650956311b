// Inputs for the report tests: a small experiment's JSON (three classes, one
// with a hostile name) and EVE lines of a detection run.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace vigil::testing {

// The class whose name would break unescaped HTML.
inline const std::string kHostileClass = "<b>\"Odd\" & 'x'</b>";

// `vigil experiment --json`'s document for nb and rf (10 trees) on 3 classes
// of `rows` rows, under `protocol` (holdout or paper).
nlohmann::json small_experiment_json(std::size_t rows = 600,
                                     const std::string& protocol = "holdout");

// EVE lines: `alerts` alerts spread over 100 s (types cycling through DoS,
// Reconnaissance and Exploits, confidences 0.55-0.95, reasons), and two stats events, the
// first in the layout of Vigil 0.1.0 (still read), the second in today's.
std::string eve_lines(std::size_t alerts);

}  // namespace vigil::testing
