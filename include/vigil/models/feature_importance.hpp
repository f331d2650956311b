// Feature scores that need a model (random-forest impurity, permutation
// importance), and the step that fits a pipeline's feature selection and PCA
// with whichever score its configuration names.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vigil/core/matrix.hpp"
#include "vigil/core/progress.hpp"
#include "vigil/models/classifier.hpp"
#include "vigil/preprocess/pipeline.hpp"

namespace vigil::models {

// Mean accuracy lost on `x` when each feature's column is shuffled (`repeats`
// seeded shuffles), as scikit-learn's permutation_importance with accuracy.
std::vector<double> permutation_importance(const Classifier& model, const Matrix& x,
                                           std::span<const std::int32_t> labels, int repeats,
                                           std::uint64_t seed);

// Scores of every column of `x` by `by`. The model-based ones fit a random
// forest (rf: on every row; permutation: on a stratified 80%, shuffling the other 20%).
std::vector<double> feature_scores(preprocess::SelectBy by, const Matrix& x,
                                   std::span<const std::int32_t> labels, int classes,
                                   std::uint64_t seed, Progress* progress = nullptr);

// Fits `pipeline`'s selection and PCA on its scaled training rows `x` (when
// its config asks for either) and returns them reduced.
Matrix fit_reduction(preprocess::Pipeline& pipeline, Matrix x, std::span<const std::int32_t> labels,
                     int classes, Progress* progress = nullptr);

}  // namespace vigil::models
