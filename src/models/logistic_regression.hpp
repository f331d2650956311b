// Multinomial logistic regression with an L2 penalty (as scikit-learn's
// LogisticRegression with lbfgs): minimises the summed cross-entropy plus
// ||W||^2 / (2C) with L-BFGS from Debian's liblbfgs, and says when it stopped
// short of convergence.
#pragma once

#include <vector>

#include "models/class_weights.hpp"
#include "vigil/core/param_fields.hpp"
#include "vigil/models/classifier.hpp"

namespace vigil::models {

struct LogisticRegressionParams {
  double C = 0;  // inverse L2 strength
  long max_iter = 0;
  double tol = 0;
  ClassWeight class_weight = ClassWeight::kNone;
};

class LogisticRegression final : public Classifier {
 public:
  explicit LogisticRegression(ParamSet params) : Classifier(std::move(params)) {}
  static const ParamFields<LogisticRegressionParams>& fields();
  static std::vector<ParamSpec> param_specs() { return fields().specs(); }

  std::string name() const override { return "lr"; }
  void fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
           Progress* progress) override;
  Matrix predict_proba(const Matrix& x) const override;
  std::vector<std::string> fit_notes() const override { return notes_; }
  void save_state(ByteWriter& w) const override;
  void load_state(ByteReader& r) override;

  // Weights: features x classes, row-major, then one intercept per class.
  const std::vector<double>& coefficients() const { return coef_; }
  const std::vector<double>& intercepts() const { return intercept_; }

 private:
  std::vector<double> coef_;
  std::vector<double> intercept_;
  std::vector<std::string> notes_;
};

void register_logistic_regression(Registry& registry);

}  // namespace vigil::models
