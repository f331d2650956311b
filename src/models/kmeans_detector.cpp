#include "models/kmeans_detector.hpp"

#include <cmath>

#include "models/kmeans.hpp"

namespace vigil::models {

const ParamFields<KMeansDetectorParams>& KMeansDetector::fields() {
  using P = KMeansDetectorParams;
  static const auto fields =
      ParamFields<P>()
          .integer("clusters", &P::clusters, 8, 1, 100000, "centres of normal traffic")
          .integer("restarts", &P::restarts, 10, 1, 1000,
                   "k-means++ restarts; the lowest inertia is kept")
          .integer("max_iter", &P::max_iter, 300, 1, 100000, "most Lloyd iterations per restart")
          .real("tol", &P::tol, 1e-4, 0, 1,
                "stop when centres move less than this x the mean feature variance")
          .real("fpr", &P::fpr, 0.05, 0, 1,
                "share of training rows above the threshold (target false-positive rate)")
          .integer("seed", &P::seed, 42, 0, 1L << 53, "seed for the k-means++ draws");
  return fields;
}

void KMeansDetector::fit_model(const Matrix& x, Progress*) {
  const KMeansDetectorParams settings = fields().bind(params_);
  KMeansOptions o;
  o.clusters = static_cast<std::size_t>(settings.clusters);
  o.restarts = static_cast<int>(settings.restarts);
  o.max_iter = static_cast<int>(settings.max_iter);
  o.tol = settings.tol;
  o.seed = static_cast<std::uint64_t>(settings.seed);
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
