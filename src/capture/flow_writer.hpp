// Formats flow records as CSV (a header, then one row per flow) or JSON lines.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "capture/flow_features.hpp"

namespace vigil::capture {

class FlowWriter {
 public:
  explicit FlowWriter(std::string format);  // "csv" or "jsonl"
  std::string header() const;               // empty for JSON lines
  // Appends one record's text to `out`.
  void format(const FlowRecord& r, std::string& out) const;

 private:
  bool csv_;
  std::vector<RecordColumn> fields_;  // what each column holds, worked out once from its name
};

}  // namespace vigil::capture
