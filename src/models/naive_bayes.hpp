// Gaussian naive Bayes, as scikit-learn's GaussianNB: per-class means and
// variances, variances smoothed by var_smoothing times the largest feature
// variance, priors from class frequencies.
#pragma once

#include <vector>

#include "vigil/core/param_fields.hpp"
#include "vigil/models/classifier.hpp"

namespace vigil::models {

struct NaiveBayesParams {
  double var_smoothing = 0;  // share of the largest variance added to every variance
};

class GaussianNaiveBayes final : public Classifier {
 public:
  explicit GaussianNaiveBayes(ParamSet params) : Classifier(std::move(params)) {}
  static const ParamFields<NaiveBayesParams>& fields();
  static std::vector<ParamSpec> param_specs() { return fields().specs(); }

  std::string name() const override { return "nb"; }
  void fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
           Progress* progress) override;
  Matrix predict_proba(const Matrix& x) const override;
  void save_state(ByteWriter& w) const override;
  void load_state(ByteReader& r) override;

  const std::vector<double>& means() const { return theta_; }    // classes x features
  const std::vector<double>& variances() const { return var_; }  // classes x features
  const std::vector<double>& log_priors() const { return log_prior_; }

 private:
  void precompute();
  std::vector<double> theta_;
  std::vector<double> var_;
  std::vector<double> log_prior_;
  std::vector<double> inv_var_;   // 1 / var
  std::vector<double> log_norm_;  // per class: log prior - 0.5 * sum log(2 pi var)
};

void register_naive_bayes(Registry& registry);

}  // namespace vigil::models
