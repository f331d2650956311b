#include "vigil/preprocess/pipeline.hpp"

#include <algorithm>
#include <numeric>

#include "vigil/core/error.hpp"

namespace vigil::preprocess {

Matrix Pipeline::fit_prepare(const data::Table& train, std::span<const std::int32_t> labels,
                             int classes) {
  encoder_.fit(train);
  Matrix x = encoder_.transform(train);
  imputer_ = Imputer(config_.impute, config_.impute_constant);
  imputer_.fit(x, labels, classes);
  imputer_.transform_training(x, labels);
  return x;
}

void Pipeline::fit_scale(Matrix& x) {
  scaler_ = Scaler(config_.scale);
  scaler_.fit(x);
  scaler_.transform(x);
}

TrainingData Pipeline::fit_transform(const data::Table& train, std::span<const std::int32_t> labels,
                                     int classes, Progress* progress) {
  TrainingData out;
  out.x = fit_prepare(train, labels, classes);
  out.labels.assign(labels.begin(), labels.end());
  if (config_.smote) {
    Resampled r = smote(out.x, labels, classes, config_.smote_config, progress);
    out.x = std::move(r.x);
    out.labels = std::move(r.labels);
    out.synthetic = r.synthetic;
    out.notes = std::move(r.notes);
  }
  fit_scale(out.x);
  return out;
}

Matrix Pipeline::prepare(const data::Table& rows) const {
  Matrix x = encoder_.transform(rows);
  imputer_.transform(x);
  return x;
}

Matrix Pipeline::transform(const data::Table& rows) const {
  Matrix x = prepare(rows);
  scaler_.transform(x);
  return config_.reduces() ? reduce(x) : x;
}

Matrix Pipeline::fit_reduction(const Matrix& scaled, std::span<const double> scores) {
  selected_.clear();
  scores_.assign(scores.begin(), scores.end());
  pca_ = Pca();
  if (config_.select > 0) {
    VIGIL_CHECK(scores.size() == scaled.cols(), "one score per feature");
    if (config_.select > scaled.cols()) {
      throw ParamError("--select " + std::to_string(config_.select) +
                       " asks for more features than the " + std::to_string(scaled.cols()) +
                       " there are");
    }
    std::vector<std::uint32_t> order(scaled.cols());
    std::iota(order.begin(), order.end(), 0u);
    // Best first; equal scores keep column order, so the choice is stable.
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return scores[a] > scores[b]; });
    selected_.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(config_.select));
    std::sort(selected_.begin(), selected_.end());
  }
  Matrix selected = reduce(scaled);  // the selection alone: PCA is not fitted yet
  if (config_.pca > 0) {
    pca_.fit(selected, config_.pca);
    return pca_.transform(selected);
  }
  return selected;
}

Matrix Pipeline::reduce(const Matrix& scaled) const {
  Matrix out;
  if (selected_.empty()) {
    out = scaled;
  } else {
    out = Matrix(scaled.rows(), selected_.size());
    for (std::size_t r = 0; r < scaled.rows(); ++r) {
      const auto in = scaled.row(r);
      for (std::size_t j = 0; j < selected_.size(); ++j) out(r, j) = in[selected_[j]];
    }
  }
  return pca_.fitted() ? pca_.transform(out) : out;
}

std::size_t Pipeline::output_width() const {
  if (pca_.fitted()) return pca_.components();
  return selected_.empty() ? encoder_.columns().size() : selected_.size();
}

std::vector<std::string> Pipeline::output_names() const {
  std::vector<std::string> names;
  if (pca_.fitted()) {
    for (std::size_t i = 0; i < pca_.components(); ++i)
      names.push_back("pc" + std::to_string(i + 1));
    return names;
  }
  const auto& columns = encoder_.columns();
  if (selected_.empty()) {
    for (const auto& c : columns) names.push_back(c.name);
  } else {
    for (auto i : selected_) names.push_back(columns[i].name);
  }
  return names;
}

