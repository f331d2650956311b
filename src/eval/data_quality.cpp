#include "vigil/eval/data_quality.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

namespace vigil::eval {

std::vector<std::string> row_keys(const data::Table& features) {
  std::vector<std::string> keys(features.rows());
  for (const auto& col : features.columns) {
    for (std::size_t r = 0; r < features.rows(); ++r) {
      std::string& key = keys[r];
      if (col.type == data::ColumnType::kNumeric) {
        float v = col.numbers[r];
        if (std::isnan(v)) v = std::nanf("");  // one bit pattern for every missing value
        if (v == 0.0f) v = 0.0f;               // -0 and +0 are the same value
        char bytes[sizeof v];
        std::memcpy(bytes, &v, sizeof v);
        key.append(bytes, sizeof v);
      } else {
        key.append(col.strings[r]);
        key.push_back('\0');
      }
    }
  }
  return keys;
}

DataQuality assess_data_quality(const data::Table& features, std::span<const std::int32_t> labels,
                                int classes) {
  DataQuality q;
  q.rows = features.rows();
  const auto k = static_cast<std::size_t>(classes);
  const std::vector<std::string> keys = row_keys(features);
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> by_vector;
  by_vector.reserve(keys.size());
  std::vector<double> class_rows(k, 0);
  for (std::size_t r = 0; r < keys.size(); ++r) {
    auto& counts = by_vector[keys[r]];
    if (counts.empty()) counts.assign(k, 0);
    ++counts[static_cast<std::size_t>(labels[r])];
    ++class_rows[static_cast<std::size_t>(labels[r])];
  }
  q.distinct_vectors = by_vector.size();
  q.duplicate_rows = q.rows - q.distinct_vectors;
  double best = 0, best_balanced = 0;
  std::size_t present_classes = 0;
  for (double n : class_rows) present_classes += n > 0;
  for (const auto& [key, counts] : by_vector) {
    std::uint32_t top = 0, total = 0, seen = 0;
    double top_balanced = 0;
    for (std::size_t c = 0; c < k; ++c) {
      top = std::max(top, counts[c]);
      total += counts[c];
      seen += counts[c] > 0;
      if (class_rows[c] > 0) top_balanced = std::max(top_balanced, counts[c] / class_rows[c]);
    }
    best += top;
    best_balanced += top_balanced;
    if (seen > 1) {
      ++q.conflicting_vectors;
      q.rows_in_conflicts += total;
    }
  }
  if (q.rows > 0) q.ceiling = best / static_cast<double>(q.rows);
  if (present_classes > 0)
    q.balanced_ceiling = best_balanced / static_cast<double>(present_classes);
  return q;
}

void count_shared_rows(const std::vector<std::string>& train_keys,
                       const std::vector<std::string>& test_keys, DataQuality& q) {
  const std::unordered_set<std::string_view> train(train_keys.begin(), train_keys.end());
  q.test_rows = test_keys.size();
  q.test_rows_seen_in_training = 0;
  for (const auto& key : test_keys) q.test_rows_seen_in_training += train.count(key);
}

std::string data_quality_text(const DataQuality& q) {
  char buf[1024];
  const auto pct = [&](std::size_t n, std::size_t of) {
    return of ? 100.0 * static_cast<double>(n) / static_cast<double>(of) : 0.0;
  };
  int len = std::snprintf(
      buf, sizeof buf,
      "== data quality\n"
      "rows %zu, distinct feature vectors %zu; %zu rows (%.1f%%) repeat another row's features\n"
      "%zu feature vectors occur with more than one class, covering %zu rows (%.1f%%)\n"
      "accuracy ceiling of any classifier on these features: %.4f plain, %.4f with classes "
      "weighted equally\n",
      q.rows, q.distinct_vectors, q.duplicate_rows, pct(q.duplicate_rows, q.rows),
      q.conflicting_vectors, q.rows_in_conflicts, pct(q.rows_in_conflicts, q.rows), q.ceiling,
      q.balanced_ceiling);
  std::string out(buf, static_cast<std::size_t>(len));
  if (q.test_rows > 0) {
    len = std::snprintf(
        buf, sizeof buf,
        "%zu of %zu test rows (%.1f%%) have a feature vector that is also in the training part\n",
        q.test_rows_seen_in_training, q.test_rows, pct(q.test_rows_seen_in_training, q.test_rows));
    out.append(buf, static_cast<std::size_t>(len));
  }
  return out;
}

nlohmann::json to_json(const DataQuality& q) {
  return {{"rows", q.rows},
          {"distinct_vectors", q.distinct_vectors},
          {"duplicate_rows", q.duplicate_rows},
          {"conflicting_vectors", q.conflicting_vectors},
          {"rows_in_conflicts", q.rows_in_conflicts},
          {"accuracy_ceiling", q.ceiling},
          {"balanced_accuracy_ceiling", q.balanced_ceiling},
          {"test_rows", q.test_rows},
          {"test_rows_seen_in_training", q.test_rows_seen_in_training}};
}

}  // namespace vigil::eval
