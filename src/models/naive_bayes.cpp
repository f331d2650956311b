#include "models/naive_bayes.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "core/parallel.hpp"
#include "vigil/core/error.hpp"

namespace vigil::models {

const ParamFields<NaiveBayesParams>& GaussianNaiveBayes::fields() {
  using P = NaiveBayesParams;
  static const auto fields =
      ParamFields<P>().real("var_smoothing", &P::var_smoothing, 1e-9, 0.0, 1.0,
                            "share of the largest feature variance added to every variance");
  return fields;
}

void GaussianNaiveBayes::fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
                             Progress*) {
  VIGIL_CHECK(labels.size() == x.rows() && classes > 0, "naive Bayes fit shapes");
  if (x.rows() == 0) throw InputError("naive Bayes: no training rows");
  const std::size_t d = x.cols();
  const auto k = static_cast<std::size_t>(classes);
  // Sums in double, then centred second moments, per class.
  std::vector<double> sum(k * d, 0.0);
  std::vector<std::size_t> count(k, 0);
  for (std::size_t r = 0; r < x.rows(); ++r) {
    const auto y = static_cast<std::size_t>(labels[r]);
    ++count[y];
    const auto row = x.row(r);
    for (std::size_t j = 0; j < d; ++j) sum[y * d + j] += row[j];
  }
  theta_.assign(k * d, 0.0);
  for (std::size_t c = 0; c < k; ++c) {
    for (std::size_t j = 0; j < d; ++j) {
      theta_[c * d + j] = count[c] ? sum[c * d + j] / static_cast<double>(count[c]) : 0.0;
    }
  }
  var_.assign(k * d, 0.0);
  for (std::size_t r = 0; r < x.rows(); ++r) {
    const auto y = static_cast<std::size_t>(labels[r]);
    const auto row = x.row(r);
    for (std::size_t j = 0; j < d; ++j) {
      const double diff = row[j] - theta_[y * d + j];
      var_[y * d + j] += diff * diff;
    }
  }
  for (std::size_t c = 0; c < k; ++c) {
    for (std::size_t j = 0; j < d; ++j) {
      var_[c * d + j] = count[c] ? var_[c * d + j] / static_cast<double>(count[c]) : 0.0;
    }
  }
  // epsilon = var_smoothing * the largest variance of any feature over all rows.
  double largest = 0.0;
  for (std::size_t j = 0; j < d; ++j) {
    double mean = 0.0;
    for (std::size_t r = 0; r < x.rows(); ++r) mean += x(r, j);
    mean /= static_cast<double>(x.rows());
    double ss = 0.0;
    for (std::size_t r = 0; r < x.rows(); ++r) ss += (x(r, j) - mean) * (x(r, j) - mean);
    largest = std::max(largest, ss / static_cast<double>(x.rows()));
  }
  double epsilon = fields().bind(params_).var_smoothing * largest;
  // All features constant: any positive variance keeps the likelihood finite.
  if (epsilon <= 0.0) epsilon = std::numeric_limits<double>::min();
  for (auto& v : var_) v += epsilon;

  log_prior_.assign(k, -std::numeric_limits<double>::infinity());
  for (std::size_t c = 0; c < k; ++c) {
    if (count[c])
      log_prior_[c] = std::log(static_cast<double>(count[c]) / static_cast<double>(x.rows()));
  }
  classes_ = classes;
  features_ = d;
  precompute();
}

void GaussianNaiveBayes::precompute() {
  const std::size_t d = features_;
  const auto k = static_cast<std::size_t>(classes_);
  inv_var_.resize(var_.size());
  log_norm_.assign(k, 0.0);
  for (std::size_t c = 0; c < k; ++c) {
    double s = 0.0;
    for (std::size_t j = 0; j < d; ++j) {
      inv_var_[c * d + j] = 1.0 / var_[c * d + j];
      s += std::log(2.0 * std::numbers::pi * var_[c * d + j]);
    }
    log_norm_[c] = log_prior_[c] - 0.5 * s;
  }
}

Matrix GaussianNaiveBayes::predict_proba(const Matrix& x) const {
  check_input(x);
  const std::size_t d = features_;
  const auto k = static_cast<std::size_t>(classes_);
  Matrix proba(x.rows(), k);
  for_row_pieces(x.rows(), 1024, [&](std::size_t first, std::size_t last) {
    std::vector<double> joint(k);
    for (std::size_t r = first; r < last; ++r) {
      const auto row = x.row(r);
      double best = -std::numeric_limits<double>::infinity();
      for (std::size_t c = 0; c < k; ++c) {
        const double* mu = &theta_[c * d];
        const double* iv = &inv_var_[c * d];
        double q = 0.0;
        for (std::size_t j = 0; j < d; ++j) {
          const double diff = row[j] - mu[j];
          q += diff * diff * iv[j];
        }
        joint[c] = log_norm_[c] - 0.5 * q;
        best = std::max(best, joint[c]);
      }
      // Normalise with log-sum-exp so that extreme likelihoods do not underflow.
      double total = 0.0;
      for (std::size_t c = 0; c < k; ++c) total += std::exp(joint[c] - best);
      for (std::size_t c = 0; c < k; ++c) {
        proba(r, c) = static_cast<float>(std::exp(joint[c] - best) / total);
      }
    }
  });
  return proba;
}

void GaussianNaiveBayes::save_state(ByteWriter& w) const {
  w.i32(classes_);
  w.u64(features_);
  w.doubles(theta_);
  w.doubles(var_);
  w.doubles(log_prior_);
}

void GaussianNaiveBayes::load_state(ByteReader& r) {
  classes_ = r.i32();
  features_ = r.u64();
  theta_ = r.doubles();
  var_ = r.doubles();
  log_prior_ = r.doubles();
  const auto k = static_cast<std::size_t>(classes_);
  if (classes_ <= 0 || !size_is_product(theta_.size(), k, features_) ||
      var_.size() != theta_.size() || log_prior_.size() != k) {
    r.fail("naive Bayes state sizes disagree");
  }
  precompute();
}

void register_naive_bayes(Registry& registry) {
  registry.add({"nb", "Gaussian naive Bayes (as scikit-learn's GaussianNB)",
                GaussianNaiveBayes::param_specs(),
                [](ParamSet p) { return std::make_unique<GaussianNaiveBayes>(std::move(p)); }});
}

}  // namespace vigil::models
