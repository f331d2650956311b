#include "models/logistic_regression.hpp"

#include <lbfgs.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/parallel.hpp"
#include "vigil/core/error.hpp"

namespace vigil::models {
namespace {

using RowMatD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMatF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The objective and its state, reached from liblbfgs' C callbacks.
struct Problem {
  // The two big products run in float (twice the speed of double on the
  // vector units); losses and the optimiser's state stay in double.
  const float* x_data = nullptr;  // rows x features, row-major
  Eigen::Index rows = 0;
  Eigen::Map<const RowMatF> x() const { return {x_data, rows, d}; }
  std::vector<std::int32_t> y;
  std::vector<double> class_weight;  // each row's loss is multiplied by its class's
  Eigen::Index d = 0, k = 0;
  double inverse_c = 1.0;
  double tol = 1e-4;
  int iterations = 0;
  bool converged = false;
  Progress* progress = nullptr;
  RowMatF p;  // workspace: rows x classes
};

lbfgsfloatval_t evaluate(void* instance, const lbfgsfloatval_t* theta, lbfgsfloatval_t* grad, int,
                         lbfgsfloatval_t) {
  auto& pr = *static_cast<Problem*>(instance);
  const Eigen::Map<const RowMatD> w(theta, pr.d, pr.k);
  const Eigen::Map<const Eigen::RowVectorXd> b(theta + pr.d * pr.k, pr.k);
  const auto x = pr.x();
  pr.p.noalias() = x * w.cast<float>();
  double loss = 0.0;
  const auto rows = static_cast<long>(pr.rows);
#pragma omp parallel for reduction(+ : loss) schedule(static)
  for (long r = 0; r < rows; ++r) {
    auto row = pr.p.row(r);
    Eigen::RowVectorXd z = row.cast<double>() + b;
    z.array() = (z.array() - z.maxCoeff()).exp();
    const double s = z.sum();
    const auto y = pr.y[static_cast<std::size_t>(r)];
    const double weight = pr.class_weight[static_cast<std::size_t>(y)];
    loss -= weight * std::log(z(y) / s);
    z /= s;
    z(y) -= 1.0;  // now softmax - onehot
    row = (weight * z).cast<float>();
  }
  Eigen::Map<RowMatD> gw(grad, pr.d, pr.k);
  Eigen::Map<Eigen::RowVectorXd> gb(grad + pr.d * pr.k, pr.k);
  gw = (x.transpose() * pr.p).cast<double>();
  gw += pr.inverse_c * w;
  gb = pr.p.cast<double>().colwise().sum();
  return loss + 0.5 * pr.inverse_c * w.squaredNorm();
}

int on_progress(void* instance, const lbfgsfloatval_t*, const lbfgsfloatval_t* g, lbfgsfloatval_t,
                lbfgsfloatval_t, lbfgsfloatval_t, lbfgsfloatval_t, int n, int k, int) {
  auto& pr = *static_cast<Problem*>(instance);
  pr.iterations = k;
  if (pr.progress) pr.progress->update(static_cast<std::size_t>(k));
  // scikit-learn's test: the largest gradient entry, relative to the number of rows.
  double gmax = 0;
  for (int i = 0; i < n; ++i) gmax = std::max(gmax, std::abs(g[i]));
  if (gmax / static_cast<double>(pr.rows) <= pr.tol) {
    pr.converged = true;
    return 1;  // stop
  }
  return 0;
}

}  // namespace

const ParamFields<LogisticRegressionParams>& LogisticRegression::fields() {
  using P = LogisticRegressionParams;
  static const auto fields =
      ParamFields<P>()
          .real("C", &P::C, 1.0, 1e-12, 1e12, "inverse L2 strength (larger: weaker penalty)")
          .integer("max_iter", &P::max_iter, 1000, 1, 1000000, "most L-BFGS iterations")
          .real("tol", &P::tol, 1e-4, 0, 1,
                "stop when the largest gradient entry per row falls below this")
          .choice("class_weight", &P::class_weight, ClassWeight::kNone, class_weight_choices(),
                  kClassWeightDoc);
  return fields;
}

void LogisticRegression::fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
                             Progress* progress) {
  VIGIL_CHECK(labels.size() == x.rows() && classes > 0, "logistic regression fit shapes");
  if (x.rows() == 0) throw InputError("logistic regression: no training rows");
  Problem pr;
  pr.d = static_cast<Eigen::Index>(x.cols());
  pr.k = classes;
  pr.x_data = x.data();
  pr.rows = static_cast<Eigen::Index>(x.rows());
  pr.y.assign(labels.begin(), labels.end());
  const LogisticRegressionParams settings = fields().bind(params_);
  pr.class_weight = class_weights(settings.class_weight, labels, classes);
  pr.inverse_c = 1.0 / settings.C;
  pr.tol = settings.tol;
  pr.progress = progress;
  pr.p.resize(pr.rows, pr.k);

  const int n = static_cast<int>(pr.d * pr.k + pr.k);
  lbfgsfloatval_t* theta = lbfgs_malloc(n);
  if (theta == nullptr) throw std::bad_alloc();
  std::fill(theta, theta + n, 0.0);
  lbfgs_parameter_t param;
  lbfgs_parameter_init(&param);
  param.m = 10;
  param.max_iterations = static_cast<int>(settings.max_iter);
  param.epsilon = 1e-12;  // our own test in on_progress decides convergence
  param.linesearch = LBFGS_LINESEARCH_BACKTRACKING_STRONG_WOLFE;
  lbfgsfloatval_t fx = 0;
  if (progress)
    progress->begin("logistic regression", static_cast<std::size_t>(param.max_iterations));
  const int status = lbfgs(n, theta, &fx, evaluate, on_progress, &pr, &param);
  if (progress) progress->end();
  coef_.assign(theta, theta + pr.d * pr.k);
  intercept_.assign(theta + pr.d * pr.k, theta + n);
  lbfgs_free(theta);
  classes_ = classes;
  features_ = x.cols();

  char line[200];
  notes_.clear();
  if (pr.converged || status == LBFGS_SUCCESS || status == LBFGS_CONVERGENCE ||
      status == LBFGS_STOP) {
    std::snprintf(line, sizeof line, "lr: converged after %d L-BFGS iterations (loss %.6g)",
                  pr.iterations, fx);
  } else if (status == LBFGSERR_MAXIMUMITERATION) {
    std::snprintf(line, sizeof line, "lr: stopped short of convergence at max_iter=%d (loss %.6g)",
                  pr.iterations, fx);
  } else {
    std::snprintf(line, sizeof line,
                  "lr: L-BFGS stopped after %d iterations with status %d (loss %.6g); "
                  "the weights are the best found",
                  pr.iterations, status, fx);
  }
  notes_.push_back(line);
  if (!std::isfinite(fx))
    throw InputError("logistic regression: the loss is not finite (scale the features)");
}

