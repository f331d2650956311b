// The interface every supervised model implements, and the registry that finds
// models by name (as XGBoost finds objectives), so the CLI, the experiment and
// the model file pick up a new model without edits elsewhere.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "vigil/core/bytes.hpp"
#include "vigil/core/matrix.hpp"
#include "vigil/core/params.hpp"
#include "vigil/core/progress.hpp"

namespace vigil::models {

class Classifier {
 public:
  explicit Classifier(ParamSet params) : params_(std::move(params)) {}
  virtual ~Classifier() = default;
  Classifier(const Classifier&) = delete;
  Classifier& operator=(const Classifier&) = delete;

  // The registry name ("nb", "mlp", ...).
  virtual std::string name() const = 0;

  // Learns from rows `x` with class indices `labels` in [0, classes).
  virtual void fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
                   Progress* progress = nullptr) = 0;
  // Class probabilities, rows x classes(); each row sums to 1.
  virtual Matrix predict_proba(const Matrix& x) const = 0;
  // The most probable class per row (ties go to the lower class index).
  virtual std::vector<std::int32_t> predict(const Matrix& x) const;
  // Both at once, for evaluation (ROC curves need the probabilities, the
  // confusion matrix the classes); a model whose predict() is not the argmax of
  // its probabilities computes them in one pass.
  struct Scored {
    Matrix proba;
    std::vector<std::int32_t> classes;
  };
  virtual Scored predict_scored(const Matrix& x) const;

  // Why a row got its probability: per-feature contributions (rows x
  // features()) to the probability of class classes[i], additive (the model's
  // prior for the class plus a row's contributions is its probability; for
  // boosted trees, as XGBoost gives them, its margin, the log-odds before
  // softmax), or an empty matrix when the model cannot say it this way
  // (callers then measure each feature's effect by occlusion).
  virtual Matrix contributions(const Matrix& x, std::span<const std::int32_t> classes) const {
    (void)x;
    (void)classes;
    return {};
  }
  // Probabilities and contributions at once, for a detector that names the
  // reasons of some rows only, chosen by their probabilities: `which(i, p)`
  // is called once per row i, in order, with its probabilities p, and returns
  // the class to explain for it or -1. A model that can explain from the walk
  // it predicted with overrides this; the default predicts, then calls
  // contributions() for the chosen rows.
  using ExplainWhich = std::function<std::int32_t(std::size_t row, std::span<const float> proba)>;
  struct Explained {
    Matrix proba;                       // every row's, as predict_proba
    std::vector<std::size_t> rows;      // the rows explained, in order
    std::vector<std::int32_t> classes;  // the class each was explained for
    Matrix contributions;               // per explained row, as contributions(); empty as there
  };
  virtual Explained predict_explained(const Matrix& x, const ExplainWhich& which) const;
  // Prepares up front what contributions() would otherwise derive on first
  // use (a detector calls it at start, so the first alerts are not slowed).
  virtual void prepare_contributions() const {}

  // What fitting found worth telling (epochs run, convergence), one line each.
  virtual std::vector<std::string> fit_notes() const { return {}; }

  // The model's own measure of each input feature's weight (summing to 1),
  // where it has one (the forest's mean decrease in impurity); else empty.
  virtual std::vector<double> feature_importances() const { return {}; }

  int classes() const { return classes_; }
  std::size_t features() const { return features_; }  // input width, once fitted
  bool fitted() const { return classes_ > 0; }
  const ParamSet& params() const { return params_; }

  // Learned state only; parameters are saved by the model file beside it.
  virtual void save_state(ByteWriter& w) const = 0;
  virtual void load_state(ByteReader& r) = 0;

 protected:
  // Refuses input of another width than the model was fitted on.
  void check_input(const Matrix& x) const;

  ParamSet params_;
  int classes_ = 0;
  std::size_t features_ = 0;
};

struct ModelInfo {
  std::string name;
  std::string description;
  std::vector<ParamSpec> params;
  std::function<std::unique_ptr<Classifier>(ParamSet)> make;
};

class Registry {
 public:
  void add(ModelInfo info);
  const std::vector<ModelInfo>& models() const { return models_; }
  const ModelInfo& info(const std::string& name) const;  // ParamError listing known names
  // A new unfitted model, its parameters set from "name=value" assignments.
  std::unique_ptr<Classifier> create(const std::string& name,
                                     const std::vector<std::string>& assignments = {}) const;
  // The model's parameter set with defaults, for loading from a model file.
  ParamSet default_params(const std::string& name) const;

 private:
  std::vector<ModelInfo> models_;
};

// Every built-in model, registered explicitly (no static initialisers).
const Registry& builtin_registry();

}  // namespace vigil::models
