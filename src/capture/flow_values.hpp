// Each record column's value, in record_columns() order, handed to a format as
// text or as a number: the one place that maps columns to a FlowRecord's
// fields for writing (the formats only spell them).
#pragma once

#include <string>
#include <vector>

#include "vigil/capture/flow_record.hpp"

namespace vigil::capture {

class FlowValues {
 public:
  FlowValues();
  // Calls text(column, value) or number(column, value) for every column, in order.
  template <typename Text, typename Number>
  void visit(const FlowRecord& r, Text&& text, Number&& number) const {
    const auto& names = record_columns();
    for (std::size_t i = 0; i < names.size(); ++i) {
      const RecordColumn& c = fields_[i];
      switch (c.field) {
        case RecordField::kId:
          number(names[i], static_cast<double>(r.id));
          break;
        case RecordField::kProto:
          text(names[i], r.proto);
          break;
        case RecordField::kService:
          text(names[i], r.service);
          break;
        case RecordField::kState:
          text(names[i], r.state);
          break;
        case RecordField::kSrcip:
          text(names[i], r.srcip);
          break;
        case RecordField::kDstip:
          text(names[i], r.dstip);
          break;
        case RecordField::kSport:
          number(names[i], r.sport);
          break;
        case RecordField::kDsport:
          number(names[i], r.dsport);
          break;
        case RecordField::kStime:
          number(names[i], r.stime);
          break;
        case RecordField::kLtime:
          number(names[i], r.ltime);
          break;
        case RecordField::kAppProto:
          text(names[i], r.app_proto);
          break;
        case RecordField::kNumeric:
          number(names[i], r.numeric[c.numeric]);
          break;
        case RecordField::kNone:
          break;  // every record column has a field
      }
    }
  }

 private:
  std::vector<RecordColumn> fields_;  // what each column holds, worked out once from its name
};

}  // namespace vigil::capture
