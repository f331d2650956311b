#include "vigil/detect/flow_scorer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "vigil/core/error.hpp"

namespace vigil::detect {

FlowScorer::FlowScorer(const io::ModelBundle& bundle) : bundle_(&bundle) {
  const preprocess::Pipeline& pipeline = bundle.pipeline;
  const auto& inputs = pipeline.input_columns();
  const auto& fill = pipeline.imputer().fill_values();
  const preprocess::Scaler& scaler = pipeline.scaler();
  const bool scaled = scaler.kind() != preprocess::ScaleKind::kNone;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string& name = inputs[i].name;
    Field f;
    f.source = capture::record_column(name);
    if (f.source.field == capture::RecordField::kNone) {
      throw InputError(
          "the model expects a column '" + name +
          "' that flows do not carry (detect computes UNSW-NB15's features; see docs/features.md)");
    }
    const bool categorical = inputs[i].type == data::ColumnType::kCategorical;
    if (categorical != capture::is_text_field(f.source.field)) {
      throw InputError("the model was trained on column '" + name + "' as " +
                       data::to_string(inputs[i].type) + ", but flows carry it as " +
                       (categorical ? "a number" : "text"));
    }
    f.encoder = pipeline.encoder().encoder(i);
    f.fill = i < fill.size() ? static_cast<float>(fill[i]) : 0.0f;
    if (scaled) {
      f.offset = scaler.offsets()[i];
      f.scale = scaler.scales()[i];
    }
    f.baseline = static_cast<float>((f.fill - f.offset) / f.scale);
    fields_.push_back(f);
    names_.push_back(name);
  }
}

float FlowScorer::value(const capture::FlowRecord& flow, const Field& f) const {
  using capture::RecordField;
  switch (f.source.field) {
    case RecordField::kNumeric:
      return static_cast<float>(flow.numeric[f.source.numeric]);
    case RecordField::kProto:
      return f.encoder->encode(flow.proto);
    case RecordField::kService:
      return f.encoder->encode(flow.service);
    case RecordField::kState:
      return f.encoder->encode(flow.state);
    case RecordField::kAppProto:
      return f.encoder->encode(flow.app_proto);
    case RecordField::kSrcip:
      return f.encoder->encode(flow.srcip);
    case RecordField::kDstip:
      return f.encoder->encode(flow.dstip);
    case RecordField::kSport:
      return flow.sport;
    case RecordField::kDsport:
      return flow.dsport;
    case RecordField::kStime:
      return static_cast<float>(flow.stime);
    case RecordField::kLtime:
      return static_cast<float>(flow.ltime);
    case RecordField::kId:
      return static_cast<float>(flow.id);
    case RecordField::kNone:
      break;
  }
  return std::nanf("");
}

void FlowScorer::encode(const capture::FlowRecord& flow, std::span<float> row) const {
  // The same arithmetic as Pipeline::transform (float input, double scaling),
  // so a flow scores exactly as `vigil predict` scores its CSV row.
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    const Field& f = fields_[i];
    float v = value(flow, f);
    if (std::isnan(v)) v = f.fill;
    row[i] = static_cast<float>((v - f.offset) / f.scale);
  }
}

namespace {

// The `top` largest deltas, largest first; equal deltas keep column order, so
// output is stable.
std::vector<Contribution> top_contributions(std::vector<Contribution> all, std::size_t top) {
  const std::size_t n = std::min(top, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<long>(n), all.end(),
                    [](const Contribution& a, const Contribution& b) {
                      return a.delta != b.delta ? a.delta > b.delta : a.feature < b.feature;
                    });
  all.resize(n);
  return all;
}

}  // namespace

