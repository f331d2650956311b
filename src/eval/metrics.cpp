#include "vigil/eval/metrics.hpp"

#include "vigil/core/error.hpp"

namespace vigil::eval {
namespace {

double ratio(std::uint64_t num, std::uint64_t den) {
  return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den);
}

}  // namespace

ConfusionMatrix::ConfusionMatrix(std::vector<std::string> class_names)
    : names_(std::move(class_names)), counts_(names_.size() * names_.size(), 0) {}

ConfusionMatrix ConfusionMatrix::from(std::span<const std::int32_t> actual,
                                      std::span<const std::int32_t> predicted,
                                      std::vector<std::string> class_names) {
  VIGIL_CHECK(actual.size() == predicted.size(), "one prediction per actual label");
  ConfusionMatrix cm(std::move(class_names));
  for (std::size_t i = 0; i < actual.size(); ++i) cm.add(actual[i], predicted[i]);
  return cm;
}

void ConfusionMatrix::add(std::int32_t actual, std::int32_t predicted, std::uint64_t count) {
  const auto n = static_cast<std::int32_t>(names_.size());
  VIGIL_CHECK(actual >= 0 && actual < n && predicted >= 0 && predicted < n, "class out of range");
  counts_[static_cast<std::size_t>(actual) * names_.size() + static_cast<std::size_t>(predicted)] +=
      count;
}

std::uint64_t ConfusionMatrix::total() const {
  std::uint64_t t = 0;
  for (auto c : counts_) t += c;
  return t;
}

Metrics compute_metrics(const ConfusionMatrix& cm) {
  Metrics m;
  const std::size_t k = cm.classes();
  const std::uint64_t total = cm.total();
  std::uint64_t correct = 0;
  for (std::size_t i = 0; i < k; ++i) correct += cm.at(i, i);
  m.accuracy = ratio(correct, total);
  for (std::size_t i = 0; i < k; ++i) {
    ClassMetrics c;
    c.name = cm.class_names()[i];
    c.tp = cm.at(i, i);
    for (std::size_t j = 0; j < k; ++j) {
      if (j == i) continue;
      c.fn += cm.at(i, j);
      c.fp += cm.at(j, i);
    }
    c.support = c.tp + c.fn;
    c.tn = total - c.tp - c.fn - c.fp;
    c.precision = ratio(c.tp, c.tp + c.fp);
    c.recall = ratio(c.tp, c.tp + c.fn);
    c.f1 = c.precision + c.recall > 0 ? 2 * c.precision * c.recall / (c.precision + c.recall) : 0.0;
    c.false_positive_rate = ratio(c.fp, c.fp + c.tn);
    c.false_negative_rate = ratio(c.fn, c.fn + c.tp);
    m.per_class.push_back(c);
  }
  if (k == 0) return m;
  for (const auto& c : m.per_class) {
    m.macro_precision += c.precision / static_cast<double>(k);
    m.macro_recall += c.recall / static_cast<double>(k);
    m.macro_f1 += c.f1 / static_cast<double>(k);
    const double w = ratio(c.support, total);
    m.weighted_precision += w * c.precision;
    m.weighted_recall += w * c.recall;
    m.weighted_f1 += w * c.f1;
  }
  return m;
}

}  // namespace vigil::eval
