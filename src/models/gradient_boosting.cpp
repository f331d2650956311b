#include "models/gradient_boosting.hpp"

#include <xgboost/c_api.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/parallel.hpp"
#include "models/booster_check.hpp"
#include "vigil/core/error.hpp"

namespace vigil::models {
namespace {

// Every XGBoost call returns non-zero on failure, with the reason in XGBGetLastError().
void xgb_check(int status, const char* what) {
  if (status != 0) throw Error(std::string("XGBoost: ") + what + ": " + XGBGetLastError());
}

// XGBoost logs warnings to stderr through its own logger; Vigil's output stays
// its own, so the callback drops them (verbosity 0 keeps the count of them low).
void quiet_logger(const char*) {}

void register_quiet_logger() {
  static std::once_flag once;
  std::call_once(once, [] { XGBRegisterLogCallback(quiet_logger); });
}

// A DMatrix over a dense float matrix; NaN is XGBoost's "missing".
class DMatrix {
 public:
  explicit DMatrix(const Matrix& x) {
    xgb_check(XGDMatrixCreateFromMat(x.data(), x.rows(), x.cols(),
                                     std::numeric_limits<float>::quiet_NaN(), &handle_),
              "building the data matrix");
  }
  ~DMatrix() { XGDMatrixFree(handle_); }
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  DMatrixHandle get() const { return handle_; }

 private:
  DMatrixHandle handle_ = nullptr;
};

}  // namespace

struct GradientBoostedTrees::Booster {
  BoosterHandle handle = nullptr;
  explicit Booster(const DMatrixHandle* train, bst_ulong count) {
    xgb_check(XGBoosterCreate(train, count, &handle), "creating the booster");
  }
  ~Booster() { XGBoosterFree(handle); }
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
  void set(const std::string& name, const std::string& value) const {
    xgb_check(XGBoosterSetParam(handle, name.c_str(), value.c_str()), ("setting " + name).c_str());
  }
};

GradientBoostedTrees::GradientBoostedTrees(ParamSet params) : Classifier(std::move(params)) {
  register_quiet_logger();
}

GradientBoostedTrees::~GradientBoostedTrees() = default;

const ParamFields<GradientBoostingParams>& GradientBoostedTrees::fields() {
  using P = GradientBoostingParams;
  static const auto fields =
      ParamFields<P>()
          .integer("trees", &P::trees, 100, 1, 100000, "boosting rounds (trees per class)")
          .alias("rounds")
          .integer("max_depth", &P::max_depth, 6, 0, 1000,
                   "deepest level a tree may reach (0: unlimited)")
          .real("learning_rate", &P::learning_rate, 0.3, 1e-6, 1.0,
                "shrinkage of each tree's contribution (XGBoost's eta)")
          .alias("eta")
          .real("subsample", &P::subsample, 1.0, 1e-6, 1.0, "share of rows sampled for each tree")
          .real("colsample_bytree", &P::colsample_bytree, 1.0, 1e-6, 1.0,
                "share of features sampled for each tree")
          .real("min_child_weight", &P::min_child_weight, 1.0, 0, 1e12,
                "least hessian sum a leaf keeps")
          .real("lambda", &P::lambda, 1.0, 0, 1e12, "L2 penalty on leaf weights")
          .integer("max_bins", &P::max_bins, 256, 2, 65535, "histogram bins per feature")
          .alias("max_bin")
          .integer("threads", &P::threads, 0, 0, 4096,
                   "threads for fitting and prediction (0: all cores)")
          .choice("predictor", &P::predictor, P::Predictor::kVigil,
                  {{P::Predictor::kVigil, "vigil"}, {P::Predictor::kXgboost, "xgboost"}},
                  "vigil: Vigil walks the booster's trees (the same probabilities, microseconds "
                  "a flow); xgboost: XGBoost's own predictor")
          .integer("seed", &P::seed, 42, 0, 1L << 31, "seed for row and feature sampling")
          .choice("class_weight", &P::class_weight, ClassWeight::kNone, class_weight_choices(),
                  kClassWeightDoc);
  return fields;
}

void GradientBoostedTrees::configure(Booster& booster) const {
  const GradientBoostingParams p = fields().bind(params_);
  booster.set("objective", "multi:softprob");
  booster.set("num_class", std::to_string(classes_));
  booster.set("tree_method", "hist");
  booster.set("verbosity", "0");
  booster.set("max_depth", std::to_string(p.max_depth));
  booster.set("eta", std::to_string(p.learning_rate));
  booster.set("subsample", std::to_string(p.subsample));
  booster.set("colsample_bytree", std::to_string(p.colsample_bytree));
  booster.set("min_child_weight", std::to_string(p.min_child_weight));
  booster.set("lambda", std::to_string(p.lambda));
  booster.set("max_bin", std::to_string(p.max_bins));
  booster.set("nthread", std::to_string(p.threads));
  booster.set("seed", std::to_string(p.seed));
}

void GradientBoostedTrees::fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
                               Progress* progress) {
  VIGIL_CHECK(labels.size() == x.rows() && classes > 0, "gradient boosting fit shapes");
  if (x.rows() == 0) throw InputError("gradient boosting: no training rows");
  booster_.reset();
  walk_.reset();
  notes_.clear();
  classes_ = classes;
  features_ = x.cols();
  only_class_ = labels[0];
  for (auto y : labels) {
    if (y != only_class_) only_class_ = -1;
  }
  if (only_class_ >= 0 || classes < 2) {
    only_class_ = labels[0];
    notes_.push_back("xgb: every training row is of one class; the model always predicts it");
    return;
  }
  DMatrix train(x);
  std::vector<float> y(labels.begin(), labels.end());
  xgb_check(XGDMatrixSetFloatInfo(train.get(), "label", y.data(), y.size()), "setting the labels");
  const GradientBoostingParams settings = fields().bind(params_);
  if (settings.class_weight != ClassWeight::kNone) {
    const std::vector<double> per_class = class_weights(settings.class_weight, labels, classes);
    std::vector<float> weight(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) {
      weight[i] = static_cast<float>(per_class[static_cast<std::size_t>(labels[i])]);
    }
    xgb_check(XGDMatrixSetFloatInfo(train.get(), "weight", weight.data(), weight.size()),
              "setting the row weights");
  }
  DMatrixHandle handles[] = {train.get()};
  auto booster = std::make_unique<Booster>(handles, 1);
  configure(*booster);
  const auto rounds = static_cast<int>(settings.trees);
  if (progress) progress->begin("gradient boosting", static_cast<std::size_t>(rounds));
  for (int round = 0; round < rounds; ++round) {
    xgb_check(XGBoosterUpdateOneIter(booster->handle, round, train.get()), "training a round");
    if (progress) progress->update(static_cast<std::size_t>(round + 1));
  }
  if (progress) progress->end();
  booster_ = std::move(booster);
  bst_ulong length = 0;
  const char* bytes = nullptr;
  xgb_check(XGBoosterSaveModelToBuffer(booster_->handle, R"({"format": "ubj"})", &length, &bytes),
            "saving the booster");
  read_trees({reinterpret_cast<const std::uint8_t*>(bytes), length});
}

