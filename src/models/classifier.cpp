#include "vigil/models/classifier.hpp"

#include "vigil/core/error.hpp"

namespace vigil::models {

namespace {

std::vector<std::int32_t> most_probable(const Matrix& proba) {
  std::vector<std::int32_t> out(proba.rows());
  for (std::size_t r = 0; r < proba.rows(); ++r) {
    const auto p = proba.row(r);
    std::size_t best = 0;
    for (std::size_t c = 1; c < p.size(); ++c) {
      if (p[c] > p[best]) best = c;
    }
    out[r] = static_cast<std::int32_t>(best);
  }
  return out;
}

}  // namespace

std::vector<std::int32_t> Classifier::predict(const Matrix& x) const {
  return most_probable(predict_proba(x));
}

Classifier::Scored Classifier::predict_scored(const Matrix& x) const {
  Scored s{predict_proba(x), {}};
  s.classes = most_probable(s.proba);
  return s;
}

Classifier::Explained Classifier::predict_explained(const Matrix& x,
                                                    const ExplainWhich& which) const {
  Explained out;
  out.proba = predict_proba(x);
  for (std::size_t i = 0; i < x.rows(); ++i) {
    const std::int32_t c = which(i, out.proba.row(i));
    if (c < 0) continue;
    out.rows.push_back(i);
    out.classes.push_back(c);
  }
  if (out.rows.empty()) return out;
  Matrix listed(out.rows.size(), x.cols());
  for (std::size_t i = 0; i < out.rows.size(); ++i) {
    const auto src = x.row(out.rows[i]);
    std::copy(src.begin(), src.end(), listed.row(i).begin());
  }
  out.contributions = contributions(listed, out.classes);
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
