#include "vigil/data/table.hpp"

#include <cmath>
#include <vector>

#include "vigil/core/error.hpp"

namespace vigil::data {

const char* to_string(ColumnType type) {
  return type == ColumnType::kNumeric ? "numeric" : "categorical";
}

bool Column::is_missing(std::size_t row) const {
  return type == ColumnType::kNumeric ? std::isnan(numbers[row]) : strings[row].empty();
}

const Column* Table::find(const std::string& name) const {
  for (const auto& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const Column& Table::column(const std::string& name) const {
  if (const Column* c = find(name)) return *c;
  throw InputError(source + ": no column named '" + name + "'");
}

std::vector<std::string> Table::column_names() const {
  std::vector<std::string> names;
  names.reserve(columns.size());
  for (const auto& c : columns) names.push_back(c.name);
  return names;
}

std::unordered_map<std::string_view, std::size_t> Table::positions() const {
  std::unordered_map<std::string_view, std::size_t> out;
  out.reserve(columns.size());
  for (std::size_t i = 0; i < columns.size(); ++i) out.emplace(columns[i].name, i);
  return out;
}

void Table::drop_where(const std::function<bool(const std::string&)>& doomed) {
  std::erase_if(columns, [&](const Column& c) { return doomed(c.name); });
}

bool Table::drop(const std::string& name) {
  for (auto it = columns.begin(); it != columns.end(); ++it) {
    if (it->name == name) {
      columns.erase(it);
      return true;
    }
  }
  return false;
}

Table Table::select_rows(const std::vector<std::size_t>& indices) const {
  Table out;
  out.source = source;
  out.line_numbers.reserve(indices.size());
  for (std::size_t i : indices) out.line_numbers.push_back(line_numbers.at(i));
  for (const auto& c : columns) {
    Column copy{c.name, c.type, {}, {}};
    if (c.type == ColumnType::kNumeric) {
      copy.numbers.reserve(indices.size());
      for (std::size_t i : indices) copy.numbers.push_back(c.numbers[i]);
    } else {
      copy.strings.reserve(indices.size());
      for (std::size_t i : indices) copy.strings.push_back(c.strings[i]);
    }
    out.columns.push_back(std::move(copy));
  }
  return out;
}

std::string Table::where(std::size_t row) const {
  return source + ":" + std::to_string(line_numbers.at(row));
}

}  // namespace vigil::data
