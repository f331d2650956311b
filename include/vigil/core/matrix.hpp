// Dense row-major float32 matrix: the one type every feature matrix in Vigil uses.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace vigil {

class Matrix {
 public:
  Matrix() = default;
  Matrix(std::size_t rows, std::size_t cols, float fill = 0.0f)
      : rows_(rows), cols_(cols), data_(rows * cols, fill) {}

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  bool empty() const { return rows_ == 0; }

  float& operator()(std::size_t r, std::size_t c) { return data_[r * cols_ + c]; }
  float operator()(std::size_t r, std::size_t c) const { return data_[r * cols_ + c]; }

  std::span<float> row(std::size_t r) { return {data_.data() + r * cols_, cols_}; }
  std::span<const float> row(std::size_t r) const { return {data_.data() + r * cols_, cols_}; }

  float* data() { return data_.data(); }
  const float* data() const { return data_.data(); }
  std::vector<float>& values() { return data_; }
  const std::vector<float>& values() const { return data_; }

  // Appends one row; `values` must have cols() entries (or set the width when empty).
  void append_row(std::span<const float> values);
  // Rows picked by index, in the given order.
  Matrix select_rows(std::span<const std::size_t> indices) const;
  void reserve_rows(std::size_t rows) { data_.reserve(rows * cols_); }
  // Grows or shrinks to this many rows; new rows are zero.
  void resize_rows(std::size_t rows) {
    data_.resize(rows * cols_);
    rows_ = rows;
  }

 private:
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  std::vector<float> data_;
};

}  // namespace vigil