void GradientBoostedTrees::read_trees(std::span<const std::uint8_t> ubjson) {
  if (fields().bind(params_).predictor != GradientBoostingParams::Predictor::kVigil) return;
  walk_ = BoostedTreesWalk::from_ubjson(ubjson, static_cast<std::size_t>(classes_), features_);
  if (!walk_)
    notes_.push_back(
        "xgb: predicting through XGBoost (its model has what Vigil's walk does not read)");
}

Matrix GradientBoostedTrees::predict_proba(const Matrix& x) const {
  check_input(x);
  Matrix out(x.rows(), static_cast<std::size_t>(classes_));
  if (x.rows() == 0) return out;
  if (only_class_ >= 0) {
    for (std::size_t r = 0; r < x.rows(); ++r) out(r, static_cast<std::size_t>(only_class_)) = 1.0f;
    return out;
  }
  if (walk_) {
    for_row_pieces(x.rows(), 256,
                   [&](std::size_t lo, std::size_t hi) { walk_->predict_proba(x, lo, hi, out); });
    return out;
  }
  DMatrix data(x);
  bst_ulong length = 0;
  const float* values = nullptr;
  // option 0: probabilities; ntree_limit 0: every tree; training 0: no dropout.
  const std::lock_guard lock(predict_mutex_);
  xgb_check(XGBoosterPredict(booster_->handle, data.get(), 0, 0, 0, &length, &values),
            "predicting");
  VIGIL_CHECK(length == out.values().size(),
              "XGBoost returned " + std::to_string(length) + " probabilities");
  std::copy(values, values + length, out.data());
  return out;
}

Matrix GradientBoostedTrees::contributions(const Matrix& x,
                                           std::span<const std::int32_t> classes) const {
  check_input(x);
  VIGIL_CHECK(classes.size() == x.rows(), "gradient boosting contributions: one class per row");
  if (!walk_ || !walk_->has_contributions()) return {};
  Matrix out(x.rows(), features_);
  std::vector<float> with_bias(features_ + 1);
  for (std::size_t r = 0; r < x.rows(); ++r) {
    VIGIL_CHECK(classes[r] >= 0 && classes[r] < classes_,
                "gradient boosting contributions: class out of range");
    walk_->contributions(x.row(r), classes[r], with_bias);
    std::copy_n(with_bias.begin(), features_, out.row(r).begin());
  }
  return out;
}

void GradientBoostedTrees::save_state(ByteWriter& w) const {
  w.i32(classes_);
  w.u64(features_);
  w.i32(only_class_);
  if (only_class_ >= 0) return;
  bst_ulong length = 0;
  const char* bytes = nullptr;
  xgb_check(XGBoosterSaveModelToBuffer(booster_->handle, R"({"format": "ubj"})", &length, &bytes),
            "saving the booster");
  w.str(std::string_view(bytes, length));
}

void GradientBoostedTrees::load_state(ByteReader& r) {
  classes_ = r.i32();
  features_ = r.u64();
  only_class_ = r.i32();
  if (classes_ <= 0) r.fail("gradient boosting model has no classes");
  if (only_class_ >= classes_) r.fail("gradient boosting model's single class is out of range");
  booster_.reset();
  walk_.reset();
  if (only_class_ >= 0) return;
  const std::string bytes = r.str();
  check_booster({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()},
                static_cast<std::size_t>(classes_), features_, r);
  auto booster = std::make_unique<Booster>(nullptr, 0);
  if (XGBoosterLoadModelFromBuffer(booster->handle, bytes.data(), bytes.size()) != 0) {
    r.fail(std::string("XGBoost cannot read its booster: ") + XGBGetLastError());
  }
  bst_ulong features = 0;
  xgb_check(XGBoosterGetNumFeature(booster->handle, &features), "reading the feature count");
  if (features != features_) r.fail("the booster's feature count differs from the model's");
  booster->set("nthread", std::to_string(fields().bind(params_).threads));
  booster_ = std::move(booster);
  read_trees({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
}

void register_gradient_boosting(Registry& registry) {
  registry.add({"xgb", "Gradient-boosted trees through XGBoost's library (hist, multi:softprob)",
                GradientBoostedTrees::param_specs(),
                [](ParamSet p) { return std::make_unique<GradientBoostedTrees>(std::move(p)); }});
}

}  // namespace vigil::models
