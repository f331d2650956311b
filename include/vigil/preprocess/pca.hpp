// Principal component analysis, as scikit-learn's PCA: rows centred on the
// training mean and projected onto the leading eigenvectors of the training
// covariance, each signed so its largest-magnitude loading is positive.
#pragma once

#include <vector>

#include "vigil/core/bytes.hpp"
#include "vigil/core/matrix.hpp"

namespace vigil::preprocess {

class Pca {
 public:
  // `amount` >= 1 keeps that many components; in (0, 1) the fewest whose
  // explained variance reaches that share.
  void fit(const Matrix& x, double amount);
  Matrix transform(const Matrix& x) const;
  bool fitted() const { return components_ > 0; }
  std::size_t components() const { return components_; }
  std::size_t inputs() const { return mean_.size(); }
  const std::vector<double>& explained_variance_ratio() const { return ratio_; }

  void save(ByteWriter& w) const;
  void load(ByteReader& r);

 private:
  std::vector<double> mean_;
  std::vector<double> basis_;  // inputs x components, column-major per component
  std::vector<double> ratio_;
  std::size_t components_ = 0;
};

}  // namespace vigil::preprocess
