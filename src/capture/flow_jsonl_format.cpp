// JSON lines: one object per flow, keyed by record_columns().
#include "capture/flow_formats_list.hpp"
#include "capture/flow_values.hpp"
#include "vigil/core/text_format.hpp"

namespace vigil::capture {
namespace {

class JsonLinesFlowFormat final : public FlowFormat {
 public:
  std::string header() const override { return {}; }

  void format(const FlowRecord& r, std::string& out) const override {
    out += '{';
    bool first = true;
    const auto key = [&](const std::string& name) {
      if (!first) out += ',';
      first = false;
      append_json_text(out, name);
      out += ':';
    };
    values_.visit(
        r,
        [&](const std::string& name, const std::string& v) {
          key(name);
          append_json_text(out, v);
        },
        [&](const std::string& name, double v) {
          key(name);
          append_number(out, v);
        });
    out += "}\n";
  }

 private:
  FlowValues values_;
};

}  // namespace

std::unique_ptr<FlowFormat> make_jsonl_flow_format() {
  return std::make_unique<JsonLinesFlowFormat>();
}

}  // namespace vigil::capture
