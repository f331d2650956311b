// The one model file: the fitted pipeline, the classifier with its parameters,
// the class names and the expected input columns, all `vigil evaluate`,
// `predict` and (later) `detect` need.
//
// Layout: "VIGILMDL" magic, u32 format version, u32 section count, u64 payload
// size, u32 CRC-32 of the payload, then the payload: named sections, each a
// name and a length-prefixed body. A reader refuses a wrong magic, a newer
// version, a bad checksum, a truncated file or a missing section, by name.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vigil/data/dataset.hpp"
#include "vigil/models/anomaly.hpp"
#include "vigil/models/classifier.hpp"
#include "vigil/preprocess/pipeline.hpp"

namespace vigil::io {

// 2: optional "reduction" (feature selection, PCA) and "anomaly" sections that a
// version-1 reader would ignore and mispredict without.
// 3: random forests keep each leaf's training weight, which their alerts'
// reasons (per-feature path contributions) need.
inline constexpr std::uint32_t kModelFormatVersion = 3;

struct ModelBundle {
  preprocess::Pipeline pipeline;
  std::unique_ptr<models::Classifier> model;
  std::vector<std::string> class_names;
  std::string label_column;
  nlohmann::json meta = nlohmann::json::object();  // training data, split, times
  // Optional: an anomaly detector fitted on the `anomaly_benign` class's
  // training rows (after the pipeline); with it, `vigil detect` raises
  // Unknown/anomaly for flows the classifier calls benign but it flags.
  std::unique_ptr<models::AnomalyDetector> anomaly;
  std::string anomaly_benign;

  // Input columns and their types, as load_dataset expects them.
  std::vector<std::pair<std::string, data::ColumnType>> expected_features() const;
  // Runs the pipeline and the classifier on rows of unknown class.
  Matrix predict_proba(const data::Table& rows) const;
  std::vector<std::int32_t> predict(const data::Table& rows) const;
};

void save_model(const std::string& path, const ModelBundle& bundle);
ModelBundle load_model(const std::string& path);

// The same, to and from bytes in memory (for tests and future transports).
std::vector<std::uint8_t> encode_model(const ModelBundle& bundle);
ModelBundle decode_model(const std::vector<std::uint8_t>& bytes, const std::string& source);

}  // namespace vigil::io
