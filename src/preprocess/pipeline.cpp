#include "vigil/preprocess/pipeline.hpp"

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

TrainingData Pipeline::fit_transform(const data::Table& train,
                                     std::span<const std::int32_t> labels, int classes,
                                     Progress* progress) {
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
  return x;
}

std::string Pipeline::describe() const {
  std::string s = "label-encode > impute(" + to_string(config_.impute) + ")";
  if (config_.smote) {
    s += " > SMOTE(k=" + std::to_string(config_.smote_config.k) + ", target=" +
         (config_.smote_config.target ? std::to_string(config_.smote_config.target) : "majority") +
         ")";
  }
  return s + " > scale(" + to_string(config_.scale) + ")";
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
