#include "models/ensemble.hpp"

#include "vigil/core/error.hpp"
#include "vigil/data/split.hpp"

namespace vigil::models {
namespace {

// Any classifier but the ensembles themselves.
const std::vector<std::string> kMemberChoices = {"nb", "lr", "knn", "rf", "mlp", "xgb", "svm"};

ParamFields<EnsembleParams> with_members() {
  return ParamFields<EnsembleParams>().choice_list("members", &EnsembleParams::members,
                                                   "rf,xgb,knn", kMemberChoices,
                                                   "the models combined (default parameters)");
}

}  // namespace

std::vector<std::unique_ptr<Classifier>> Ensemble::make_members(
    const std::vector<std::string>& names) {
  std::vector<std::unique_ptr<Classifier>> out;
  for (const auto& m : names) out.push_back(builtin_registry().create(m));
  return out;
}

Matrix Ensemble::member_probabilities(const Matrix& x) const {
  const auto k = static_cast<std::size_t>(classes_);
  Matrix out(x.rows(), members_.size() * k);
  for (std::size_t m = 0; m < members_.size(); ++m) {
    const Matrix p = members_[m]->predict_proba(x);
    for (std::size_t r = 0; r < x.rows(); ++r) {
      std::copy(p.row(r).begin(), p.row(r).end(),
                out.row(r).begin() + static_cast<std::ptrdiff_t>(m * k));
    }
  }
  return out;
}

std::vector<std::string> Ensemble::fit_notes() const {
  std::vector<std::string> notes;
  for (const auto& m : members_) {
    for (const auto& n : m->fit_notes()) notes.push_back(name() + " member " + n);
  }
  if (meta_) {
    for (const auto& n : meta_->fit_notes()) notes.push_back(name() + " meta-learner " + n);
  }
  return notes;
}

void Ensemble::save_state(ByteWriter& w) const {
  w.i32(classes_);
  w.u64(features_);
  w.u64(members_.size());
  for (const auto& m : members_) {
    w.str(m->name());
    m->params().save(w);
    m->save_state(w);
  }
  w.u8(meta_ != nullptr);
  if (meta_) {
    meta_->params().save(w);
    meta_->save_state(w);
  }
}

void Ensemble::load_state(ByteReader& r) {
  classes_ = r.i32();
  features_ = r.u64();
  if (classes_ <= 0) r.fail(name() + " has no classes");
  const auto count = r.count(kMemberChoices.size(), "ensemble member");
  members_.clear();
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::string member = r.str();
    if (std::find(kMemberChoices.begin(), kMemberChoices.end(), member) == kMemberChoices.end()) {
      r.fail("unknown ensemble member '" + member + "'");
    }
    ParamSet params = builtin_registry().default_params(member);
    params.load(r);
    members_.push_back(builtin_registry().info(member).make(std::move(params)));
    members_.back()->load_state(r);
    if (members_.back()->classes() != classes_)
      r.fail("an ensemble member has another class count");
  }
  meta_.reset();
  if (r.u8()) {
    ParamSet params = builtin_registry().default_params("lr");
    params.load(r);
    meta_ = builtin_registry().info("lr").make(std::move(params));
    meta_->load_state(r);
  }
}

const ParamFields<EnsembleParams>& VotingEnsemble::fields() {
  static const auto fields = with_members();
  return fields;
}

void VotingEnsemble::fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
                         Progress* progress) {
  members_ = make_members(fields().bind(params_).members);
  for (auto& m : members_) m->fit(x, labels, classes, progress);
  classes_ = classes;
  features_ = x.cols();
}

Matrix VotingEnsemble::predict_proba(const Matrix& x) const {
  check_input(x);
  const auto k = static_cast<std::size_t>(classes_);
  Matrix out(x.rows(), k);
  for (const auto& m : members_) {
    const Matrix p = m->predict_proba(x);
    for (std::size_t i = 0; i < p.values().size(); ++i) out.values()[i] += p.values()[i];
  }
  const auto share = 1.0f / static_cast<float>(members_.size());
  for (auto& v : out.values()) v *= share;
  return out;
}

const ParamFields<EnsembleParams>& StackingEnsemble::fields() {
  using P = EnsembleParams;
  static const auto fields = with_members()
                                 .integer("folds", &P::folds, 5, 2, 100,
                                          "stratified folds for the out-of-fold probabilities")
                                 .integer("seed", &P::seed, 42, 0, 1L << 53, "seed for the folds");
  return fields;
}

void StackingEnsemble::fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
                           Progress* progress) {
  classes_ = classes;
  features_ = x.cols();
  const EnsembleParams settings = fields().bind(params_);
  members_ = make_members(settings.members);
  const auto k = static_cast<std::size_t>(classes);
  // Out-of-fold probabilities: each row scored by members that never saw it.
  Matrix meta_x(x.rows(), members_.size() * k);
  const auto folds = data::stratified_kfold(labels, static_cast<int>(settings.folds),
                                            static_cast<std::uint64_t>(settings.seed));
  for (const auto& fold : folds) {
    const Matrix train = x.select_rows(fold.train), test = x.select_rows(fold.test);
    std::vector<std::int32_t> train_y;
    for (auto i : fold.train) train_y.push_back(labels[i]);
    for (std::size_t m = 0; m < members_.size(); ++m) {
      auto member = builtin_registry().create(members_[m]->name());
      member->fit(train, train_y, classes, progress);
      const Matrix p = member->predict_proba(test);
      for (std::size_t r = 0; r < fold.test.size(); ++r) {
        std::copy(p.row(r).begin(), p.row(r).end(),
                  meta_x.row(fold.test[r]).begin() + static_cast<std::ptrdiff_t>(m * k));
      }
    }
  }
  meta_ = builtin_registry().create("lr");
  meta_->fit(meta_x, labels, classes, progress);
  for (auto& m : members_) m->fit(x, labels, classes, progress);
}

Matrix StackingEnsemble::predict_proba(const Matrix& x) const {
  check_input(x);
  return meta_->predict_proba(member_probabilities(x));
}

void register_ensembles(Registry& registry) {
  registry.add({"vote", "Soft-voting ensemble: the mean of its members' class probabilities",
                VotingEnsemble::param_specs(),
                [](ParamSet p) { return std::make_unique<VotingEnsemble>(std::move(p)); }});
  registry.add({"stack",
                "Stacking ensemble: logistic regression on its members' out-of-fold probabilities",
                StackingEnsemble::param_specs(),
                [](ParamSet p) { return std::make_unique<StackingEnsemble>(std::move(p)); }});
}

}  // namespace vigil::models
