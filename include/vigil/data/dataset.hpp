// From a CSV file to features plus class labels: recognises the UNSW-NB15
// partition schema by its header, takes any other CSV with a named label column,
// and keeps identifiers (ids, addresses, ports, timestamps) away from models.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "vigil/core/name_table.hpp"
#include "vigil/data/table.hpp"

namespace vigil::data {

// Which features a model may learn from. `deployment` leaves out the features
// that describe a network rather than a behaviour (deployment_excluded_features);
// `auto` is deployment for flows extracted from captures (files with `srcip`
// and `stime` columns) and all features for other files, such as UNSW-NB15's.
enum class FeatureSet { kAuto, kAll, kDeployment };
const NameTable<FeatureSet>& feature_sets();
FeatureSet parse_feature_set(const std::string& name);
const std::vector<std::string>& deployment_excluded_features();

struct DatasetOptions {
  FeatureSet feature_set = FeatureSet::kAuto;
  std::string label;                     // label column; empty: the schema's default
  bool binary = false;                   // UNSW-NB15: attack vs normal from `label`
  std::vector<std::string> drop;         // further columns to leave out
  std::vector<std::string> categorical;  // columns forced categorical
  std::vector<std::string> numeric;      // columns forced numeric
  bool keep_identifiers = false;         // let ids, addresses, ports, times reach the model
  bool require_label = true;             // false when predicting on unlabelled rows
  std::string group_by;  // a column naming each row's group (not a feature), e.g. capture
  // When a model is applied: its input columns and their types, read as such.
  std::vector<std::pair<std::string, ColumnType>> expected_features;
};

struct Dataset {
  std::string schema;  // "unsw-nb15" or "generic"
  Table features;      // feature columns only, in file order
  std::string label_column;
  std::vector<std::int32_t> labels;      // index into class_names; empty when unlabelled
  std::vector<std::string> groups;       // per row, from DatasetOptions::group_by; empty without it
  std::vector<std::string> class_names;  // sorted by name, as scikit-learn orders them
  std::vector<std::string> dropped;      // columns left out (identifiers, --drop, the label)
  std::string feature_set = "all";       // "all" or "deployment", as resolved from the options

  std::size_t rows() const { return features.rows(); }
  // Rows per class, indexed like class_names.
  std::vector<std::size_t> class_counts() const;
};

// Whether a header is UNSW-NB15's partition schema.
bool is_unsw_nb15_header(const std::vector<std::string>& header);
// Whether a column name is a flow identifier rather than a feature.
bool is_identifier_column(const std::string& name);

// A fingerprint of the row count and the class of every row, so that a split
// re-derived later from the same seed can be checked to be the same rows.
std::uint64_t label_fingerprint(const Dataset& data);

Dataset load_dataset(const std::string& path, const DatasetOptions& options);

// Refuses to train on data with nothing to tell apart: a label column holding
// one class. The message names the file, the column and the class.
void require_classes_to_learn(const Dataset& data);

// The index of each name in `names`; `names` grows by unknown ones (an evaluation
// file can hold a class the model never saw: its rows still count, as misses).
std::vector<std::int32_t> map_labels(const Dataset& data, std::vector<std::string>& names);

}  // namespace vigil::data
