// What the data itself allows: duplicate feature vectors, vectors that occur
// with more than one class, and the accuracy ceiling those conflicts impose.
// A model scoring above the ceiling on the same rows has seen its test rows.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "vigil/data/table.hpp"

namespace vigil::eval {

struct DataQuality {
  std::size_t rows = 0;
  std::size_t distinct_vectors = 0;
  std::size_t duplicate_rows = 0;       // rows whose features repeat an earlier row's
  std::size_t conflicting_vectors = 0;  // distinct vectors seen with more than one class
  std::size_t rows_in_conflicts = 0;
  // Best accuracy any classifier of exact feature vectors can reach on these rows
  // (each vector predicts its most frequent class)...
  double ceiling = 1.0;
  // ...and the same with every class weighted equally, as a test set balanced
  // by resampling weighs them.
  double balanced_ceiling = 1.0;
  // Filled when a train/test split is known: test rows whose vector is in training.
  std::size_t test_rows = 0;
  std::size_t test_rows_seen_in_training = 0;
};

// One key per row: the exact values of every feature column.
std::vector<std::string> row_keys(const data::Table& features);

DataQuality assess_data_quality(const data::Table& features, std::span<const std::int32_t> labels,
                                int classes);
// Counts the test rows whose exact feature vector also occurs among the training rows.
void count_shared_rows(const std::vector<std::string>& train_keys,
                       const std::vector<std::string>& test_keys, DataQuality& q);

std::string data_quality_text(const DataQuality& q);
nlohmann::json to_json(const DataQuality& q);

}  // namespace vigil::eval
