#include <gtest/gtest.h>

#include "models/fixtures.hpp"
#include "vigil/core/error.hpp"
#include "vigil/models/classifier.hpp"

namespace vigil::models {
namespace {

TEST(VotingEnsemble, AveragesItsMembersProbabilities) {
  const auto p = testing::blobs(3, 60, 3, 4);
  auto vote = builtin_registry().create("vote", {"members=nb,lr"});
  auto nb = builtin_registry().create("nb");
  auto lr = builtin_registry().create("lr");
  vote->fit(p.x, p.y, p.classes);
  nb->fit(p.x, p.y, p.classes);
  lr->fit(p.x, p.y, p.classes);
  const Matrix v = vote->predict_proba(p.x), a = nb->predict_proba(p.x), b = lr->predict_proba(p.x);
  for (std::size_t i = 0; i < v.values().size(); ++i) {
    EXPECT_NEAR(v.values()[i], (a.values()[i] + b.values()[i]) / 2, 1e-6);
  }
}

TEST(StackingEnsemble, LearnsWhatNoMemberDoesAlone) {
  // XOR: naive Bayes and logistic regression each fail; their stacked
  // probabilities do no better, but a k-NN member carries the meta-learner.
  const auto p = testing::xor_problem(400, 3);
  auto stack = builtin_registry().create("stack", {"members=lr,knn", "folds=3"});
  stack->fit(p.x, p.y, p.classes);
  const auto predicted = stack->predict(p.x);
  int right = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) right += predicted[i] == p.y[i];
  EXPECT_GT(right, 370);
}

TEST(Ensembles, MembersAreCheckedByName) {
  EXPECT_THROW(builtin_registry().create("vote", {"members=rf,rf"}), ParamError);
  EXPECT_THROW(builtin_registry().create("vote", {"members=vote"}), ParamError);
  EXPECT_THROW(builtin_registry().create("stack", {"members=rf,forest"}), ParamError);
}

}  // namespace
}  // namespace vigil::models
