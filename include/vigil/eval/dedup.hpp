// Duplicate hygiene (--dedup): UNSW-NB15 repeats a third of its feature
// vectors, and a test row whose vector is in training is a lookup, not a
// prediction. `train` keeps the first row of each vector within the training
// part; `test` drops test rows whose vector occurs in training; `both` does both.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "vigil/core/name_table.hpp"
#include "vigil/data/split.hpp"

namespace vigil::eval {

enum class Dedup { kNone, kTrain, kTest, kBoth };
const NameTable<Dedup>& dedup_modes();

// What --dedup dropped, summed over rounds.
struct DedupCounts {
  Dedup mode = Dedup::kNone;
  std::size_t train_rows = 0, train_dropped = 0;  // before dropping
  std::size_t test_rows = 0, test_dropped = 0;
  std::string text() const;  // one line for the report
};

// `split` less its duplicates under `mode`; `train_keys` and `test_keys` are
// the row keys (eval::row_keys) that split.train and split.test index.
data::Split drop_duplicates(data::Split split, const std::vector<std::string>& train_keys,
                            const std::vector<std::string>& test_keys, Dedup mode,
                            DedupCounts& counts);

}  // namespace vigil::eval
