// Train/test splits by row index, seeded and reproducible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace vigil::data {

struct Split {
  std::vector<std::size_t> train;  // ascending row indices
  std::vector<std::size_t> test;
};

// Each class keeps its share in both parts: round(n_c * test_fraction) of its
// rows go to test, at least one and at most n_c - 1 when the class has two or more.
Split stratified_split(std::span<const std::int32_t> labels, double test_fraction,
                       std::uint64_t seed);

// Stratified k-fold: every row is in exactly one fold's test part; each class is
// dealt round-robin over the folds after a seeded shuffle.
std::vector<Split> stratified_kfold(std::span<const std::int32_t> labels, int folds,
                                    std::uint64_t seed);

// Folds by group (GroupKFold): every row of a group lands on the same side of
// every split, as flows of one capture are correlated and a random split of
// them leaks. With `folds` at least the number of groups (or 0), one group per
// fold (leave one group out); else the groups, largest first, each go to the
// fold with the fewest rows so far. Fold order follows the groups' names.
std::vector<Split> group_kfold(std::span<const std::string> groups, int folds);

// A plain shuffled split of `rows` rows, round(rows * test_fraction) to test.
Split random_split(std::size_t rows, double test_fraction, std::uint64_t seed);

}  // namespace vigil::data
