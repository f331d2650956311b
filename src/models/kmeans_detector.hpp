// k-means as an anomaly detector: a row's score is its Euclidean distance to
// the nearest centre learned from normal traffic.
#pragma once

#include "vigil/core/param_fields.hpp"
#include "vigil/models/anomaly.hpp"

namespace vigil::models {

struct KMeansDetectorParams {
  long clusters = 0;
  long restarts = 0;
  long max_iter = 0;
  double tol = 0;
  double fpr = 0;
  long seed = 0;
};

class KMeansDetector final : public AnomalyDetector {
 public:
  explicit KMeansDetector(ParamSet params) : AnomalyDetector(std::move(params)) {}
  static const ParamFields<KMeansDetectorParams>& fields();
  static std::vector<ParamSpec> param_specs() { return fields().specs(); }
  std::string name() const override { return "kmeans"; }
  std::vector<float> score(const Matrix& x) const override;
  std::vector<std::string> fit_notes() const override { return notes_; }
  const Matrix& centres() const { return centres_; }

 private:
  void fit_model(const Matrix& x, Progress* progress) override;
  double target_fpr() const override { return fields().bind(params_).fpr; }
  void save_state(ByteWriter& w) const override;
  void load_state(ByteReader& r) override;
  Matrix centres_;
  std::vector<std::string> notes_;
};

}  // namespace vigil::models
