// Support vector machines, one-vs-rest as scikit-learn's LinearSVC: one binary
// squared-hinge SVM per class (trained in parallel), the class with the largest
// decision value wins. kernel=rbf first maps rows through random Fourier
// features (as scikit-learn's RBFSampler), so the linear machine approximates an
// RBF kernel SVM: exact kernel SVMs cost O(rows^2) memory and time, out of reach
// for the hundreds of thousands of rows of flow data.
#pragma once

#include <vector>

#include "vigil/core/param_fields.hpp"
#include "vigil/models/classifier.hpp"

namespace vigil::models {

struct SvmParams {
  enum class Kernel { kLinear, kRbf };
  Kernel kernel = Kernel::kLinear;
  double C = 0;  // inverse L2 strength
  double tol = 0;
  long max_iter = 0;
  double gamma = 0;  // kernel=rbf; 0: 1 / (features x variance)
  long components = 0;
  long seed = 0;
};

class SupportVectorMachine final : public Classifier {
 public:
  explicit SupportVectorMachine(ParamSet params) : Classifier(std::move(params)) {}
  static const ParamFields<SvmParams>& fields();
  static std::vector<ParamSpec> param_specs() { return fields().specs(); }

  std::string name() const override { return "svm"; }
  void fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
           Progress* progress) override;
  // Softmax of the decision values: scores for ranking (ROC), not calibrated
  // probabilities; their argmax is the SVM's decision.
  Matrix predict_proba(const Matrix& x) const override;
  std::vector<std::string> fit_notes() const override { return notes_; }
  void save_state(ByteWriter& w) const override;
  void load_state(ByteReader& r) override;

  // Decision values, rows x classes.
  Matrix decision_function(const Matrix& x) const;

 private:
  Matrix features(const Matrix& x) const;  // identity, or the random Fourier map
  std::vector<double> weights_;            // classes x (mapped features + 1)
  std::size_t mapped_ = 0;                 // width after the map
  std::vector<float> projection_;          // kernel=rbf: features_ x mapped_, sqrt(2 gamma) N(0,1)
  std::vector<float> offsets_;             // kernel=rbf: mapped_, U(0, 2 pi)
  double gamma_ = 0;
  std::vector<std::string> notes_;
};

void register_svm(Registry& registry);

}  // namespace vigil::models
