// A table of named, typed columns read from a flow CSV (or, later, built from packets).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vigil::data {

enum class ColumnType { kNumeric, kCategorical };

const char* to_string(ColumnType type);

struct Column {
  std::string name;
  ColumnType type = ColumnType::kNumeric;
  std::vector<float> numbers;        // kNumeric rows; NaN marks a missing value
  std::vector<std::string> strings;  // kCategorical rows; "" marks a missing value

  std::size_t size() const {
    return type == ColumnType::kNumeric ? numbers.size() : strings.size();
  }
  bool is_missing(std::size_t row) const;
};

class Table {
 public:
  std::string source;  // file name, for messages
  std::vector<Column> columns;
  std::vector<std::size_t> line_numbers;  // physical line of each row in `source`

  std::size_t rows() const { return line_numbers.size(); }
  std::size_t cols() const { return columns.size(); }

  const Column* find(const std::string& name) const;
  // The column named `name`; an InputError naming the source if there is none.
  const Column& column(const std::string& name) const;
  std::vector<std::string> column_names() const;
  // Each column's position by name, for callers that look up many columns (a
  // linear find per column is quadratic in wide files). The keys view the
  // columns' names: valid while no column is added, removed or renamed.
  std::unordered_map<std::string_view, std::size_t> positions() const;
  // Removes a column; returns whether it was there.
  bool drop(const std::string& name);
  // Removes the columns whose names `doomed` holds, in one pass.
  void drop_where(const std::function<bool(const std::string&)>& doomed);
  // The rows picked by index, in the given order.
  Table select_rows(const std::vector<std::size_t>& indices) const;
  // "file:line N" for a row, as error messages cite it.
  std::string where(std::size_t row) const;
};

}  // namespace vigil::data
