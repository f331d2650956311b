#include "models/mlp.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/parallel.hpp"
#include "vigil/core/error.hpp"
#include "vigil/core/random.hpp"

namespace vigil::models {
namespace {

using ConstRowMap = Eigen::Map<const RowMatrix>;

std::size_t layers(const MlpWeights& n) { return n.w.size(); }

}  // namespace

void MlpWeights::zero_like(const MlpWeights& shape) {
  w.resize(shape.w.size());
  b.resize(shape.b.size());
  for (std::size_t l = 0; l < shape.w.size(); ++l) {
    w[l].setZero(shape.w[l].rows(), shape.w[l].cols());
    b[l].setZero(shape.b[l].cols());
  }
}

RowMatrix MlpWeights::forward(const RowMatrix& x) const {
  RowMatrix a = x;
  for (std::size_t l = 0; l < w.size(); ++l) {
    RowMatrix z = a * w[l];
    z.rowwise() += b[l];
    if (l + 1 < w.size()) {
      a = z.cwiseMax(0.0f);
    } else {
      // Softmax, shifted by the row maximum so exp never overflows.
      for (Eigen::Index r = 0; r < z.rows(); ++r) {
        auto row = z.row(r);
        row.array() -= row.maxCoeff();
        row = row.array().exp();
        row /= row.sum();
      }
      a = std::move(z);
    }
  }
  return a;
}

double MlpWeights::accumulate(const RowMatrix& x, const std::int32_t* labels, MlpWeights& grad,
                              const std::vector<float>* class_weight) const {
  const std::size_t L = w.size();
  std::vector<RowMatrix> act(L + 1);
  act[0] = x;
  for (std::size_t l = 0; l < L; ++l) {
    act[l + 1] = act[l] * w[l];
    act[l + 1].rowwise() += b[l];
    if (l + 1 < L) act[l + 1] = act[l + 1].cwiseMax(0.0f);
  }
  // Output: delta = softmax - onehot; loss = -log softmax[label].
  RowMatrix& delta_out = act[L];
  double loss = 0.0;
  for (Eigen::Index r = 0; r < delta_out.rows(); ++r) {
    auto row = delta_out.row(r);
    const float m = row.maxCoeff();
    row.array() -= m;
    const double log_sum = std::log(static_cast<double>(row.array().exp().sum()));
    const float weight = class_weight ? (*class_weight)[static_cast<std::size_t>(labels[r])] : 1.0f;
    loss -= static_cast<double>(weight) * (static_cast<double>(row(labels[r])) - log_sum);
    row = row.array().exp() / static_cast<float>(std::exp(log_sum));
    row(labels[r]) -= 1.0f;
    if (class_weight) row *= weight;
  }
  RowMatrix delta = std::move(delta_out);
  for (std::size_t l = L; l-- > 0;) {
    grad.w[l].noalias() += act[l].transpose() * delta;
    grad.b[l] += delta.colwise().sum();
    if (l > 0) {
      RowMatrix prev = delta * w[l].transpose();
      // ReLU passes the gradient only where its input was positive.
      prev = (act[l].array() > 0.0f).select(prev, 0.0f);
      delta = std::move(prev);
    }
  }
  return loss;
}

namespace {

// Turns summed per-row losses and gradients into scikit-learn's batch loss:
// the mean cross-entropy plus alpha/2 * ||W||^2 / rows, gradient to match.
double finish_batch(const MlpWeights& net, double loss_sum, std::size_t rows, double alpha,
                    MlpWeights& grad) {
  const auto n = static_cast<float>(rows);
  double squares = 0.0;
  for (std::size_t l = 0; l < layers(net); ++l) {
    squares += net.w[l].squaredNorm();
    grad.w[l] = (grad.w[l] + static_cast<float>(alpha) * net.w[l]) / n;
    grad.b[l] /= n;
  }
  return (loss_sum + 0.5 * alpha * squares) / static_cast<double>(rows);
}

}  // namespace

double mlp_batch_loss(const MlpWeights& net, const RowMatrix& x, const std::int32_t* labels,
                      double alpha, MlpWeights& grad) {
  grad.zero_like(net);
  const double loss_sum = net.accumulate(x, labels, grad);
  return finish_batch(net, loss_sum, static_cast<std::size_t>(x.rows()), alpha, grad);
}

const ParamFields<MlpParams>& Mlp::fields() {
  using P = MlpParams;
  static const auto fields =
      ParamFields<P>()
          .int_list("hidden", &P::hidden, "100,125", 1, 100000,
                    "hidden layer sizes, input side first")
          .real("learning_rate", &P::learning_rate, 1e-3, 1e-8, 10, "Adam step size")
          .real("alpha", &P::alpha, 1e-4, 0, 1e6, "L2 penalty")
          .integer("batch_size", &P::batch_size, 200, 1, 1 << 20, "rows per mini-batch")
          .integer("max_iter", &P::max_iter, 200, 1, 100000,
                   "most epochs (passes over the training rows)")
          .alias("max_epochs")
          .real("tol", &P::tol, 1e-4, 0, 1e6, "least loss improvement that counts")
          .integer("n_iter_no_change", &P::n_iter_no_change, 10, 1, 100000,
                   "stop after this many epochs without an improvement of tol")
          .integer("seed", &P::seed, 42, 0, 1L << 53, "seed for initial weights and shuffling")
          .choice("class_weight", &P::class_weight, ClassWeight::kNone, class_weight_choices(),
                  kClassWeightDoc);
  return fields;
}

Mlp::Mlp(ParamSet params) : Classifier(std::move(params)) {}

void Mlp::fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
              Progress* progress) {
  VIGIL_CHECK(labels.size() == x.rows() && classes > 0, "MLP fit shapes");
  if (x.rows() == 0) throw InputError("MLP: no training rows");
  const std::size_t n = x.rows();
  const std::size_t d = x.cols();
  const MlpParams settings = fields().bind(params_);
  Rng rng(static_cast<std::uint64_t>(settings.seed));

  // Glorot-uniform initialisation with scikit-learn's factor 6 for ReLU nets.
  std::vector<long> sizes = {static_cast<long>(d)};
  for (long h : settings.hidden) sizes.push_back(h);
  sizes.push_back(classes);
  net_ = MlpWeights{};
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    const double bound = std::sqrt(6.0 / static_cast<double>(sizes[l] + sizes[l + 1]));
    RowMatrix w(sizes[l], sizes[l + 1]);
    RowVector b(sizes[l + 1]);
    for (Eigen::Index i = 0; i < w.size(); ++i)
      w.data()[i] = static_cast<float>((2 * rng.uniform() - 1) * bound);
    for (Eigen::Index i = 0; i < b.size(); ++i)
      b.data()[i] = static_cast<float>((2 * rng.uniform() - 1) * bound);
    net_.w.push_back(std::move(w));
    net_.b.push_back(std::move(b));
  }
  classes_ = classes;
  features_ = d;

  const bool weighted = settings.class_weight != ClassWeight::kNone;
  std::vector<float> per_class_weight;
  for (double w : class_weights(settings.class_weight, labels, classes)) {
    per_class_weight.push_back(static_cast<float>(w));
  }
  const double lr = settings.learning_rate;
  const double alpha = settings.alpha;
  const auto batch = static_cast<std::size_t>(settings.batch_size);
  const long max_epochs = settings.max_iter;
  const double tol = settings.tol;
  const long patience = settings.n_iter_no_change;
  const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;

  MlpWeights m, v, grad;
  m.zero_like(net_);
  v.zero_like(net_);
  grad.zero_like(net_);
  const int threads = std::max(1, omp_get_max_threads());
  std::vector<MlpWeights> partial(static_cast<std::size_t>(threads));
  for (auto& p : partial) p.zero_like(net_);

  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  RowMatrix xb(static_cast<Eigen::Index>(std::min(batch, n)), static_cast<Eigen::Index>(d));
  std::vector<std::int32_t> yb(std::min(batch, n));
  double best_loss = std::numeric_limits<double>::infinity();
  long no_improvement = 0;
  long step = 0;
  loss_curve_.clear();
  notes_.clear();
  if (progress) progress->begin("MLP", static_cast<std::size_t>(max_epochs));
  long epoch = 0;
  for (; epoch < max_epochs; ++epoch) {
    rng.shuffle(std::span<std::size_t>(order));
    double epoch_loss = 0.0;
    for (std::size_t start = 0; start < n; start += batch) {
      const std::size_t rows = std::min(batch, n - start);
      if (static_cast<std::size_t>(xb.rows()) != rows)
        xb.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(d));
      for (std::size_t i = 0; i < rows; ++i) {
        std::copy_n(x.row(order[start + i]).data(), d, xb.row(static_cast<Eigen::Index>(i)).data());
        yb[i] = labels[order[start + i]];
      }
      // Each thread takes a slice of the batch; their gradient sums are added.
      double loss_sum = 0.0;
      const int used = rows >= 64 ? threads : 1;
#pragma omp parallel for num_threads(used) reduction(+ : loss_sum) schedule(static, 1)
      for (int t = 0; t < used; ++t) {
        const std::size_t lo = rows * static_cast<std::size_t>(t) / static_cast<std::size_t>(used);
        const std::size_t hi =
            rows * static_cast<std::size_t>(t + 1) / static_cast<std::size_t>(used);
        MlpWeights& g = partial[static_cast<std::size_t>(t)];
        for (auto& w : g.w) w.setZero();
        for (auto& b : g.b) b.setZero();
        if (hi > lo) {
          const RowMatrix slice =
              xb.middleRows(static_cast<Eigen::Index>(lo), static_cast<Eigen::Index>(hi - lo));
          loss_sum +=
              net_.accumulate(slice, yb.data() + lo, g, weighted ? &per_class_weight : nullptr);
        }
      }
      for (std::size_t l = 0; l < net_.w.size(); ++l) {
        grad.w[l] = partial[0].w[l];
        grad.b[l] = partial[0].b[l];
        for (int t = 1; t < used; ++t) {
          grad.w[l] += partial[static_cast<std::size_t>(t)].w[l];
          grad.b[l] += partial[static_cast<std::size_t>(t)].b[l];
        }
      }
      const double batch_loss = finish_batch(net_, loss_sum, rows, alpha, grad);
      epoch_loss += batch_loss * static_cast<double>(rows);
      // Adam with bias correction folded into the step size, as scikit-learn does.
      ++step;
      const auto step_size = static_cast<float>(lr * std::sqrt(1 - std::pow(beta2, step)) /
                                                (1 - std::pow(beta1, step)));
      for (std::size_t l = 0; l < net_.w.size(); ++l) {
        m.w[l] = beta1 * m.w[l] + (1 - beta1) * grad.w[l];
        v.w[l] = beta2 * v.w[l] + (1 - beta2) * grad.w[l].cwiseAbs2();
        net_.w[l].array() -=
            step_size * m.w[l].array() / (v.w[l].array().sqrt() + static_cast<float>(eps));
        m.b[l] = beta1 * m.b[l] + (1 - beta1) * grad.b[l];
        v.b[l] = beta2 * v.b[l] + (1 - beta2) * grad.b[l].cwiseAbs2();
        net_.b[l].array() -=
            step_size * m.b[l].array() / (v.b[l].array().sqrt() + static_cast<float>(eps));
      }
    }
    const double loss = epoch_loss / static_cast<double>(n);
    loss_curve_.push_back(loss);
    if (!std::isfinite(loss))
      throw InputError("MLP: the training loss diverged (try a smaller learning_rate or scaling)");
    // scikit-learn's rule: count epochs whose loss is not tol below the best so far.
    no_improvement = loss > best_loss - tol ? no_improvement + 1 : 0;
    best_loss = std::min(best_loss, loss);
    if (progress) progress->update(static_cast<std::size_t>(epoch + 1));
    if (no_improvement > patience) {
      ++epoch;
      break;
    }
  }
  if (progress) progress->end();
  char line[200];
  if (no_improvement > patience) {
    std::snprintf(line, sizeof line,
                  "mlp: stopped after %ld epochs (loss %.4f, no improvement of %g for %ld epochs)",
                  epoch, loss_curve_.back(), tol, patience);
  } else {
    std::snprintf(line, sizeof line,
                  "mlp: reached max_iter=%ld epochs before converging (loss %.4f)", epoch,
                  loss_curve_.back());
  }
  notes_.push_back(line);
}