std::vector<std::vector<Contribution>> FlowScorer::explain(const Matrix& rows, const Matrix& proba,
                                                           std::span<const std::size_t> which,
                                                           std::span<const std::int32_t> classes,
                                                           std::size_t top) const {
  std::vector<std::vector<Contribution>> out(which.size());
  const std::size_t width = fields_.size();
  if (which.empty() || top == 0 || width == 0) return out;
  if (explain_by_paths(rows, which, classes, top, out)) return out;
  // Row (i, j) is flow which[i] with feature j at its baseline.
  Matrix probe(which.size() * width, width);
  for (std::size_t i = 0; i < which.size(); ++i) {
    const auto src = rows.row(which[i]);
    for (std::size_t j = 0; j < width; ++j) {
      auto dst = probe.row(i * width + j);
      std::copy(src.begin(), src.end(), dst.begin());
      dst[j] = fields_[j].baseline;
    }
  }
  const Matrix occluded = predict_proba(probe);
  for (std::size_t i = 0; i < which.size(); ++i) {
    const auto cls = static_cast<std::size_t>(classes[i]);
    const float p = proba(which[i], cls);
    std::vector<Contribution> all(width);
    for (std::size_t j = 0; j < width; ++j) all[j] = {j, p - occluded(i * width + j, cls)};
    out[i] = top_contributions(std::move(all), top);
  }
  return out;
}

bool FlowScorer::explain_by_paths(const Matrix& rows, std::span<const std::size_t> which,
                                  std::span<const std::int32_t> classes, std::size_t top,
                                  std::vector<std::vector<Contribution>>& out) const {
  const preprocess::Pipeline& pipeline = bundle_->pipeline;
  // Principal components mix the inputs: no credit per input feature there.
  if (pipeline.config().pca > 0) return false;
  Matrix listed(which.size(), rows.cols());
  for (std::size_t i = 0; i < which.size(); ++i) {
    const auto src = rows.row(which[i]);
    std::copy(src.begin(), src.end(), listed.row(i).begin());
  }
  const Matrix by_model = bundle_->model->contributions(
      pipeline.config().reduces() ? pipeline.reduce(listed) : listed, classes);
  if (by_model.empty()) return false;
  for (std::size_t i = 0; i < which.size(); ++i) out[i] = top_of(by_model, i, top);
  return true;
}

std::vector<Contribution> FlowScorer::top_of(const Matrix& by_model, std::size_t i,
                                             std::size_t top) const {
  const auto& selected = bundle_->pipeline.selected();
  std::vector<Contribution> all(by_model.cols());
  for (std::size_t j = 0; j < by_model.cols(); ++j) {
    all[j] = {selected.empty() ? j : static_cast<std::size_t>(selected[j]), by_model(i, j)};
  }
  return top_contributions(std::move(all), top);
}

FlowScorer::Explained FlowScorer::predict_explained(const Matrix& rows,
                                                    const models::Classifier::ExplainWhich& which,
                                                    std::size_t top) const {
  const preprocess::Pipeline& pipeline = bundle_->pipeline;
  Explained out;
  std::vector<std::int32_t> classes;
  // Principal components mix the inputs: no credit per input feature there.
  if (pipeline.config().pca == 0 && top > 0 && width() > 0) {
    auto by_model = bundle_->model->predict_explained(
        pipeline.config().reduces() ? pipeline.reduce(rows) : rows, which);
    out.proba = std::move(by_model.proba);
    out.rows = std::move(by_model.rows);
    if (out.rows.empty() || !by_model.contributions.empty()) {
      for (std::size_t i = 0; i < out.rows.size(); ++i)
        out.reasons.push_back(top_of(by_model.contributions, i, top));
      return out;
    }
    classes = std::move(by_model.classes);
  } else {
    out.proba = predict_proba(rows);
    for (std::size_t i = 0; i < rows.rows(); ++i) {
      const std::int32_t c = which(i, out.proba.row(i));
      if (c < 0) continue;
      out.rows.push_back(i);
      classes.push_back(c);
    }
  }
  // The model has no contributions of its own: by occlusion.
  out.reasons = explain(rows, out.proba, out.rows, classes, top);
  return out;
}

std::string FlowScorer::raw_value(const capture::FlowRecord& flow, std::size_t feature) const {
  using capture::RecordField;
  const Field& f = fields_[feature];
  switch (f.source.field) {
    case RecordField::kProto:
      return flow.proto;
    case RecordField::kService:
      return flow.service;
    case RecordField::kState:
      return flow.state;
    case RecordField::kAppProto:
      return flow.app_proto;
    case RecordField::kSrcip:
      return flow.srcip;
    case RecordField::kDstip:
      return flow.dstip;
    default:
      break;
  }
  const double v = f.source.field == RecordField::kNumeric ? flow.numeric[f.source.numeric]
                                                           : static_cast<double>(value(flow, f));
  if (std::isnan(v)) return "";
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", v);
  return text;
}

}  // namespace vigil::detect
