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

}  // namespace vigil::capture
