// The formats `vigil extract` writes flows in, one class each (flow_csv_format.cpp,
// flow_jsonl_format.cpp) in one registry: --format's choices and its help come
// from it, so a new format is one file and one line in flow_formats.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vigil/capture/flow_record.hpp"

namespace vigil::capture {

class FlowFormat {
 public:
  virtual ~FlowFormat() = default;
  // Written once before the first flow (CSV's header; empty for JSON lines).
  virtual std::string header() const = 0;
  // Appends one flow's text, its line end included.
  virtual void format(const FlowRecord& r, std::string& out) const = 0;
};

struct FlowFormatInfo {
  std::string name;
  std::string description;
  std::unique_ptr<FlowFormat> (*make)();
};

const std::vector<FlowFormatInfo>& flow_formats();
std::vector<std::string> flow_format_names();
// The format named `name`; InputError listing the formats when there is none.
std::unique_ptr<FlowFormat> make_flow_format(const std::string& name);

}  // namespace vigil::capture
