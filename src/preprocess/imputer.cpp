#include "vigil/preprocess/imputer.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "vigil/core/error.hpp"

namespace vigil::preprocess {
namespace {

double median_of(std::vector<float>& v) {
  const std::size_t n = v.size();
  const auto mid = v.begin() + static_cast<long>(n / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (n % 2 == 1) return *mid;
  const float below = *std::max_element(v.begin(), mid);
  return (static_cast<double>(below) + *mid) / 2.0;
}

double most_frequent_of(const std::vector<float>& v) {
  std::map<float, std::size_t> counts;
  for (float x : v) ++counts[x];
  double best = 0;
  std::size_t best_count = 0;
  for (const auto& [value, count] : counts) {  // ascending, so ties keep the smallest
    if (count > best_count) {
      best = value;
      best_count = count;
    }
  }
  return best;
}

}  // namespace

const NameTable<ImputeStrategy>& impute_strategies() {
  static const NameTable<ImputeStrategy> table("imputation",
                                               {{ImputeStrategy::kMean, "mean"},
                                                {ImputeStrategy::kMedian, "median"},
                                                {ImputeStrategy::kMostFrequent, "most-frequent"},
                                                {ImputeStrategy::kConstant, "constant"},
                                                {ImputeStrategy::kClassMean, "class-mean"}});
  return table;
}

ImputeStrategy parse_impute_strategy(const std::string& name) {
  return impute_strategies().parse(name);
}

std::string to_string(ImputeStrategy s) { return impute_strategies().name(s); }

void Imputer::fit(const Matrix& x, std::span<const std::int32_t> labels, int classes) {
  cols_ = x.cols();
  fill_.assign(cols_, constant_);
  class_fill_.clear();
  std::vector<float> present;
  for (std::size_t c = 0; c < cols_; ++c) {
    present.clear();
    for (std::size_t r = 0; r < x.rows(); ++r) {
      if (!std::isnan(x(r, c))) present.push_back(x(r, c));
    }
    if (present.empty() || strategy_ == ImputeStrategy::kConstant) continue;
    switch (strategy_) {
      case ImputeStrategy::kMedian:
        fill_[c] = median_of(present);
        break;
      case ImputeStrategy::kMostFrequent:
        fill_[c] = most_frequent_of(present);
        break;
      default: {
        double sum = 0;
        for (float v : present) sum += v;
        fill_[c] = sum / static_cast<double>(present.size());
      }
    }
  }
  if (strategy_ != ImputeStrategy::kClassMean) return;
  if (labels.size() != x.rows() || classes <= 0) {
    throw ParamError("class-mean imputation needs the class of every training row");
  }
  const auto k = static_cast<std::size_t>(classes);
  std::vector<double> sums(k * cols_, 0.0);
  std::vector<std::size_t> counts(k * cols_, 0);
  for (std::size_t r = 0; r < x.rows(); ++r) {
    const auto y = static_cast<std::size_t>(labels[r]);
    for (std::size_t c = 0; c < cols_; ++c) {
      if (std::isnan(x(r, c))) continue;
      sums[y * cols_ + c] += x(r, c);
      ++counts[y * cols_ + c];
    }
  }
  class_fill_.resize(k * cols_);
  for (std::size_t i = 0; i < k * cols_; ++i) {
    // A class with no value in a column falls back to the overall mean.
    class_fill_[i] = counts[i] ? sums[i] / static_cast<double>(counts[i]) : fill_[i % cols_];
  }
}

double Imputer::class_fill(int cls, std::size_t column) const {
  return class_fill_.at(static_cast<std::size_t>(cls) * cols_ + column);
}

void Imputer::transform(Matrix& x) const {
  VIGIL_CHECK(x.cols() == cols_, "imputer applied to a matrix of another width");
  float* p = x.data();
  for (std::size_t r = 0; r < x.rows(); ++r) {
    for (std::size_t c = 0; c < cols_; ++c, ++p) {
      if (std::isnan(*p)) *p = static_cast<float>(fill_[c]);
    }
  }
}

void Imputer::transform_training(Matrix& x, std::span<const std::int32_t> labels) const {
  if (strategy_ != ImputeStrategy::kClassMean) return transform(x);
  VIGIL_CHECK(x.cols() == cols_ && labels.size() == x.rows(), "imputer input shape");
  const std::size_t classes = class_fill_.size() / std::max<std::size_t>(cols_, 1);
  for (std::size_t r = 0; r < x.rows(); ++r) {
    const auto y = static_cast<std::size_t>(labels[r]);
    for (std::size_t c = 0; c < cols_; ++c) {
      if (!std::isnan(x(r, c))) continue;
      x(r, c) = static_cast<float>(y < classes ? class_fill_[y * cols_ + c] : fill_[c]);
    }
  }
}

void Imputer::save(ByteWriter& w) const {
  w.u8(static_cast<std::uint8_t>(strategy_));
  w.f64(constant_);
  w.u64(cols_);
  w.doubles(fill_);
  w.doubles(class_fill_);
}

void Imputer::load(ByteReader& r) {
  const auto s = r.u8();
  if (s > static_cast<std::uint8_t>(ImputeStrategy::kClassMean)) r.fail("unknown imputation");
  strategy_ = static_cast<ImputeStrategy>(s);
  constant_ = r.f64();
  cols_ = r.u64();
  fill_ = r.doubles();
  class_fill_ = r.doubles();
  if (fill_.size() != cols_ || (cols_ > 0 && class_fill_.size() % cols_ != 0)) {
    r.fail("imputer sizes disagree");
  }
}

}  // namespace vigil::preprocess