Matrix Mlp::predict_proba(const Matrix& x) const {
  check_input(x);
  Matrix out(x.rows(), static_cast<std::size_t>(classes_));
  for_row_pieces(x.rows(), 2048, [&](std::size_t lo, std::size_t hi) {
    const ConstRowMap in(x.row(lo).data(), static_cast<Eigen::Index>(hi - lo),
                         static_cast<Eigen::Index>(x.cols()));
    const RowMatrix p = net_.forward(in);
    std::copy_n(p.data(), p.size(), out.row(lo).data());
  });
  return out;
}

void Mlp::save_state(ByteWriter& w) const {
  w.i32(classes_);
  w.u64(features_);
  w.u64(net_.w.size());
  for (std::size_t l = 0; l < net_.w.size(); ++l) {
    w.u64(static_cast<std::uint64_t>(net_.w[l].rows()));
    w.u64(static_cast<std::uint64_t>(net_.w[l].cols()));
    w.floats({net_.w[l].data(), static_cast<std::size_t>(net_.w[l].size())});
    w.floats({net_.b[l].data(), static_cast<std::size_t>(net_.b[l].size())});
  }
  w.doubles(loss_curve_);
  w.strings(notes_);
}

void Mlp::load_state(ByteReader& r) {
  classes_ = r.i32();
  features_ = r.u64();
  const auto count = r.count(1000, "layer");
  net_ = MlpWeights{};
  std::uint64_t expect_in = features_;
  for (std::uint64_t l = 0; l < count; ++l) {
    const auto rows = r.u64();
    const auto cols = r.u64();
    const std::vector<float> w = r.floats();
    const std::vector<float> b = r.floats();
    if (rows != expect_in || !size_is_product(w.size(), rows, cols) || b.size() != cols)
      r.fail("MLP layer sizes disagree");
    net_.w.push_back(
        ConstRowMap(w.data(), static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols)));
    net_.b.push_back(Eigen::Map<const RowVector>(b.data(), static_cast<Eigen::Index>(cols)));
    expect_in = cols;
  }
  if (count == 0 || classes_ <= 0 || expect_in != static_cast<std::uint64_t>(classes_))
    r.fail("MLP output size disagrees");
  loss_curve_ = r.doubles();
  notes_ = r.strings();
}

void register_mlp(Registry& registry) {
  registry.add(
      {"mlp", "Multi-layer perceptron, ReLU, softmax, Adam (as scikit-learn's MLPClassifier)",
       Mlp::param_specs(), [](ParamSet p) { return std::make_unique<Mlp>(std::move(p)); }});
}

}  // namespace vigil::models
