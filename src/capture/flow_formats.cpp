#include "vigil/capture/flow_formats.hpp"

#include "capture/flow_formats_list.hpp"
#include "capture/flow_values.hpp"
#include "vigil/core/error.hpp"

namespace vigil::capture {

FlowValues::FlowValues() {
  for (const auto& name : record_columns()) fields_.push_back(record_column(name));
}

const std::vector<FlowFormatInfo>& flow_formats() {
  static const std::vector<FlowFormatInfo> formats = {
      {"csv", "a header, then one row per flow (UNSW-NB15's partition files' columns first)",
       make_csv_flow_format},
      {"jsonl", "JSON lines: one object per flow, keyed by column name", make_jsonl_flow_format},
  };
  return formats;
}

std::vector<std::string> flow_format_names() {
  std::vector<std::string> out;
  for (const auto& f : flow_formats()) out.push_back(f.name);
  return out;
}

std::unique_ptr<FlowFormat> make_flow_format(const std::string& name) {
  std::string known;
  for (const auto& f : flow_formats()) {
    if (f.name == name) return f.make();
    known += (known.empty() ? "" : ", ") + f.name;
  }
  throw InputError("output format '" + name + "': expected one of " + known);
}

}  // namespace vigil::capture
