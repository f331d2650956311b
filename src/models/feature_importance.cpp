#include "vigil/models/feature_importance.hpp"

#include <numeric>

#include "models/random_forest.hpp"
#include "vigil/core/error.hpp"
#include "vigil/core/random.hpp"
#include "vigil/data/split.hpp"

namespace vigil::models {
namespace {

double accuracy(const Classifier& model, const Matrix& x, std::span<const std::int32_t> labels) {
  const std::vector<std::int32_t> predicted = model.predict(x);
  std::size_t right = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) right += predicted[i] == labels[i];
  return predicted.empty() ? 0.0
                           : static_cast<double>(right) / static_cast<double>(predicted.size());
}

}  // namespace

std::vector<double> permutation_importance(const Classifier& model, const Matrix& x,
                                           std::span<const std::int32_t> labels, int repeats,
                                           std::uint64_t seed) {
  const double baseline = accuracy(model, x, labels);
  std::vector<double> out(x.cols(), 0.0);
  Rng rng(seed);
  Matrix shuffled = x;
  std::vector<std::size_t> order(x.rows());
  for (std::size_t j = 0; j < x.cols(); ++j) {
    for (int r = 0; r < repeats; ++r) {
      std::iota(order.begin(), order.end(), 0u);
      rng.shuffle(std::span<std::size_t>(order));
      for (std::size_t i = 0; i < x.rows(); ++i) shuffled(i, j) = x(order[i], j);
      out[j] += baseline - accuracy(model, shuffled, labels);
    }
    out[j] /= repeats;
    for (std::size_t i = 0; i < x.rows(); ++i) shuffled(i, j) = x(i, j);
  }
  return out;
}

std::vector<double> feature_scores(preprocess::SelectBy by, const Matrix& x,
                                   std::span<const std::int32_t> labels, int classes,
                                   std::uint64_t seed, Progress* progress) {
  switch (by) {
    case preprocess::SelectBy::kMutualInfo:
      return preprocess::mutual_information(x, labels, classes, seed);
    case preprocess::SelectBy::kChi2:
      return preprocess::chi_squared(x, labels, classes);
    case preprocess::SelectBy::kForest: {
      auto forest = builtin_registry().create("rf", {"seed=" + std::to_string(seed)});
      forest->fit(x, labels, classes, progress);
      return dynamic_cast<const RandomForest&>(*forest).feature_importances();
    }
    case preprocess::SelectBy::kPermutation: {
      const data::Split split = data::stratified_split(labels, 0.2, seed);
      std::vector<std::int32_t> train_y, test_y;
      for (auto i : split.train) train_y.push_back(labels[i]);
      for (auto i : split.test) test_y.push_back(labels[i]);
      auto forest = builtin_registry().create("rf", {"seed=" + std::to_string(seed)});
      forest->fit(x.select_rows(split.train), train_y, classes, progress);
      return permutation_importance(*forest, x.select_rows(split.test), test_y, 3, seed);
    }
  }
  return {};
}

Matrix fit_reduction(preprocess::Pipeline& pipeline, Matrix x, std::span<const std::int32_t> labels,
                     int classes, Progress* progress) {
  const preprocess::PipelineConfig& config = pipeline.config();
  if (!config.reduces()) return x;
  std::vector<double> scores;
  if (config.select > 0) {
    scores =
        feature_scores(config.select_by, x, labels, classes, config.smote_config.seed, progress);
  }
  return pipeline.fit_reduction(x, scores);
}

}  // namespace vigil::models
