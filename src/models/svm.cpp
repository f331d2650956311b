#include "models/svm.hpp"

#include <omp.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/parallel.hpp"
#include "models/svm_dual_solver.hpp"
#include "vigil/core/error.hpp"
#include "vigil/core/random.hpp"

namespace vigil::models {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// gamma = 1 / (features x variance of every value), scikit-learn's gamma="scale".
double scale_gamma(const Matrix& x) {
  double sum = 0, sq = 0;
  for (float v : x.values()) {
    sum += v;
    sq += static_cast<double>(v) * v;
  }
  const auto n = static_cast<double>(x.values().size());
  const double var = n > 0 ? sq / n - (sum / n) * (sum / n) : 0.0;
  return var > 0 ? 1.0 / (static_cast<double>(x.cols()) * var) : 1.0;
}

}  // namespace

const ParamFields<SvmParams>& SupportVectorMachine::fields() {
  using P = SvmParams;
  static const auto fields =
      ParamFields<P>()
          .choice("kernel", &P::kernel, P::Kernel::kLinear,
                  {{P::Kernel::kLinear, "linear"}, {P::Kernel::kRbf, "rbf"}},
                  "linear, or an RBF kernel approximated by random Fourier features")
          .real("C", &P::C, 1.0, 1e-12, 1e12, "inverse L2 strength (larger: weaker penalty)")
          .real("tol", &P::tol, 1e-4, 1e-12, 1,
                "stop when the dual's projected gradient spread falls below this")
          .integer("max_iter", &P::max_iter, 1000, 1, 1000000,
                   "most passes over the rows per class")
          .real("gamma", &P::gamma, 0, 0, 1e12,
                "kernel=rbf: exp(-gamma |a-b|^2) (0: 1 / (features x variance))")
          .integer("components", &P::components, 300, 1, 100000,
                   "kernel=rbf: random Fourier features")
          .integer("seed", &P::seed, 42, 0, 1L << 53,
                   "seed for the coordinate order and the Fourier features");
  return fields;
}

Matrix SupportVectorMachine::features(const Matrix& x) const {
  if (projection_.empty()) return x;
  // z = sqrt(2 / D) cos(x W + b)
  Eigen::Map<const RowMatrix> in(x.data(), static_cast<Eigen::Index>(x.rows()),
                                 static_cast<Eigen::Index>(x.cols()));
  Eigen::Map<const RowMatrix> w(projection_.data(), static_cast<Eigen::Index>(features_),
                                static_cast<Eigen::Index>(mapped_));
  Matrix out(x.rows(), mapped_);
  Eigen::Map<RowMatrix> z(out.data(), static_cast<Eigen::Index>(x.rows()),
                          static_cast<Eigen::Index>(mapped_));
  z.noalias() = in * w;
  const auto scale = static_cast<float>(std::sqrt(2.0 / static_cast<double>(mapped_)));
  for_row_pieces(x.rows(), 256, [&](std::size_t first, std::size_t last) {
    for (std::size_t r = first; r < last; ++r) {
      auto row = out.row(r);
      for (std::size_t j = 0; j < mapped_; ++j) row[j] = scale * std::cos(row[j] + offsets_[j]);
    }
  });
  return out;
}

