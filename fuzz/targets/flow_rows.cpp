#include <cstdio>

#include "fuzz/targets.hpp"
#include "vigil/core/error.hpp"
#include "vigil/detect/flow_reader.hpp"

namespace vigil::fuzz {

void flow_rows(Bytes input) {
  std::string text(reinterpret_cast<const char*>(input.data()), input.size());
  if (text.empty()) text.push_back('\n');  // fmemopen refuses an empty buffer
  std::FILE* in = fmemopen(text.data(), text.size(), "r");
  if (in == nullptr) return;
  try {
    detect::FlowCsvReader reader(in, "fuzz-flows");
    capture::FlowRecord flow;
    while (reader.next(flow)) {
    }
  } catch (const Error&) {
  }
  std::fclose(in);
}

}  // namespace vigil::fuzz
