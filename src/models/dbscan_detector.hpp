// DBSCAN as an anomaly detector. Fitting finds the core rows of normal traffic
// (at least min_samples rows, itself included, within eps) and their clusters;
// eps is given, or chosen so that about `fpr` of the training rows are not core;
// a row is anomalous when it lies in no dense region, i.e. farther than eps
// from every core row (DBSCAN's noise). Its score is that distance, so the
// threshold is eps itself rather than a quantile. Range and nearest-core
// queries go through k-d trees (nanoflann), never all pairs.
#pragma once

#include <memory>

#include "vigil/core/param_fields.hpp"
#include "vigil/models/anomaly.hpp"

namespace vigil::models {

struct DbscanDetectorParams {
  double eps = 0;  // 0: chosen from fpr
  long min_samples = 0;
  double fpr = 0;
};

class DbscanDetector final : public AnomalyDetector {
 public:
  explicit DbscanDetector(ParamSet params);
  ~DbscanDetector() override;
  static const ParamFields<DbscanDetectorParams>& fields();
  static std::vector<ParamSpec> param_specs() { return fields().specs(); }
  std::string name() const override { return "dbscan"; }
  std::vector<float> score(const Matrix& x) const override;
  std::vector<std::string> fit_notes() const override { return notes_; }
  std::size_t core_rows() const { return core_.rows(); }
  std::size_t clusters() const { return clusters_; }
  double eps() const { return eps_; }

 private:
  struct Tree;
  void fit_model(const Matrix& x, Progress* progress) override;
  double target_fpr() const override { return fields().bind(params_).fpr; }
  double choose_threshold(std::vector<float> training_scores) const override;
  void save_state(ByteWriter& w) const override;
  void load_state(ByteReader& r) override;
  void build_tree();
  double k_distance_quantile(const Matrix& distinct,
                             const std::vector<std::uint32_t>& weight) const;
  double eps_ = 0;
  Matrix core_;  // distinct core rows
  std::size_t clusters_ = 0;
  std::unique_ptr<Tree> tree_;
  std::vector<std::string> notes_;
};

}  // namespace vigil::models
