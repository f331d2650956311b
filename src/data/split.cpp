#include "vigil/data/split.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "vigil/core/error.hpp"
#include "vigil/core/random.hpp"

namespace vigil::data {
namespace {

void check_fraction(double f) {
  if (!(f > 0.0 && f < 1.0)) {
    throw ParamError("test fraction must lie strictly between 0 and 1, got " + std::to_string(f));
  }
}

}  // namespace

Split stratified_split(std::span<const std::int32_t> labels, double test_fraction,
                       std::uint64_t seed) {
  check_fraction(test_fraction);
  std::int32_t classes = 0;
  for (auto y : labels) {
    VIGIL_CHECK(y >= 0, "negative class label");
    classes = std::max(classes, y + 1);
  }
  std::vector<std::vector<std::size_t>> by_class(static_cast<std::size_t>(classes));
  for (std::size_t i = 0; i < labels.size(); ++i) {
    by_class[static_cast<std::size_t>(labels[i])].push_back(i);
  }
  Rng rng(seed);
  Split split;
  for (auto& rows : by_class) {
    rng.shuffle(std::span<std::size_t>(rows));
    const std::size_t n = rows.size();
    auto n_test = static_cast<std::size_t>(std::llround(static_cast<double>(n) * test_fraction));
    if (n >= 2) n_test = std::clamp<std::size_t>(n_test, 1, n - 1);
    split.test.insert(split.test.end(), rows.begin(), rows.begin() + static_cast<long>(n_test));
    split.train.insert(split.train.end(), rows.begin() + static_cast<long>(n_test), rows.end());
  }
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.test.begin(), split.test.end());
  return split;
}

std::vector<Split> stratified_kfold(std::span<const std::int32_t> labels, int folds,
                                    std::uint64_t seed) {
  if (folds < 2)
    throw ParamError("cross-validation needs at least 2 folds, got " + std::to_string(folds));
  std::int32_t classes = 0;
  for (auto y : labels) classes = std::max(classes, y + 1);
  std::vector<std::vector<std::size_t>> by_class(static_cast<std::size_t>(classes));
  for (std::size_t i = 0; i < labels.size(); ++i)
    by_class[static_cast<std::size_t>(labels[i])].push_back(i);
  Rng rng(seed);
  std::vector<int> fold_of(labels.size());
  int next = 0;
  for (auto& rows : by_class) {
    rng.shuffle(std::span<std::size_t>(rows));
    // Continue the round-robin across classes so fold sizes stay within one row.
    for (std::size_t r : rows) fold_of[r] = next++ % folds;
  }
  std::vector<Split> out(static_cast<std::size_t>(folds));
  for (std::size_t i = 0; i < labels.size(); ++i) {
    for (int f = 0; f < folds; ++f) {
      (fold_of[i] == f ? out[static_cast<std::size_t>(f)].test
                       : out[static_cast<std::size_t>(f)].train)
          .push_back(i);
    }
  }
  return out;
}

Split random_split(std::size_t rows, double test_fraction, std::uint64_t seed) {
  check_fraction(test_fraction);
  std::vector<std::size_t> order(rows);
  for (std::size_t i = 0; i < rows; ++i) order[i] = i;
  Rng rng(seed);
  rng.shuffle(std::span<std::size_t>(order));
  const auto n_test =
      static_cast<std::size_t>(std::llround(static_cast<double>(rows) * test_fraction));
  Split split;
  split.test.assign(order.begin(), order.begin() + static_cast<long>(n_test));
  split.train.assign(order.begin() + static_cast<long>(n_test), order.end());
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.test.begin(), split.test.end());
  return split;
}

std::vector<Split> group_kfold(std::span<const std::string> groups, int folds) {
  std::map<std::string, std::vector<std::size_t>> rows_of;
  for (std::size_t i = 0; i < groups.size(); ++i) rows_of[groups[i]].push_back(i);
  if (rows_of.size() < 2) {
    throw ParamError("the grouped protocol needs at least two groups, found " +
                     std::to_string(rows_of.size()));
  }
  const std::size_t k = folds <= 0 || static_cast<std::size_t>(folds) >= rows_of.size()
                            ? rows_of.size()
                            : static_cast<std::size_t>(folds);
  if (k < 2) throw ParamError("the grouped protocol needs at least two folds");
  std::vector<const std::vector<std::size_t>*> order;
  for (const auto& [name, rows] : rows_of) order.push_back(&rows);
  // Largest first; std::stable_sort keeps name order among equal sizes.
  std::stable_sort(order.begin(), order.end(),
                   [](auto a, auto b) { return a->size() > b->size(); });
  std::vector<std::vector<std::size_t>> test(k);
  for (const auto* rows : order) {
    auto smallest = std::min_element(
        test.begin(), test.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
    smallest->insert(smallest->end(), rows->begin(), rows->end());
  }
  std::vector<Split> out(k);
  for (std::size_t f = 0; f < k; ++f) {
    std::sort(test[f].begin(), test[f].end());
    out[f].test = test[f];
    std::vector<bool> in_test(groups.size(), false);
    for (auto i : test[f]) in_test[i] = true;
    for (std::size_t i = 0; i < groups.size(); ++i) {
      if (!in_test[i]) out[f].train.push_back(i);
    }
  }
  return out;
}

}  // namespace vigil::data
