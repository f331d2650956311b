// Gradient-boosted trees through XGBoost's own library (hist method, multi-class
// softprob), as xgboost.XGBClassifier trains them. The booster is saved inside
// Vigil's model file in XGBoost's UBJSON model format.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "models/boosted_trees_walk.hpp"
#include "models/class_weights.hpp"
#include "vigil/core/param_fields.hpp"
#include "vigil/models/classifier.hpp"

namespace vigil::models {

struct GradientBoostingParams {
  enum class Predictor { kVigil, kXgboost };
  long trees = 0;      // boosting rounds: trees per class
  long max_depth = 0;  // 0: unlimited
  double learning_rate = 0;
  double subsample = 0;
  double colsample_bytree = 0;
  double min_child_weight = 0;
  double lambda = 0;
  long max_bins = 0;
  long threads = 0;  // 0: all cores
  Predictor predictor = Predictor::kVigil;
  long seed = 0;
  ClassWeight class_weight = ClassWeight::kNone;
};

class GradientBoostedTrees final : public Classifier {
 public:
  explicit GradientBoostedTrees(ParamSet params);
  ~GradientBoostedTrees() override;
  // One name per concept across models: trees (was rounds), learning_rate
  // (was eta), max_bins (was max_bin); the old names are aliases.
  static const ParamFields<GradientBoostingParams>& fields();
  static std::vector<ParamSpec> param_specs() { return fields().specs(); }

  std::string name() const override { return "xgb"; }
  void fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
           Progress* progress) override;
  Matrix predict_proba(const Matrix& x) const override;
  // XGBoost's approximate (Saabas) contributions, as its pred_contribs with
  // approx_contribs gives them: in margin units (log-odds before softmax),
  // adding up, with the bias, to the class's margin rather than its
  // probability. Empty where Vigil's walk does not read the booster.
  Matrix contributions(const Matrix& x, std::span<const std::int32_t> classes) const override;
  std::vector<std::string> fit_notes() const override { return notes_; }
  void save_state(ByteWriter& w) const override;
  void load_state(ByteReader& r) override;

 private:
  struct Booster;  // owns the XGBoost handle
  void configure(Booster& booster) const;
  // Reads the booster's trees for Vigil's own walk (see boosted_trees_walk.hpp).
  void read_trees(std::span<const std::uint8_t> ubjson);
  std::unique_ptr<Booster> booster_;
  std::optional<BoostedTreesWalk> walk_;  // predicts when set; else XGBoost does
  // XGBoosterPredict keeps per-booster state: one prediction at a time (the walk needs no lock).
  mutable std::mutex predict_mutex_;
  int only_class_ = -1;  // training rows of one class: XGBoost needs two, the answer is fixed
  std::vector<std::string> notes_;
};

void register_gradient_boosting(Registry& registry);

}  // namespace vigil::models
