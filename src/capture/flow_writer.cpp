#include "capture/flow_writer.hpp"

#include "vigil/core/error.hpp"
#include "vigil/core/text_format.hpp"

namespace vigil::capture {

FlowWriter::FlowWriter(std::string format) : csv_(format == "csv") {
  if (format != "csv" && format != "jsonl") throw InputError("output format '" + format + "': expected csv or jsonl");
  for (const auto& name : record_columns()) {
    fields_.push_back(name == "id"          ? Field::kId
                      : name == "proto"     ? Field::kProto
                      : name == "service"   ? Field::kService
                      : name == "state"     ? Field::kState
                      : name == "srcip"     ? Field::kSrcip
                      : name == "dstip"     ? Field::kDstip
                      : name == "sport"     ? Field::kSport
                      : name == "dsport"    ? Field::kDsport
                      : name == "stime"     ? Field::kStime
                      : name == "ltime"     ? Field::kLtime
                      : name == "app_proto" ? Field::kAppProto
                                            : Field::kNumeric);
  }
}

std::string FlowWriter::header() const {
  if (!csv_) return {};
  std::string line;
  for (const auto& c : record_columns()) {
    if (!line.empty()) line += ',';
    line += c;
  }
  return line + '\n';
}

void FlowWriter::format(const FlowRecord& r, std::string& out) const {
  const auto& columns = record_columns();
  // Column order: id, dur, proto, service, state, then the numeric columns
  // from spkts, then the identifiers and app_proto.
  std::size_t numeric = 0;
  if (!csv_) out += '{';
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ',';
    if (!csv_) {
      append_json_text(out, columns[i]);
      out += ':';
    }
    auto text = [&](const std::string& s) { csv_ ? append_csv_text(out, s) : append_json_text(out, s); };
    switch (fields_[i]) {
      case Field::kId: append_number(out, static_cast<double>(r.id)); break;
      case Field::kProto: text(r.proto); break;
      case Field::kService: text(r.service); break;
      case Field::kState: text(r.state); break;
      case Field::kSrcip: text(r.srcip); break;
      case Field::kDstip: text(r.dstip); break;
      case Field::kSport: append_number(out, r.sport); break;
      case Field::kDsport: append_number(out, r.dsport); break;
      case Field::kStime: append_number(out, r.stime); break;
      case Field::kLtime: append_number(out, r.ltime); break;
      case Field::kAppProto: text(r.app_proto); break;
      case Field::kNumeric: append_number(out, r.numeric[numeric++]); break;
    }
  }
  out += csv_ ? "\n" : "}\n";
}

}  // namespace vigil::capture
