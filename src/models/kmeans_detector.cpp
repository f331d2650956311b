#include "models/kmeans_detector.hpp"

#include <cmath>

#include "models/kmeans.hpp"

namespace vigil::models {

std::vector<ParamSpec> KMeansDetector::param_specs() {
  return {
      ParamSpec::integer("clusters", 8, 1, 100000, "centres of normal traffic"),
      ParamSpec::integer("restarts", 10, 1, 1000, "k-means++ restarts; the lowest inertia is kept"),
      ParamSpec::integer("max_iter", 300, 1, 100000, "most Lloyd iterations per restart"),
      ParamSpec::real("tol", 1e-4, 0, 1,
                      "stop when centres move less than this x the mean feature variance"),
      ParamSpec::real("fpr", 0.05, 0, 1,
                      "share of training rows above the threshold (target false-positive rate)"),
      ParamSpec::integer("seed", 42, 0, 1L << 53, "seed for the k-means++ draws")};
}

void KMeansDetector::fit_model(const Matrix& x, Progress*) {
  KMeansOptions o;
  o.clusters = static_cast<std::size_t>(params_.integer("clusters"));
  o.restarts = static_cast<int>(params_.integer("restarts"));
  o.max_iter = static_cast<int>(params_.integer("max_iter"));
  o.tol = params_.real("tol");
  o.seed = static_cast<std::uint64_t>(params_.integer("seed"));
  const KMeansResult r = kmeans(x, o);
  centres_ = r.centres;
  notes_.clear();
  if (!r.converged) {
    notes_.push_back("kmeans: the best restart stopped at max_iter=" + std::to_string(o.max_iter) +
                     " before its centres settled");
  }
}

std::vector<float> KMeansDetector::score(const Matrix& x) const {
  check_input(x);
  std::vector<std::uint32_t> nearest;
  std::vector<float> squared;
  nearest_centres(x, centres_, nearest, squared);
  for (auto& v : squared) v = std::sqrt(v);
  return squared;
}

void KMeansDetector::save_state(ByteWriter& w) const {
  w.u64(centres_.rows());
  w.floats(centres_.values());
}

void KMeansDetector::load_state(ByteReader& r) {
  const std::uint64_t rows = r.count(1u << 24, "k-means centres");
  std::vector<float> values = r.floats();
  if (rows == 0 || !size_is_product(values.size(), rows, features_))
    r.fail("k-means centres have the wrong size");
  centres_ = Matrix(rows, features_);
  centres_.values() = std::move(values);
}

}  // namespace vigil::models