std::string Pipeline::describe() const {
  std::string s = "label-encode > impute(" + to_string(config_.impute) + ")";
  if (config_.smote) {
    s += " > SMOTE(k=" + std::to_string(config_.smote_config.k) + ", target=" +
         (config_.smote_config.target ? std::to_string(config_.smote_config.target) : "majority") +
         ")";
  }
  s += " > scale(" + to_string(config_.scale) + ")";
  if (config_.select > 0)
    s +=
        " > select(" + std::to_string(config_.select) + " by " + to_string(config_.select_by) + ")";
  if (config_.pca > 0) {
    s += " > PCA(" +
         (pca_.fitted() ? std::to_string(pca_.components()) + " components"
                        : std::to_string(config_.pca)) +
         ")";
  }
  return s;
}

void Pipeline::save_reduction(ByteWriter& w) const {
  w.u64(config_.select);
  w.u8(static_cast<std::uint8_t>(config_.select_by));
  w.f64(config_.pca);
  std::vector<std::int32_t> selected(selected_.begin(), selected_.end());
  w.ints(selected);
  w.doubles(scores_);
  w.u8(pca_.fitted());
  if (pca_.fitted()) pca_.save(w);
}

void Pipeline::load_reduction(ByteReader& r) {
  config_.select = r.u64();
  const auto by = r.u8();
  if (by > static_cast<std::uint8_t>(SelectBy::kPermutation)) r.fail("unknown feature score");
  config_.select_by = static_cast<SelectBy>(by);
  config_.pca = r.f64();
  const std::vector<std::int32_t> selected = r.ints();
  scores_ = r.doubles();
  const std::size_t width = encoder_.columns().size();
  selected_.clear();
  for (auto s : selected) {
    if (s < 0 || static_cast<std::size_t>(s) >= width) r.fail("a selected feature is out of range");
    selected_.push_back(static_cast<std::uint32_t>(s));
  }
  if (selected_.size() != config_.select && !(config_.select == 0 && selected_.empty())) {
    r.fail("the feature selection disagrees with its configuration");
  }
  pca_ = Pca();
  if (r.u8()) {
    pca_.load(r);
    if (pca_.inputs() != (selected_.empty() ? width : selected_.size()))
      r.fail("PCA input width disagrees");
  }
}

void Pipeline::save(ByteWriter& w) const {
  w.u8(static_cast<std::uint8_t>(config_.impute));
  w.f64(config_.impute_constant);
  w.u8(static_cast<std::uint8_t>(config_.scale));
  w.u8(config_.smote ? 1 : 0);
  w.i32(config_.smote_config.k);
  w.u64(config_.smote_config.target);
  w.u64(config_.smote_config.seed);
  encoder_.save(w);
  imputer_.save(w);
  scaler_.save(w);
}

void Pipeline::load(ByteReader& r) {
  const auto impute = r.u8();
  if (impute > static_cast<std::uint8_t>(ImputeStrategy::kClassMean)) r.fail("unknown imputation");
  config_.impute = static_cast<ImputeStrategy>(impute);
  config_.impute_constant = r.f64();
  const auto scale = r.u8();
  if (scale > static_cast<std::uint8_t>(ScaleKind::kMinMax)) r.fail("unknown scaling");
  config_.scale = static_cast<ScaleKind>(scale);
  config_.smote = r.u8() != 0;
  config_.smote_config.k = r.i32();
  config_.smote_config.target = r.u64();
  config_.smote_config.seed = r.u64();
  encoder_.load(r);
  imputer_.load(r);
  scaler_.load(r);
  if (imputer_.fill_values().size() != encoder_.columns().size() ||
      scaler_.offsets().size() != encoder_.columns().size()) {
    r.fail("pipeline steps disagree on the number of columns");
  }
}

}  // namespace vigil::preprocess
