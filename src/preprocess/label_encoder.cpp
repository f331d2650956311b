#include "vigil/preprocess/label_encoder.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "vigil/core/error.hpp"
#include "vigil/data/limits.hpp"

namespace vigil::preprocess {

void LabelEncoder::fit(const std::vector<std::string>& values) {
  std::set<std::string> seen;
  for (const auto& v : values) {
    if (!v.empty()) seen.insert(v);
  }
  categories_.assign(seen.begin(), seen.end());
  index();
}

void LabelEncoder::index() {
  codes_.clear();
  for (std::size_t i = 0; i < categories_.size(); ++i) {
    codes_.emplace(categories_[i], static_cast<float>(i));
  }
}

float LabelEncoder::encode(const std::string& value) const {
  if (value.empty()) return std::nanf("");
  const auto it = codes_.find(value);
  return it == codes_.end() ? unknown_code() : it->second;
}

void LabelEncoder::save(ByteWriter& w) const { w.strings(categories_); }

void LabelEncoder::load(ByteReader& r) {
  categories_ = r.strings();
  if (!std::is_sorted(categories_.begin(), categories_.end())) r.fail("categories out of order");
  index();
}

void TableEncoder::fit(const data::Table& table) {
  columns_.clear();
  encoders_.clear();
  for (const auto& col : table.columns) {
    columns_.push_back({col.name, col.type});
    LabelEncoder enc;
    if (col.type == data::ColumnType::kCategorical) enc.fit(col.strings);
    encoders_.push_back(std::move(enc));
  }
}

const LabelEncoder* TableEncoder::encoder(std::size_t column) const {
  return columns_.at(column).type == data::ColumnType::kCategorical ? &encoders_[column] : nullptr;
}

Matrix TableEncoder::transform(const data::Table& table) const {
  Matrix out(table.rows(), columns_.size());
  const auto positions = table.positions();
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    const auto at = positions.find(columns_[c].name);
    if (at == positions.end()) table.column(columns_[c].name);  // throws, naming the column
    const data::Column& col = table.columns[at->second];
    if (col.type != columns_[c].type) {
      throw InputError(table.source + ": column '" + col.name + "' is " +
                       data::to_string(col.type) + " but the model was trained on it as " +
                       data::to_string(columns_[c].type));
    }
    if (col.type == data::ColumnType::kNumeric) {
      for (std::size_t r = 0; r < table.rows(); ++r) out(r, c) = col.numbers[r];
    } else {
      for (std::size_t r = 0; r < table.rows(); ++r)
        out(r, c) = encoders_[c].encode(col.strings[r]);
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::size_t>> TableEncoder::unknown_counts(
    const data::Table& table) const {
  std::vector<std::pair<std::string, std::size_t>> counts;
  const auto positions = table.positions();
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    if (columns_[c].type != data::ColumnType::kCategorical) continue;
    const auto at = positions.find(columns_[c].name);
    if (at == positions.end()) table.column(columns_[c].name);  // throws, naming the column
    const data::Column& col = table.columns[at->second];
    if (col.type != data::ColumnType::kCategorical) continue;
    std::size_t n = 0;
    for (const auto& v : col.strings) n += encoders_[c].encode(v) == encoders_[c].unknown_code();
    if (n > 0) counts.emplace_back(columns_[c].name, n);
  }
  return counts;
}

void TableEncoder::save(ByteWriter& w) const {
  w.u64(columns_.size());
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    w.str(columns_[c].name);
    w.u8(columns_[c].type == data::ColumnType::kCategorical ? 1 : 0);
    if (columns_[c].type == data::ColumnType::kCategorical) encoders_[c].save(w);
  }
}

void TableEncoder::load(ByteReader& r) {
  const auto n = r.count(data::kMaxColumns, "column");
  columns_.clear();
  encoders_.clear();
  std::set<std::string> seen;
  for (std::uint64_t i = 0; i < n; ++i) {
    InputColumn col;
    col.name = r.str();
    if (!seen.insert(col.name).second) r.fail("input column '" + col.name + "' is listed twice");
    const auto type = r.u8();
    if (type > 1) r.fail("unknown column type " + std::to_string(type));
    col.type = type == 1 ? data::ColumnType::kCategorical : data::ColumnType::kNumeric;
    LabelEncoder enc;
    if (col.type == data::ColumnType::kCategorical) enc.load(r);
    columns_.push_back(std::move(col));
    encoders_.push_back(std::move(enc));
  }
}

}  // namespace vigil::preprocess
