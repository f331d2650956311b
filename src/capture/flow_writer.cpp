#include "capture/flow_writer.hpp"

#include "vigil/core/error.hpp"
#include "vigil/core/text_format.hpp"

namespace vigil::capture {

FlowWriter::FlowWriter(std::string format) : csv_(format == "csv") {
  if (format != "csv" && format != "jsonl")
    throw InputError("output format '" + format + "': expected csv or jsonl");
  for (const auto& name : record_columns()) fields_.push_back(record_column(name));
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
  if (!csv_) out += '{';
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ',';
    if (!csv_) {
      append_json_text(out, columns[i]);
      out += ':';
    }
    auto text = [&](const std::string& s) {
      csv_ ? append_csv_text(out, s) : append_json_text(out, s);
    };
    const RecordColumn& c = fields_[i];
    switch (c.field) {
      case RecordField::kId:
        append_number(out, static_cast<double>(r.id));
        break;
      case RecordField::kProto:
        text(r.proto);
        break;
      case RecordField::kService:
        text(r.service);
        break;
      case RecordField::kState:
        text(r.state);
        break;
      case RecordField::kSrcip:
        text(r.srcip);
        break;
      case RecordField::kDstip:
        text(r.dstip);
        break;
      case RecordField::kSport:
        append_number(out, r.sport);
        break;
      case RecordField::kDsport:
        append_number(out, r.dsport);
        break;
      case RecordField::kStime:
        append_number(out, r.stime);
        break;
      case RecordField::kLtime:
        append_number(out, r.ltime);
        break;
      case RecordField::kAppProto:
        text(r.app_proto);
        break;
      case RecordField::kNumeric:
        append_number(out, r.numeric[c.numeric]);
        break;
      case RecordField::kNone:
        break;  // every record column has a field
    }
  }
  out += csv_ ? "\n" : "}\n";
}

}  // namespace vigil::capture
