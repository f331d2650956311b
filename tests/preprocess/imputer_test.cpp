#include "vigil/preprocess/imputer.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace vigil::preprocess {
namespace {

const float kNaN = std::nanf("");

Matrix sample() {
  Matrix x(5, 2);
  const float v[] = {1, 2, kNaN, 2, 3, kNaN, 4, 8, 4, 8};
  std::copy(v, v + 10, x.data());
  return x;
}

// Expected statistics from scikit-learn 1.2 SimpleImputer on the same matrix:
// mean [3, 5], median [3.5, 5], most_frequent [4, 2].
TEST(Imputer, MeanMedianMostFrequentConstantMatchScikitLearn) {
  struct Case {
    ImputeStrategy s;
    double a, b;
  };
  for (const auto& c :
       {Case{ImputeStrategy::kMean, 3, 5}, Case{ImputeStrategy::kMedian, 3.5, 5},
        Case{ImputeStrategy::kMostFrequent, 4, 2}, Case{ImputeStrategy::kConstant, -1, -1}}) {
    Imputer imp(c.s, -1.0);
    Matrix x = sample();
    imp.fit(x);
    EXPECT_DOUBLE_EQ(imp.fill_values()[0], c.a) << to_string(c.s);
    EXPECT_DOUBLE_EQ(imp.fill_values()[1], c.b) << to_string(c.s);
    imp.transform(x);
    EXPECT_FLOAT_EQ(x(1, 0), static_cast<float>(c.a));
    EXPECT_FLOAT_EQ(x(2, 1), static_cast<float>(c.b));
    EXPECT_FLOAT_EQ(x(0, 0), 1.0f);  // present values untouched
  }
}

TEST(Imputer, ClassMeanUsesOwnClassInTrainingAndOverallLater) {
  const std::vector<std::int32_t> y = {0, 0, 1, 1, 1};
  Imputer imp(ImputeStrategy::kClassMean);
  Matrix x = sample();
  imp.fit(x, y, 2);
  // Class 0, column 0 has only the value 1; class 1, column 1 has 8 and 8.
  EXPECT_DOUBLE_EQ(imp.class_fill(0, 0), 1.0);
  EXPECT_DOUBLE_EQ(imp.class_fill(1, 1), 8.0);
  Matrix train = sample();
  imp.transform_training(train, y);
  EXPECT_FLOAT_EQ(train(1, 0), 1.0f);
  EXPECT_FLOAT_EQ(train(2, 1), 8.0f);
  Matrix later = sample();
  imp.transform(later);  // class unknown: the overall mean
  EXPECT_FLOAT_EQ(later(1, 0), 3.0f);
  EXPECT_FLOAT_EQ(later(2, 1), 5.0f);
}

TEST(Imputer, SaveLoadRoundTrip) {
  Imputer imp(ImputeStrategy::kClassMean);
  Matrix x = sample();
  imp.fit(x, std::vector<std::int32_t>{0, 0, 1, 1, 1}, 2);
  ByteWriter w;
  imp.save(w);
  Imputer back;
  ByteReader r(w.bytes(), "t");
  back.load(r);
  EXPECT_EQ(back.fill_values(), imp.fill_values());
  EXPECT_DOUBLE_EQ(back.class_fill(1, 1), 8.0);
}

}  // namespace
}  // namespace vigil::preprocess
