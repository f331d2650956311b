#include "vigil/models/anomaly.hpp"

#include <algorithm>
#include <cmath>

#include "models/dbscan_detector.hpp"
#include "models/kmeans_detector.hpp"
#include "vigil/core/error.hpp"

namespace vigil::models {

void AnomalyDetector::fit(const Matrix& x, Progress* progress) {
  if (x.rows() == 0) throw InputError("anomaly detector " + name() + ": no training rows");
  fit_model(x, progress);
  features_ = x.cols();
  const std::vector<float> scores = score(x);
  threshold_ = choose_threshold(scores);
  std::size_t flagged = 0;
  for (float s : scores) flagged += s > threshold_;
  training_flag_rate_ = static_cast<double>(flagged) / static_cast<double>(scores.size());
  std::vector<float> sorted = scores;
  std::sort(sorted.begin(), sorted.end());
  quantiles_.resize(1001);
  for (std::size_t q = 0; q <= 1000; ++q) quantiles_[q] = sorted[q * (sorted.size() - 1) / 1000];
}

double AnomalyDetector::rank(float score) const {
  // The last quantile at or below the score.
  const auto above = std::upper_bound(quantiles_.begin(), quantiles_.end(), score);
  if (above == quantiles_.begin()) return 0.0;
  return static_cast<double>(above - quantiles_.begin() - 1) / 1000.0;
}

double AnomalyDetector::choose_threshold(std::vector<float> scores) const {
  // The (1 - fpr) quantile: at most that share of training rows lies above it.
  const double fpr = target_fpr();
  const auto keep =
      static_cast<std::size_t>(std::ceil((1.0 - fpr) * static_cast<double>(scores.size())));
  const std::size_t at = std::clamp<std::size_t>(keep, 1, scores.size()) - 1;
  std::nth_element(scores.begin(), scores.begin() + static_cast<std::ptrdiff_t>(at), scores.end());
  return scores[at];
}

std::vector<std::uint8_t> AnomalyDetector::flag(const Matrix& x) const {
  const std::vector<float> scores = score(x);
  std::vector<std::uint8_t> out(scores.size());
  for (std::size_t i = 0; i < scores.size(); ++i) out[i] = scores[i] > threshold_;
  return out;
}

void AnomalyDetector::check_input(const Matrix& x) const {
  if (!fitted()) throw InternalError("anomaly detector '" + name() + "' used before fit or load");
  if (x.cols() != features_) {
    throw InputError("anomaly detector '" + name() + "' expects " + std::to_string(features_) +
                     " features, got " + std::to_string(x.cols()));
  }
}

void AnomalyDetector::save(ByteWriter& w) const {
  w.str(name());
  params_.save(w);
  w.u64(features_);
  w.f64(threshold_);
  w.f64(training_flag_rate_);
  w.floats(quantiles_);
  save_state(w);
}

void AnomalyDetector::load(ByteReader& r) {
  if (r.str() != name()) r.fail("the anomaly detector saved is not a " + name());
  params_.load(r);
  features_ = r.u64();
  threshold_ = r.f64();
  training_flag_rate_ = r.f64();
  quantiles_ = r.floats();
  if (features_ == 0) r.fail("anomaly detector has no features");
  if (quantiles_.size() != 1001 || !std::is_sorted(quantiles_.begin(), quantiles_.end())) {
    r.fail("anomaly detector's training score quantiles are damaged");
  }
  load_state(r);
}

const std::vector<AnomalyDetectorInfo>& anomaly_detectors() {
  static const std::vector<AnomalyDetectorInfo> all = {
      {"kmeans", "distance to the nearest k-means centre of benign traffic",
       &KMeansDetector::param_specs,
       [](ParamSet p) -> std::unique_ptr<AnomalyDetector> {
         return std::make_unique<KMeansDetector>(std::move(p));
       }},
      {"dbscan", "distance to the nearest DBSCAN core row of benign traffic (flagged beyond eps)",
       &DbscanDetector::param_specs,
       [](ParamSet p) -> std::unique_ptr<AnomalyDetector> {
         return std::make_unique<DbscanDetector>(std::move(p));
       }},
  };
  return all;
}

std::vector<std::string> anomaly_detector_names() {
  std::vector<std::string> names;
  for (const auto& d : anomaly_detectors()) names.push_back(d.name);
  return names;
}

namespace {

const AnomalyDetectorInfo& detector_info(const std::string& name) {
  std::string known;
  for (const auto& d : anomaly_detectors()) {
    if (d.name == name) return d;
    known += (known.empty() ? "" : ", ") + d.name;
  }
  throw ParamError("unknown anomaly detector '" + name + "' (known: " + known + ")");
}

}  // namespace

std::vector<ParamSpec> anomaly_param_specs(const std::string& name) {
  return detector_info(name).params();
}

std::unique_ptr<AnomalyDetector> make_anomaly_detector(
    const std::string& name, const std::vector<std::string>& assignments) {
  const AnomalyDetectorInfo& info = detector_info(name);
  ParamSet params("anomaly detector " + name, info.params());
  for (const auto& a : assignments) params.set_assignment(a);
  return info.make(std::move(params));
}

}  // namespace vigil::models
