// Ensembles of the other classifiers, as scikit-learn's VotingClassifier
// (voting="soft": the mean of the members' class probabilities) and
// StackingClassifier (a multinomial logistic regression learns from the
// members' out-of-fold probabilities, then the members are refitted on every
// row). Members are built with their default parameters.
#pragma once

#include <memory>
#include <vector>

#include "vigil/core/param_fields.hpp"
#include "vigil/models/classifier.hpp"

namespace vigil::models {

struct EnsembleParams {
  std::vector<std::string> members;  // registry names
  long folds = 0;                    // stacking only
  long seed = 0;                     // stacking only
};

class Ensemble : public Classifier {
 public:
  using Classifier::Classifier;
  std::vector<std::string> fit_notes() const override;
  void save_state(ByteWriter& w) const override;
  void load_state(ByteReader& r) override;

 protected:
  // The named members, unfitted, with their default parameters.
  static std::vector<std::unique_ptr<Classifier>> make_members(
      const std::vector<std::string>& names);
  // Each member's probabilities side by side: rows x (members x classes).
  Matrix member_probabilities(const Matrix& x) const;
  std::vector<std::unique_ptr<Classifier>> members_;
  std::unique_ptr<Classifier> meta_;  // stacking only
};

class VotingEnsemble final : public Ensemble {
 public:
  using Ensemble::Ensemble;
  static const ParamFields<EnsembleParams>& fields();
  static std::vector<ParamSpec> param_specs() { return fields().specs(); }
  std::string name() const override { return "vote"; }
  void fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
           Progress* progress) override;
  Matrix predict_proba(const Matrix& x) const override;
};

class StackingEnsemble final : public Ensemble {
 public:
  using Ensemble::Ensemble;
  static const ParamFields<EnsembleParams>& fields();
  static std::vector<ParamSpec> param_specs() { return fields().specs(); }
  std::string name() const override { return "stack"; }
  void fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
           Progress* progress) override;
  Matrix predict_proba(const Matrix& x) const override;
};

void register_ensembles(Registry& registry);

}  // namespace vigil::models
