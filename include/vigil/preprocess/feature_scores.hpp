// Model-free feature scores for selection, as scikit-learn's
// mutual_info_classif and chi2 compute them. Higher: more useful.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vigil/core/matrix.hpp"
#include "vigil/core/name_table.hpp"

namespace vigil::preprocess {

enum class SelectBy {
  kMutualInfo,  // k-nearest-neighbour estimate of I(feature; class)
  kChi2,        // chi-squared of each feature (min-max scaled to be non-negative) against the class
  kForest,      // random-forest mean decrease in Gini impurity
  kPermutation,  // accuracy lost on held-out rows when the feature is shuffled (random forest)
};
const NameTable<SelectBy>& select_by_names();
SelectBy parse_select_by(const std::string& name);
std::string to_string(SelectBy by);

// Ross (2014)'s estimator for a continuous feature and a discrete class, with
// `neighbours` neighbours (scikit-learn: 3). As scikit-learn, each feature is
// first divided by its standard deviation and jittered by 1e-10 of its mean
// magnitude (seeded), which breaks the ties that flow data is full of.
std::vector<double> mutual_information(const Matrix& x, std::span<const std::int32_t> labels,
                                       int classes, std::uint64_t seed, int neighbours = 3);

// scikit-learn's chi2 needs non-negative features; each is min-max scaled to
// [0, 1] over the rows given first.
std::vector<double> chi_squared(const Matrix& x, std::span<const std::int32_t> labels, int classes);

}  // namespace vigil::preprocess
