// Missing-value imputation, fitted on training rows only.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vigil/core/bytes.hpp"
#include "vigil/core/matrix.hpp"
#include "vigil/core/name_table.hpp"

namespace vigil::preprocess {

enum class ImputeStrategy { kMean, kMedian, kMostFrequent, kConstant, kClassMean };

const NameTable<ImputeStrategy>& impute_strategies();
ImputeStrategy parse_impute_strategy(const std::string& name);  // mean, median, ...
std::string to_string(ImputeStrategy s);

// Fills NaN cells column by column. The per-class mean is the published method's:
// a training row takes the mean of its own class; a row seen later, whose class
// is unknown, takes the overall mean. Ties for the most frequent value go to the
// smallest, and a column with no value at all in training is filled with the
// constant, as scikit-learn's SimpleImputer would drop or zero it.
class Imputer {
 public:
  Imputer() = default;
  explicit Imputer(ImputeStrategy strategy, double constant = 0.0)
      : strategy_(strategy), constant_(constant) {}

  // `labels`/`classes` are needed by kClassMean only.
  void fit(const Matrix& x, std::span<const std::int32_t> labels = {}, int classes = 0);
  // Fills rows whose class is unknown (prediction time): overall statistics.
  void transform(Matrix& x) const;
  // Fills training rows, using each row's own class under kClassMean.
  void transform_training(Matrix& x, std::span<const std::int32_t> labels) const;

  ImputeStrategy strategy() const { return strategy_; }
  const std::vector<double>& fill_values() const { return fill_; }
  double class_fill(int cls, std::size_t column) const;

  void save(ByteWriter& w) const;
  void load(ByteReader& r);

 private:
  ImputeStrategy strategy_ = ImputeStrategy::kMean;
  double constant_ = 0.0;
  std::vector<double> fill_;        // per column
  std::vector<double> class_fill_;  // classes x columns, kClassMean only
  std::size_t cols_ = 0;
};

}  // namespace vigil::preprocess