Matrix LogisticRegression::predict_proba(const Matrix& x) const {
  check_input(x);
  const auto k = static_cast<Eigen::Index>(classes_);
  const auto d = static_cast<Eigen::Index>(features_);
  Matrix out(x.rows(), static_cast<std::size_t>(classes_));
  // One float matrix product for all rows, then a stable softmax per row.
  const RowMatF w = Eigen::Map<const RowMatD>(coef_.data(), d, k).cast<float>();
  const Eigen::RowVectorXf b =
      Eigen::Map<const Eigen::RowVectorXd>(intercept_.data(), k).cast<float>();
  Eigen::Map<RowMatF> z(out.data(), static_cast<Eigen::Index>(x.rows()), k);
  z.noalias() = Eigen::Map<const RowMatF>(x.data(), static_cast<Eigen::Index>(x.rows()), d) * w;
  for_row_pieces(x.rows(), 1024, [&](std::size_t first, std::size_t last) {
    for (std::size_t r = first; r < last; ++r) {
      auto row = z.row(static_cast<Eigen::Index>(r));
      row += b;
      row.array() = (row.array() - row.maxCoeff()).exp();
      row /= row.sum();
    }
  });
  return out;
}

void LogisticRegression::save_state(ByteWriter& w) const {
  w.i32(classes_);
  w.u64(features_);
  w.doubles(coef_);
  w.doubles(intercept_);
  w.strings(notes_);
}

void LogisticRegression::load_state(ByteReader& r) {
  classes_ = r.i32();
  features_ = r.u64();
  coef_ = r.doubles();
  intercept_ = r.doubles();
  notes_ = r.strings();
  const auto k = static_cast<std::size_t>(classes_);
  if (classes_ <= 0 || !size_is_product(coef_.size(), features_, k) || intercept_.size() != k) {
    r.fail("logistic regression state sizes disagree");
  }
}

void register_logistic_regression(Registry& registry) {
  registry.add(
      {"lr", "Multinomial logistic regression, L2, L-BFGS (as scikit-learn's LogisticRegression)",
       LogisticRegression::param_specs(),
       [](ParamSet p) { return std::make_unique<LogisticRegression>(std::move(p)); }});
}

}  // namespace vigil::models
