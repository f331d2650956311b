#include "vigil/core/matrix.hpp"

#include <algorithm>

#include "vigil/core/error.hpp"

namespace vigil {

void Matrix::append_row(std::span<const float> values) {
  if (rows_ == 0 && cols_ == 0) cols_ = values.size();
  VIGIL_CHECK(values.size() == cols_, "appended row width differs from the matrix");
  data_.insert(data_.end(), values.begin(), values.end());
  ++rows_;
}

Matrix Matrix::select_rows(std::span<const std::size_t> indices) const {
  Matrix out(indices.size(), cols_);
  for (std::size_t i = 0; i < indices.size(); ++i) {
    VIGIL_CHECK(indices[i] < rows_, "row index out of range");
    std::copy_n(data_.data() + indices[i] * cols_, cols_, out.data() + i * cols_);
  }
  return out;
}

}  // namespace vigil
