// Multi-layer perceptron with ReLU hidden layers, softmax output and Adam, with
// scikit-learn MLPClassifier's defaults (the study's 100+125 architecture), so
// that results compare. Dense math on Eigen; each mini-batch is split across
// threads, each computing its share of the gradient.
#pragma once

#include <Eigen/Core>
#include <vector>

#include "models/class_weights.hpp"
#include "vigil/core/param_fields.hpp"
#include "vigil/models/classifier.hpp"

namespace vigil::models {

struct MlpParams {
  std::vector<long> hidden;  // layer sizes, input side first
  double learning_rate = 0;
  double alpha = 0;
  long batch_size = 0;
  long max_iter = 0;  // epochs
  double tol = 0;
  long n_iter_no_change = 0;
  long seed = 0;
  ClassWeight class_weight = ClassWeight::kNone;
};

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;

// The network's weights, and the loss and gradient of a batch: separate from
// the training loop so that tests can check the gradient by finite differences.
struct MlpWeights {
  std::vector<RowMatrix> w;  // layer l: fan_in x fan_out
  std::vector<RowVector> b;

  // Sum over the rows of -log p(label), and the gradient of that sum (not yet
  // divided by the batch size, no L2 term) added into `grad`. With
  // `class_weight`, each row's term is multiplied by its class's weight.
  double accumulate(const RowMatrix& x, const std::int32_t* labels, MlpWeights& grad,
                    const std::vector<float>* class_weight = nullptr) const;
  // Class probabilities of each row.
  RowMatrix forward(const RowMatrix& x) const;
  void zero_like(const MlpWeights& shape);
};

// Mean cross-entropy plus alpha/2 * ||W||^2 / rows over one batch, as
// scikit-learn defines it, with its gradient in `grad`.
double mlp_batch_loss(const MlpWeights& net, const RowMatrix& x, const std::int32_t* labels,
                      double alpha, MlpWeights& grad);

class Mlp final : public Classifier {
 public:
  explicit Mlp(ParamSet params);
  static const ParamFields<MlpParams>& fields();
  static std::vector<ParamSpec> param_specs() { return fields().specs(); }

  std::string name() const override { return "mlp"; }
  void fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
           Progress* progress) override;
  Matrix predict_proba(const Matrix& x) const override;
  std::vector<std::string> fit_notes() const override { return notes_; }
  void save_state(ByteWriter& w) const override;
  void load_state(ByteReader& r) override;

  const std::vector<double>& loss_curve() const { return loss_curve_; }

 private:
  MlpWeights net_;
  std::vector<double> loss_curve_;
  std::vector<std::string> notes_;
};

void register_mlp(Registry& registry);

}  // namespace vigil::models
