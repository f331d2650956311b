// Probability calibration, as scikit-learn's CalibratedClassifierCV with
// method="isotonic" and a held-out part (cv="prefit" on a split): the base
// model learns from most training rows, and per class an isotonic map from its
// probability to the share of rows of that class is fitted on the rest (pool
// adjacent violators); rows are renormalised to sum to 1. So a probability of
// 0.9 means about nine in ten such flows are of the class, and a detector's
// --threshold means what it says.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vigil/core/param_fields.hpp"
#include "vigil/models/classifier.hpp"

namespace vigil::models {

struct CalibratedParams {
  std::string base;       // the calibrated model's registry name
  double validation = 0;  // share of training rows the maps learn from
  long seed = 0;          // for the stratified split
};

// One class's map: a non-decreasing step function through (x, y) points,
// linear between them and flat beyond the ends (as IsotonicRegression's
// predict with out_of_bounds="clip").
struct IsotonicMap {
  std::vector<float> x, y;
  float operator()(float score) const;
  // Pool adjacent violators on (score, target) pairs, weights 1.
  static IsotonicMap fit(std::vector<std::pair<float, float>> pairs);
};

class CalibratedClassifier final : public Classifier {
 public:
  explicit CalibratedClassifier(ParamSet params) : Classifier(std::move(params)) {}
  static const ParamFields<CalibratedParams>& fields();
  static std::vector<ParamSpec> param_specs() { return fields().specs(); }

  std::string name() const override { return "calibrated"; }
  void fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
           Progress* progress) override;
  Matrix predict_proba(const Matrix& x) const override;
  std::vector<std::string> fit_notes() const override { return notes_; }
  std::vector<double> feature_importances() const override;
  void save_state(ByteWriter& w) const override;
  void load_state(ByteReader& r) override;

 private:
  std::unique_ptr<Classifier> base_;
  std::vector<IsotonicMap> maps_;  // per class
  std::vector<std::string> notes_;
};

void register_calibrated(Registry& registry);

}  // namespace vigil::models
