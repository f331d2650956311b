// The one way Vigil turns labelled rows into what models learn from, shared by
// `vigil train` and the experiment's protocols, so a saved model and an
// evaluated one are fitted alike: the pipeline (encoding, imputation, SMOTE,
// scaling, selection, PCA) on the training rows only, and the rows an anomaly
// detector learns from.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vigil/core/matrix.hpp"
#include "vigil/core/progress.hpp"
#include "vigil/data/table.hpp"
#include "vigil/preprocess/pipeline.hpp"

namespace vigil::eval {

struct TrainingRows {
  preprocess::Pipeline pipeline;        // fitted on the training rows
  Matrix x;                             // the rows as the models get them
  std::vector<std::int32_t> labels;     // one per row of x
  std::vector<std::uint8_t> synthetic;  // per row of x: made by SMOTE (its rows come last)
  std::size_t synthetic_rows = 0;
  std::vector<std::string> notes;  // what the pipeline reported (SMOTE's counts)
  double reduction_seconds = 0;    // fitting selection and PCA
};

// Fits `config`'s pipeline on `rows` (with their `labels` among `classes`)
// and returns them ready for a model.
TrainingRows fit_training_rows(const data::Table& rows, std::span<const std::int32_t> labels,
                               int classes, const preprocess::PipelineConfig& config,
                               Progress* progress = nullptr);

// The rows of `labels` an anomaly detector learns from: the real rows of the
// `benign` class, or with `all` every real row (labels unused). SMOTE's rows
// never: a detector learns what real traffic looks like.
std::vector<std::size_t> detector_training_rows(std::span<const std::int32_t> labels,
                                                std::span<const std::uint8_t> synthetic,
                                                std::int32_t benign, bool all);

}  // namespace vigil::eval
