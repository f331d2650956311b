// Unsupervised anomaly detectors: fitted on benign traffic (or any unlabelled
// rows), they score each row by how far it lies from what they learned, and
// flag rows scoring above a threshold chosen on the training rows for a target
// false-positive rate. They find attacks no label described; a hybrid puts one
// behind a classifier (see eval/anomaly.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "vigil/core/bytes.hpp"
#include "vigil/core/matrix.hpp"
#include "vigil/core/params.hpp"
#include "vigil/core/progress.hpp"

namespace vigil::models {

class AnomalyDetector {
 public:
  explicit AnomalyDetector(ParamSet params) : params_(std::move(params)) {}
  virtual ~AnomalyDetector() = default;
  AnomalyDetector(const AnomalyDetector&) = delete;
  AnomalyDetector& operator=(const AnomalyDetector&) = delete;

  virtual std::string name() const = 0;
  // Learns what normal looks like from `x`, then sets the threshold.
  void fit(const Matrix& x, Progress* progress = nullptr);
  // Higher: more anomalous.
  virtual std::vector<float> score(const Matrix& x) const = 0;
  // score > threshold.
  std::vector<std::uint8_t> flag(const Matrix& x) const;

  double threshold() const { return threshold_; }
  // The share of the training rows flagged (about the `fpr` parameter asked for).
  double training_flag_rate() const { return training_flag_rate_; }
  // The share of training rows scoring below `score` (to 0.001): how unusual a
  // row is next to the traffic the detector learned; an alert's confidence.
  double rank(float score) const;
  virtual std::vector<std::string> fit_notes() const { return {}; }
  const ParamSet& params() const { return params_; }
  bool fitted() const { return features_ > 0; }
  std::size_t features() const { return features_; }

  void save(ByteWriter& w) const;
  void load(ByteReader& r);

 protected:
  virtual void fit_model(const Matrix& x, Progress* progress) = 0;
  // The share of training rows meant to score above the threshold (the
  // detector's `fpr` parameter).
  virtual double target_fpr() const = 0;
  // The threshold for the training scores: by default the (1 - fpr) quantile.
  virtual double choose_threshold(std::vector<float> training_scores) const;
  virtual void save_state(ByteWriter& w) const = 0;
  virtual void load_state(ByteReader& r) = 0;
  void check_input(const Matrix& x) const;

  ParamSet params_;
  std::size_t features_ = 0;

 private:
  double threshold_ = 0;
  double training_flag_rate_ = 0;
  std::vector<float> quantiles_;  // training scores at 0, 0.001, ..., 1
};

// The registry of detectors, as builtin_registry() is for classifiers: a new
// detector is one header and source pair and one entry here.
struct AnomalyDetectorInfo {
  std::string name, description;
  std::vector<ParamSpec> (*params)();
  std::unique_ptr<AnomalyDetector> (*make)(ParamSet params);
};
const std::vector<AnomalyDetectorInfo>& anomaly_detectors();
std::vector<std::string> anomaly_detector_names();
std::vector<ParamSpec> anomaly_param_specs(
    const std::string& name);  // ParamError for an unknown name
std::unique_ptr<AnomalyDetector> make_anomaly_detector(
    const std::string& name, const std::vector<std::string>& assignments = {});

}  // namespace vigil::models
