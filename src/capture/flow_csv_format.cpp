// CSV: a header of record_columns(), then one row per flow (RFC 4180 quoting).
#include "capture/flow_formats_list.hpp"
#include "capture/flow_values.hpp"
#include "vigil/core/text_format.hpp"

namespace vigil::capture {
namespace {

class CsvFlowFormat final : public FlowFormat {
 public:
  std::string header() const override {
    std::string line;
    for (const auto& c : record_columns()) {
      if (!line.empty()) line += ',';
      line += c;
    }
    return line + '\n';
  }

  void format(const FlowRecord& r, std::string& out) const override {
    bool first = true;
    const auto separate = [&] {
      if (!first) out += ',';
      first = false;
    };
    values_.visit(
        r,
        [&](const std::string&, const std::string& v) {
          separate();
          append_csv_text(out, v);
        },
        [&](const std::string&, double v) {
          separate();
          append_number(out, v);
        });
    out += '\n';
  }

 private:
  FlowValues values_;
};

}  // namespace

std::unique_ptr<FlowFormat> make_csv_flow_format() { return std::make_unique<CsvFlowFormat>(); }

}  // namespace vigil::capture
