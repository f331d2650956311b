#include "vigil/eval/training.hpp"

#include <algorithm>
#include <chrono>

#include "vigil/core/error.hpp"
#include "vigil/models/feature_importance.hpp"

namespace vigil::eval {

TrainingRows fit_training_rows(const data::Table& rows, std::span<const std::int32_t> labels,
                               int classes, const preprocess::PipelineConfig& config,
                               Progress* progress) {
  TrainingRows out;
  out.pipeline = preprocess::Pipeline(config);
  preprocess::TrainingData fitted = out.pipeline.fit_transform(rows, labels, classes, progress);
  const auto start = std::chrono::steady_clock::now();
  out.x =
      models::fit_reduction(out.pipeline, std::move(fitted.x), fitted.labels, classes, progress);
  out.reduction_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.labels = std::move(fitted.labels);
  out.synthetic_rows = fitted.synthetic;
  // SMOTE appends its rows after the real ones.
  out.synthetic.assign(out.labels.size(), 0);
  std::fill(out.synthetic.end() - static_cast<std::ptrdiff_t>(fitted.synthetic),
            out.synthetic.end(), 1);
  out.notes = std::move(fitted.notes);
  return out;
}

std::vector<std::size_t> detector_training_rows(std::span<const std::int32_t> labels,
                                                std::span<const std::uint8_t> synthetic,
                                                std::int32_t benign, bool all) {
  VIGIL_CHECK(labels.size() == synthetic.size(), "detector_training_rows shapes");
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (!synthetic[i] && (all || labels[i] == benign)) rows.push_back(i);
  }
  return rows;
}

}  // namespace vigil::eval
