// One finished flow with UNSW-NB15's features (definitions and units in
// docs/features.md), as `vigil extract` writes it and `vigil detect` reads it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vigil::capture {

struct FlowRecord {
  std::uint64_t id = 0;
  // Identifying columns (never model features unless a user asks).
  std::string srcip, dstip;
  std::uint16_t sport = 0, dsport = 0;
  double stime = 0, ltime = 0;
  // Categorical features.
  std::string proto, service, state, app_proto;
  // Numeric features, in the order of numeric_columns().
  std::vector<double> numeric;
};

// The columns of a record, in the partition files' order (id first; attack_cat
// and label are left out: captured traffic has no labels), then the
// identifying columns and app_proto.
const std::vector<std::string>& record_columns();

// The numeric features' names, in the order of FlowRecord::numeric.
const std::vector<std::string>& numeric_columns();

// Where a column's value sits in a FlowRecord: the one mapping from names to
// fields that writers, readers and the detector's scorer share.
enum class RecordField : std::uint8_t {
  kNone,
  kId,
  kProto,
  kService,
  kState,
  kAppProto,
  kSrcip,
  kDstip,
  kSport,
  kDsport,
  kStime,
  kLtime,
  kNumeric
};
struct RecordColumn {
  RecordField field = RecordField::kNone;
  std::size_t numeric = 0;  // index into FlowRecord::numeric, for kNumeric
};
// The field behind a column name; kNone for a name that is not a record column.
RecordColumn record_column(const std::string& name);
// Whether a field holds text (categorical) rather than a number.
bool is_text_field(RecordField field);

}  // namespace vigil::capture
