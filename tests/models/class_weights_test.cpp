#include "models/class_weights.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "vigil/core/random.hpp"
#include "vigil/models/classifier.hpp"

namespace vigil::models {
namespace {

TEST(ClassWeights, BalancedIsScikitLearnsFormula) {
  const std::vector<std::int32_t> labels = {0, 0, 0, 1};
  // n / (classes present x rows of the class); a class without rows weighs nothing.
  const auto w = class_weights(ClassWeight::kBalanced, labels, 3);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_DOUBLE_EQ(w[0], 4.0 / (2 * 3));
  EXPECT_DOUBLE_EQ(w[1], 4.0 / (2 * 1));
  EXPECT_EQ(w[2], 0.0);
  EXPECT_EQ(class_weights(ClassWeight::kNone, labels, 3), (std::vector<double>{1, 1, 1}));
}

// Two overlapping classes, 19 rows to 1: unweighted, a model mostly answers
// the majority; weighted, the minority's errors cost as much as the
// majority's, and its recall rises.
struct Imbalanced {
  Matrix x{0, 2};
  std::vector<std::int32_t> y;
};

Imbalanced imbalanced(std::size_t rows, std::uint64_t seed) {
  Imbalanced out;
  Rng rng(seed);
  for (std::size_t i = 0; i < rows; ++i) {
    const std::int32_t c = i % 20 == 0 ? 1 : 0;
    const float centre = c == 1 ? 1.5f : 0.0f;
    out.x.append_row(std::vector<float>{centre + static_cast<float>(rng.normal()),
                                        centre + static_cast<float>(rng.normal())});
    out.y.push_back(c);
  }
  return out;
}

double minority_recall(const Classifier& model, const Imbalanced& test) {
  const auto predicted = model.predict(test.x);
  std::size_t hits = 0, total = 0;
  for (std::size_t i = 0; i < test.y.size(); ++i) {
    if (test.y[i] != 1) continue;
    ++total;
    hits += predicted[i] == 1;
  }
  return static_cast<double>(hits) / static_cast<double>(total);
}

TEST(ClassWeights, EveryModelThatTakesThemRaisesMinorityRecall) {
  const Imbalanced train = imbalanced(4000, 1), test = imbalanced(4000, 2);
  std::set<std::string> weighted;
  for (const auto& info : builtin_registry().models()) {
    const bool takes = std::any_of(info.params.begin(), info.params.end(),
                                   [](const ParamSpec& s) { return s.name == "class_weight"; });
    if (!takes) continue;
    weighted.insert(info.name);
    SCOPED_TRACE(info.name);
    // Leaves that keep several rows, so that their shares (not only the splits) carry the weights.
    std::vector<std::string> extra;
    if (info.name == "rf") extra = {"min_samples_leaf=40", "trees=30"};
    if (info.name == "mlp") extra = {"hidden=8", "max_iter=60"};
    if (info.name == "xgb") extra = {"max_depth=2", "trees=20"};
    auto plain = builtin_registry().create(info.name, extra);
    extra.push_back("class_weight=balanced");
    auto balanced = builtin_registry().create(info.name, extra);
    plain->fit(train.x, train.y, 2);
    balanced->fit(train.x, train.y, 2);
    const double before = minority_recall(*plain, test), after = minority_recall(*balanced, test);
    EXPECT_GT(after, before + 0.3) << "recall " << before << " -> " << after;
    std::printf("%s: minority recall %.3f -> %.3f\n", info.name.c_str(), before, after);
  }
  // The models scikit-learn and XGBoost weigh, at least.
  for (const char* name : {"rf", "xgb", "lr", "mlp"}) EXPECT_TRUE(weighted.count(name)) << name;
}

}  // namespace
}  // namespace vigil::models
