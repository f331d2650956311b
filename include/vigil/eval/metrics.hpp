// Confusion matrix and the metrics derived from it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace vigil::eval {

// Rows are the actual class, columns the predicted one.
class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(std::vector<std::string> class_names);
  static ConfusionMatrix from(std::span<const std::int32_t> actual,
                              std::span<const std::int32_t> predicted,
                              std::vector<std::string> class_names);

  void add(std::int32_t actual, std::int32_t predicted, std::uint64_t count = 1);
  std::uint64_t at(std::size_t actual, std::size_t predicted) const {
    return counts_[actual * names_.size() + predicted];
  }
  std::size_t classes() const { return names_.size(); }
  const std::vector<std::string>& class_names() const { return names_; }
  std::uint64_t total() const;

 private:
  std::vector<std::string> names_;
  std::vector<std::uint64_t> counts_;
};

struct ClassMetrics {
  std::string name;
  std::uint64_t support = 0;  // actual rows of the class
  std::uint64_t tp = 0, fp = 0, fn = 0, tn = 0;
  double precision = 0, recall = 0, f1 = 0;
  double false_positive_rate = 0;  // FP / (FP + TN)
  double false_negative_rate = 0;  // FN / (FN + TP)
};

// Undefined ratios (0/0) count as 0, as scikit-learn's zero_division=0. Macro
// averages weigh every class equally, weighted ones by support; both cover every
// class of the matrix.
struct Metrics {
  double accuracy = 0;
  double macro_precision = 0, macro_recall = 0, macro_f1 = 0;
  double weighted_precision = 0, weighted_recall = 0, weighted_f1 = 0;
  std::vector<ClassMetrics> per_class;
};

Metrics compute_metrics(const ConfusionMatrix& cm);

}  // namespace vigil::eval
