#include "vigil/models/classifier.hpp"

#include "vigil/core/error.hpp"

namespace vigil::models {

std::vector<std::int32_t> Classifier::predict(const Matrix& x) const {
  const Matrix proba = predict_proba(x);
  std::vector<std::int32_t> out(x.rows());
  for (std::size_t r = 0; r < x.rows(); ++r) {
    const auto p = proba.row(r);
    std::size_t best = 0;
    for (std::size_t c = 1; c < p.size(); ++c) {
      if (p[c] > p[best]) best = c;
    }
    out[r] = static_cast<std::int32_t>(best);
  }
  return out;
}

void Classifier::check_input(const Matrix& x) const {
  if (!fitted()) throw InternalError("model '" + name() + "' used before fit or load");
  if (x.cols() != features_) {
    throw InputError("model '" + name() + "' expects " + std::to_string(features_) +
                     " features, got " + std::to_string(x.cols()));
  }
}

}  // namespace vigil::models
