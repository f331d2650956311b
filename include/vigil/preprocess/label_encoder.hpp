// Label encoding of categorical columns, and the step that turns a Table into
// the model's float matrix by column name.
#pragma once

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vigil/core/bytes.hpp"
#include "vigil/core/matrix.hpp"
#include "vigil/data/table.hpp"

namespace vigil::preprocess {

// Maps each category seen in training to its rank in sorted order (as
// scikit-learn's LabelEncoder does). A category never seen in training maps to
// the reserved code unknown_code() == number of known categories; a missing
// value maps to NaN, for the imputer to fill.
class LabelEncoder {
 public:
  void fit(const std::vector<std::string>& values);
  float encode(const std::string& value) const;
  float unknown_code() const { return static_cast<float>(categories_.size()); }
  const std::vector<std::string>& categories() const { return categories_; }

  void save(ByteWriter& w) const;
  void load(ByteReader& r);

 private:
  void index();
  std::vector<std::string> categories_;
  std::unordered_map<std::string, float> codes_;
};

struct InputColumn {
  std::string name;
  data::ColumnType type;
};

// Turns a Table into a float matrix: numeric columns as they are, categorical
// ones label-encoded. Columns are found by name, so their order in a file does
// not matter; a missing column or one of the wrong type is an error.
class TableEncoder {
 public:
  void fit(const data::Table& table);
  Matrix transform(const data::Table& table) const;

  const std::vector<InputColumn>& columns() const { return columns_; }
  // The encoder of a categorical column, or nullptr for a numeric one.
  const LabelEncoder* encoder(std::size_t column) const;
  // Rows whose categorical values were never seen in training, per column name.
  std::vector<std::pair<std::string, std::size_t>> unknown_counts(const data::Table& table) const;

  void save(ByteWriter& w) const;
  void load(ByteReader& r);

 private:
  std::vector<InputColumn> columns_;
  std::vector<LabelEncoder> encoders_;  // one per column; empty for numeric ones
};

}  // namespace vigil::preprocess