void SupportVectorMachine::fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
                               Progress* progress) {
  VIGIL_CHECK(labels.size() == x.rows() && classes > 0, "svm fit shapes");
  if (x.rows() == 0) throw InputError("svm: no training rows");
  notes_.clear();
  features_ = x.cols();
  classes_ = classes;
  const SvmParams settings = fields().bind(params_);
  const auto seed = static_cast<std::uint64_t>(settings.seed);
  projection_.clear();
  offsets_.clear();
  gamma_ = 0;
  mapped_ = x.cols();
  if (settings.kernel == SvmParams::Kernel::kRbf) {
    gamma_ = settings.gamma > 0 ? settings.gamma : scale_gamma(x);
    mapped_ = static_cast<std::size_t>(settings.components);
    Rng rng(seed ^ 0x5eedf0u);
    const double sd = std::sqrt(2 * gamma_);
    projection_.resize(features_ * mapped_);
    for (auto& v : projection_) v = static_cast<float>(sd * rng.normal());
    offsets_.resize(mapped_);
    for (auto& v : offsets_) v = static_cast<float>(2 * std::numbers::pi * rng.uniform());
  }
  const Matrix z = features(x);
  const std::size_t width = mapped_ + 1;
  weights_.assign(static_cast<std::size_t>(classes) * width, 0.0);
  std::vector<int> iterations(static_cast<std::size_t>(classes));
  std::vector<std::uint8_t> converged(static_cast<std::size_t>(classes));
  if (progress) progress->begin("svm", static_cast<std::size_t>(classes));
  std::size_t finished = 0;
#pragma omp parallel for schedule(dynamic)
  for (int c = 0; c < classes; ++c) {
    std::vector<std::uint8_t> positive(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) positive[i] = labels[i] == c;
    const svm::DualResult r =
        svm::solve_dual(z, positive, settings.C, settings.tol, static_cast<int>(settings.max_iter),
                        seed + static_cast<std::uint64_t>(c));
    std::copy(r.w.begin(), r.w.end(),
              weights_.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(c) * width));
    iterations[static_cast<std::size_t>(c)] = r.iterations;
    converged[static_cast<std::size_t>(c)] = r.converged;
#pragma omp atomic
    ++finished;
    if (progress && omp_get_thread_num() == 0) progress->update(finished);
  }
  if (progress) progress->end();
  int short_of = 0;
  for (auto ok : converged) short_of += !ok;
  if (short_of > 0) {
    notes_.push_back(
        "svm: " + std::to_string(short_of) + " of " + std::to_string(classes) +
        " one-vs-rest machines stopped at max_iter=" + std::to_string(settings.max_iter) +
        " passes before the dual converged (raise max_iter, or scale the features)");
  }
}

Matrix SupportVectorMachine::decision_function(const Matrix& x) const {
  check_input(x);
  const Matrix z = features(x);
  const std::size_t width = mapped_ + 1, k = static_cast<std::size_t>(classes_);
  // Weights as floats, classes x width, for one matrix product.
  RowMatrix w(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(mapped_));
  Eigen::VectorXf bias(static_cast<Eigen::Index>(k));
  for (std::size_t c = 0; c < k; ++c) {
    for (std::size_t j = 0; j < mapped_; ++j)
      w(static_cast<Eigen::Index>(c), static_cast<Eigen::Index>(j)) =
          static_cast<float>(weights_[c * width + j]);
    bias(static_cast<Eigen::Index>(c)) = static_cast<float>(weights_[c * width + mapped_]);
  }
  Matrix out(x.rows(), k);
  Eigen::Map<const RowMatrix> in(z.data(), static_cast<Eigen::Index>(z.rows()),
                                 static_cast<Eigen::Index>(mapped_));
  Eigen::Map<RowMatrix> d(out.data(), static_cast<Eigen::Index>(x.rows()),
                          static_cast<Eigen::Index>(k));
  d.noalias() = in * w.transpose();
  d.rowwise() += bias.transpose();
  return out;
}

Matrix SupportVectorMachine::predict_proba(const Matrix& x) const {
  Matrix scores = decision_function(x);
  for (std::size_t r = 0; r < scores.rows(); ++r) {
    auto row = scores.row(r);
    const float top = *std::max_element(row.begin(), row.end());
    float sum = 0;
    for (auto& v : row) sum += (v = std::exp(v - top));
    for (auto& v : row) v /= sum;
  }
  return scores;
}

void SupportVectorMachine::save_state(ByteWriter& w) const {
  w.i32(classes_);
  w.u64(features_);
  w.u64(mapped_);
  w.f64(gamma_);
  w.doubles(weights_);
  w.floats(projection_);
  w.floats(offsets_);
  w.strings(notes_);
}

void SupportVectorMachine::load_state(ByteReader& r) {
  classes_ = r.i32();
  features_ = r.u64();
  mapped_ = r.u64();
  gamma_ = r.f64();
  weights_ = r.doubles();
  projection_ = r.floats();
  offsets_ = r.floats();
  notes_ = r.strings();
  if (classes_ <= 0) r.fail("svm has no classes");
  if (!size_is_product(weights_.size(), static_cast<std::size_t>(classes_), mapped_ + 1))
    r.fail("svm weights have the wrong size");
  const bool mapped = !projection_.empty();
  if (mapped
          ? !size_is_product(projection_.size(), features_, mapped_) || offsets_.size() != mapped_
          : mapped_ != features_ || !offsets_.empty()) {
    r.fail("svm feature map has the wrong size");
  }
}

void register_svm(Registry& registry) {
  registry.add({"svm",
                "Support vector machine, one-vs-rest (as LinearSVC; kernel=rbf through random "
                "Fourier features)",
                SupportVectorMachine::param_specs(),
                [](ParamSet p) { return std::make_unique<SupportVectorMachine>(std::move(p)); }});
}

}  // namespace vigil::models
