// The flow formats' factories, one per file (flow_csv_format.cpp,
// flow_jsonl_format.cpp), registered in flow_formats.cpp.
#pragma once

#include <memory>

#include "vigil/capture/flow_formats.hpp"

namespace vigil::capture {

std::unique_ptr<FlowFormat> make_csv_flow_format();
std::unique_ptr<FlowFormat> make_jsonl_flow_format();

}  // namespace vigil::capture
