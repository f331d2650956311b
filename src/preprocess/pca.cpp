#include "vigil/preprocess/pca.hpp"

#include <Eigen/Dense>
#include <cmath>

#include "vigil/core/error.hpp"

namespace vigil::preprocess {

void Pca::fit(const Matrix& x, double amount) {
  const std::size_t n = x.rows(), d = x.cols();
  if (n < 2) throw InputError("PCA needs at least two training rows");
  if (!(amount > 0))
    throw ParamError("PCA: the number of components or variance share must be positive");
  if (amount >= 1 && amount > static_cast<double>(d)) {
    throw ParamError("PCA: " + std::to_string(static_cast<long>(amount)) + " components asked of " +
                     std::to_string(d) + " features");
  }
  mean_.assign(d, 0.0);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t j = 0; j < d; ++j) mean_[j] += x(r, j);
  }
  for (auto& m : mean_) m /= static_cast<double>(n);
  Eigen::MatrixXd cov =
      Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(d));
  Eigen::VectorXd row(static_cast<Eigen::Index>(d));
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t j = 0; j < d; ++j) row(static_cast<Eigen::Index>(j)) = x(r, j) - mean_[j];
    cov.selfadjointView<Eigen::Lower>().rankUpdate(row);
  }
  cov = cov.selfadjointView<Eigen::Lower>();
  cov /= static_cast<double>(n - 1);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(cov);
  if (solver.info() != Eigen::Success)
    throw InputError("PCA: the covariance eigen-decomposition failed");
  // Eigen sorts ascending; components go largest first.
  const Eigen::VectorXd values = solver.eigenvalues().reverse().cwiseMax(0.0);
  const double total = values.sum();
  std::size_t keep = amount >= 1 ? static_cast<std::size_t>(amount) : d;
  ratio_.clear();
  double reached = 0;
  for (std::size_t c = 0; c < d; ++c) {
    const double share = total > 0 ? values(static_cast<Eigen::Index>(c)) / total : 0.0;
    if (amount < 1 && reached >= amount) {
      keep = c;
      break;
    }
    reached += share;
    ratio_.push_back(share);
  }
  keep = std::max<std::size_t>(1, std::min(keep, d));
  ratio_.resize(keep);
  components_ = keep;
  basis_.assign(d * keep, 0.0);
  for (std::size_t c = 0; c < keep; ++c) {
    const auto v = solver.eigenvectors().col(static_cast<Eigen::Index>(d - 1 - c));
    Eigen::Index largest = 0;
    v.cwiseAbs().maxCoeff(&largest);
    const double sign = v(largest) < 0 ? -1.0 : 1.0;
    for (std::size_t j = 0; j < d; ++j) basis_[c * d + j] = sign * v(static_cast<Eigen::Index>(j));
  }
}

Matrix Pca::transform(const Matrix& x) const {
  const std::size_t d = mean_.size();
  if (x.cols() != d) {
    throw InputError("PCA expects " + std::to_string(d) + " features, got " +
                     std::to_string(x.cols()));
  }
  Matrix out(x.rows(), components_);
  for (std::size_t r = 0; r < x.rows(); ++r) {
    const auto in = x.row(r);
    for (std::size_t c = 0; c < components_; ++c) {
      double s = 0;
      for (std::size_t j = 0; j < d; ++j) s += (in[j] - mean_[j]) * basis_[c * d + j];
      out(r, c) = static_cast<float>(s);
    }
  }
  return out;
}

void Pca::save(ByteWriter& w) const {
  w.u64(components_);
  w.doubles(mean_);
  w.doubles(basis_);
  w.doubles(ratio_);
}

void Pca::load(ByteReader& r) {
  components_ = r.u64();
  mean_ = r.doubles();
  basis_ = r.doubles();
  ratio_ = r.doubles();
  if (!size_is_product(basis_.size(), components_, mean_.size()) || ratio_.size() != components_) {
    r.fail("PCA state has the wrong size");
  }
}

}  // namespace vigil::preprocess
