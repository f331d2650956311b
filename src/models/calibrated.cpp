#include "models/calibrated.hpp"

#include <algorithm>

#include "vigil/core/error.hpp"
#include "vigil/data/split.hpp"

namespace vigil::models {
namespace {

// Any classifier but this one.
const std::vector<std::string> kBaseChoices = {"nb",  "lr",  "knn",  "rf",   "mlp",
                                               "xgb", "svm", "vote", "stack"};

}  // namespace

float IsotonicMap::operator()(float score) const {
  if (score <= x.front()) return y.front();
  if (score >= x.back()) return y.back();
  const auto hi = static_cast<std::size_t>(std::upper_bound(x.begin(), x.end(), score) - x.begin());
  const std::size_t lo = hi - 1;
  if (x[hi] == x[lo]) return y[hi];
  const float t = (score - x[lo]) / (x[hi] - x[lo]);
  return y[lo] + t * (y[hi] - y[lo]);
}

IsotonicMap IsotonicMap::fit(std::vector<std::pair<float, float>> pairs) {
  VIGIL_CHECK(!pairs.empty(), "isotonic fit without rows");
  std::sort(pairs.begin(), pairs.end());
  struct Block {
    double sum, weight;
    float lo, hi;  // the scores it spans
  };
  std::vector<Block> blocks;
  for (std::size_t i = 0; i < pairs.size();) {
    // Equal scores are one block from the start (their targets averaged).
    Block b{0, 0, pairs[i].first, pairs[i].first};
    for (; i < pairs.size() && pairs[i].first == b.lo; ++i) {
      b.sum += pairs[i].second;
      b.weight += 1;
    }
    blocks.push_back(b);
    // Merge backwards while the means decrease.
    while (blocks.size() > 1) {
      Block& last = blocks.back();
      Block& prev = blocks[blocks.size() - 2];
      if (prev.sum / prev.weight <= last.sum / last.weight) break;
      prev.sum += last.sum;
      prev.weight += last.weight;
      prev.hi = last.hi;
      blocks.pop_back();
    }
  }
  IsotonicMap map;
  for (const Block& b : blocks) {
    const auto mean = static_cast<float>(b.sum / b.weight);
    map.x.push_back(b.lo);
    map.y.push_back(mean);
    if (b.hi != b.lo) {
      map.x.push_back(b.hi);
      map.y.push_back(mean);
    }
  }
  return map;
}

const ParamFields<CalibratedParams>& CalibratedClassifier::fields() {
  using P = CalibratedParams;
  static const auto fields =
      ParamFields<P>()
          .registry_name("base", &P::base, "xgb", kBaseChoices,
                         "the model whose probabilities are calibrated (its default parameters)")
          .real("validation", &P::validation, 0.2, 0.05, 0.5,
                "share of the training rows (stratified) the isotonic maps learn from; the base "
                "model learns from the rest")
          .integer("seed", &P::seed, 42, 0, 1L << 53, "seed for the split");
  return fields;
}

void CalibratedClassifier::fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
                               Progress* progress) {
  VIGIL_CHECK(labels.size() == x.rows() && classes > 0, "calibrated fit shapes");
  if (x.rows() < 2) throw InputError("calibrated: fewer than 2 training rows");
  const CalibratedParams settings = fields().bind(params_);
  const data::Split split = data::stratified_split(labels, settings.validation,
                                                   static_cast<std::uint64_t>(settings.seed));
  if (split.train.empty() || split.test.empty()) {
    throw InputError("calibrated: too few training rows to hold " +
                     std::to_string(settings.validation) + " of them out for calibration");
  }
  std::vector<std::int32_t> train_y, held_y;
  for (auto i : split.train) train_y.push_back(labels[i]);
  for (auto i : split.test) held_y.push_back(labels[i]);
  base_ = builtin_registry().create(settings.base);
  base_->fit(x.select_rows(split.train), train_y, classes, progress);
  const Matrix held = base_->predict_proba(x.select_rows(split.test));
  classes_ = classes;
  features_ = x.cols();
  maps_.clear();
  for (int c = 0; c < classes; ++c) {
    std::vector<std::pair<float, float>> pairs;
    for (std::size_t r = 0; r < held.rows(); ++r) {
      pairs.emplace_back(held(r, static_cast<std::size_t>(c)), held_y[r] == c ? 1.0f : 0.0f);
    }
    maps_.push_back(IsotonicMap::fit(std::move(pairs)));
  }
  notes_ = base_->fit_notes();
  notes_.push_back("calibrated: " + settings.base + " fitted on " +
                   std::to_string(split.train.size()) + " rows, its isotonic maps on " +
                   std::to_string(split.test.size()));
}

Matrix CalibratedClassifier::predict_proba(const Matrix& x) const {
  check_input(x);
  Matrix p = base_->predict_proba(x);
  const auto k = static_cast<std::size_t>(classes_);
  for (std::size_t r = 0; r < p.rows(); ++r) {
    auto row = p.row(r);
    float sum = 0;
    for (std::size_t c = 0; c < k; ++c) {
      row[c] = maps_[c](row[c]);
      sum += row[c];
    }
    // Every map at 0 (a row unlike any held out): no class is favoured.
    for (std::size_t c = 0; c < k; ++c)
      row[c] = sum > 0 ? row[c] / sum : 1.0f / static_cast<float>(k);
  }
  return p;
}

std::vector<double> CalibratedClassifier::feature_importances() const {
  return base_ ? base_->feature_importances() : std::vector<double>{};
}

void CalibratedClassifier::save_state(ByteWriter& w) const {
  w.i32(classes_);
  w.u64(features_);
  w.str(base_->name());
  base_->params().save(w);
  base_->save_state(w);
  for (const auto& m : maps_) {
    w.floats(m.x);
    w.floats(m.y);
  }
}

void CalibratedClassifier::load_state(ByteReader& r) {
  classes_ = r.i32();
  features_ = r.u64();
  if (classes_ <= 0) r.fail("calibrated model has no classes");
  const std::string base = r.str();
  if (std::find(kBaseChoices.begin(), kBaseChoices.end(), base) == kBaseChoices.end()) {
    r.fail("unknown calibrated base model '" + base + "'");
  }
  ParamSet params = builtin_registry().default_params(base);
  params.load(r);
  base_ = builtin_registry().info(base).make(std::move(params));
  base_->load_state(r);
  if (base_->classes() != classes_ || base_->features() != features_) {
    r.fail("the calibrated base model has another class or feature count");
  }
  maps_.assign(static_cast<std::size_t>(classes_), {});
  for (auto& m : maps_) {
    m.x = r.floats();
    m.y = r.floats();
    const auto in_unit = [](float v) { return v >= 0.0f && v <= 1.0f; };
    if (m.x.empty() || m.x.size() != m.y.size() || !std::is_sorted(m.x.begin(), m.x.end()) ||
        !std::is_sorted(m.y.begin(), m.y.end()) || !std::all_of(m.y.begin(), m.y.end(), in_unit)) {
      r.fail("a calibration map is damaged (points out of order or outside [0, 1])");
    }
  }
}

void register_calibrated(Registry& registry) {
  registry.add({"calibrated",
                "Another model's probabilities calibrated by per-class isotonic maps fitted on "
                "held-out training rows (as scikit-learn's CalibratedClassifierCV)",
                CalibratedClassifier::param_specs(),
                [](ParamSet p) { return std::make_unique<CalibratedClassifier>(std::move(p)); }});
}

}  // namespace vigil::models
