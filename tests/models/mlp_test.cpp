#include "models/mlp.hpp"

#include <gtest/gtest.h>

#include "models/fixtures.hpp"
#include "vigil/core/error.hpp"

namespace vigil::models {
namespace {

TEST(Mlp, LearnsXorThatNoLinearModelCan) {
  const auto train = vigil::testing::xor_problem(800, 1);
  const auto test = vigil::testing::xor_problem(400, 2);
  auto mlp = builtin_registry().create("mlp", {"hidden=16,16", "max_iter=300"});
  mlp->fit(train.x, train.y, 2);
  EXPECT_GT(vigil::testing::accuracy(mlp->predict(test.x), test.y), 0.93);
  auto lr = builtin_registry().create("lr");
  lr->fit(train.x, train.y, 2);
  EXPECT_LT(vigil::testing::accuracy(lr->predict(test.x), test.y), 0.7);
}

TEST(Mlp, GradientMatchesFiniteDifferences) {
  Rng rng(5);
  MlpWeights net;
  const int sizes[] = {3, 5, 4, 3};
  for (int l = 0; l < 3; ++l) {
    RowMatrix w(sizes[l], sizes[l + 1]);
    RowVector b(sizes[l + 1]);
    for (Eigen::Index i = 0; i < w.size(); ++i)
      w.data()[i] = static_cast<float>(rng.uniform() - 0.5);
    for (Eigen::Index i = 0; i < b.size(); ++i)
      b.data()[i] = static_cast<float>(rng.uniform() * 0.2);
    net.w.push_back(w);
    net.b.push_back(b);
  }
  RowMatrix x(6, 3);
  for (Eigen::Index i = 0; i < x.size(); ++i)
    x.data()[i] = static_cast<float>(rng.uniform() * 2 - 1);
  const std::int32_t y[] = {0, 1, 2, 1, 0, 2};
  const double alpha = 0.1;
  MlpWeights grad, scratch;
  mlp_batch_loss(net, x, y, alpha, grad);
  const float h = 1e-3f;
  int checked = 0;
  for (std::size_t l = 0; l < net.w.size(); ++l) {
    for (Eigen::Index i = 0; i < net.w[l].size(); ++i) {
      MlpWeights plus = net, minus = net;
      plus.w[l].data()[i] += h;
      minus.w[l].data()[i] -= h;
      const double numeric = (mlp_batch_loss(plus, x, y, alpha, scratch) -
                              mlp_batch_loss(minus, x, y, alpha, scratch)) /
                             (2 * h);
      EXPECT_NEAR(grad.w[l].data()[i], numeric, 2e-3 + 2e-2 * std::abs(numeric))
          << "layer " << l << " weight " << i;
      ++checked;
    }
    for (Eigen::Index i = 0; i < net.b[l].size(); ++i) {
      MlpWeights plus = net, minus = net;
      plus.b[l].data()[i] += h;
      minus.b[l].data()[i] -= h;
      const double numeric = (mlp_batch_loss(plus, x, y, alpha, scratch) -
                              mlp_batch_loss(minus, x, y, alpha, scratch)) /
                             (2 * h);
      EXPECT_NEAR(grad.b[l].data()[i], numeric, 2e-3 + 2e-2 * std::abs(numeric))
          << "layer " << l << " bias " << i;
    }
  }
  EXPECT_EQ(checked, 3 * 5 + 5 * 4 + 4 * 3);
}

TEST(Mlp, StopsEarlyAndSaysSo) {
  const auto train = vigil::testing::blobs(2, 100, 2, 7);
  auto mlp = builtin_registry().create("mlp", {"hidden=8", "max_iter=500", "tol=0.01"});
  mlp->fit(train.x, train.y, 2);
  const auto& m = dynamic_cast<const Mlp&>(*mlp);
  EXPECT_LT(m.loss_curve().size(), 500u);
  EXPECT_LT(m.loss_curve().back(), m.loss_curve().front());
  ASSERT_EQ(m.fit_notes().size(), 1u);
  EXPECT_NE(m.fit_notes()[0].find("stopped after"), std::string::npos);
  EXPECT_THROW(builtin_registry().create("mlp", {"hidden=10,x"}), ParamError);
}

}  // namespace
}  // namespace vigil::models
