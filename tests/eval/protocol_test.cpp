// Every registered protocol, without listing them by hand: found by its name,
// and no round of it tests on a row it trains on.
#include "vigil/eval/protocol.hpp"

#include <gtest/gtest.h>

#include <set>

#include "vigil/core/error.hpp"
#include "vigil/core/random.hpp"

namespace vigil::eval {
namespace {

data::Dataset toy(std::size_t rows) {
  data::Dataset d;
  d.class_names = {"attack", "normal"};
  d.features.source = "toy";
  data::Column a{"a", data::ColumnType::kNumeric, {}, {}};
  Rng rng(3);
  for (std::size_t i = 0; i < rows; ++i) {
    const int y = i % 4 == 0 ? 0 : 1;
    a.numbers.push_back(static_cast<float>(y + rng.uniform()));
    d.labels.push_back(y);
    d.groups.push_back("capture" + std::to_string(i % 3));
    d.features.line_numbers.push_back(i + 2);
  }
  d.features.columns = {a};
  return d;
}

TEST(Protocols, EachIsFoundByItsName) {
  ASSERT_GE(protocols().size(), 5u);
  for (const auto& p : protocols()) {
    EXPECT_EQ(parse_protocol(p.name), p.id) << p.name;
    EXPECT_EQ(to_string(p.id), p.name);
    EXPECT_FALSE(p.description.empty()) << p.name;
  }
  EXPECT_THROW(parse_protocol("temporal-typo"), ParamError);
}

TEST(Protocols, NoRoundTestsOnARowItTrainsOn) {
  const data::Dataset data = toy(120), other = toy(40);
  for (const auto& p : protocols()) {
    ExperimentConfig config;
    config.protocol = p.id;
    config.folds = p.name == "group" ? 0 : 4;
    const bool official = p.id == Protocol::kOfficial;
    const ProtocolInput input{data, official ? &other : nullptr, config, -1};
    ExperimentResult result;
    const auto protocol = make_protocol(p.id);
    const auto rounds = protocol->splits(input, result);
    ASSERT_FALSE(rounds.empty()) << p.name;
    if (protocol->folded()) {
      EXPECT_GT(rounds.size(), 1u) << p.name;
      std::set<std::size_t> tested;  // folds test every row once
      for (const auto& r : rounds) tested.insert(r.test.begin(), r.test.end());
      EXPECT_EQ(tested.size(), data.rows()) << p.name;
    }
    for (const auto& r : rounds) {
      if (official) continue;  // its train and test rows index two files
      const std::set<std::size_t> train(r.train.begin(), r.train.end());
      for (auto i : r.test) EXPECT_EQ(train.count(i), 0u) << p.name << " row " << i;
    }
    // Each round prepares into matrices the models can take.
    const PreparedSplit prepared = protocol->prepare(input, rounds.front(), result, nullptr);
    EXPECT_EQ(prepared.train_x.rows(), prepared.train_y.size()) << p.name;
    EXPECT_EQ(prepared.test_x.rows(), prepared.test_y.size()) << p.name;
    EXPECT_GT(prepared.test_x.rows(), 0u) << p.name;
  }
}

}  // namespace
}  // namespace vigil::eval
