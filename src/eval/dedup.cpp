#include "vigil/eval/dedup.hpp"

#include <unordered_set>

namespace vigil::eval {

const NameTable<Dedup>& dedup_modes() {
  static const NameTable<Dedup> table("dedup mode", {{Dedup::kNone, "none"},
                                                     {Dedup::kTrain, "train"},
                                                     {Dedup::kTest, "test"},
                                                     {Dedup::kBoth, "both"}});
  return table;
}

std::string DedupCounts::text() const {
  std::string out = "dedup " + dedup_modes().name(mode) + ":";
  if (mode == Dedup::kTrain || mode == Dedup::kBoth) {
    out += " dropped " + std::to_string(train_dropped) + " of " + std::to_string(train_rows) +
           " training rows that repeat an earlier training row's feature vector;";
  }
  if (mode == Dedup::kTest || mode == Dedup::kBoth) {
    out += " dropped " + std::to_string(test_dropped) + " of " + std::to_string(test_rows) +
           " test rows whose feature vector is in training;";
  }
  out.pop_back();
  return out;
}

data::Split drop_duplicates(data::Split split, const std::vector<std::string>& train_keys,
                            const std::vector<std::string>& test_keys, Dedup mode,
                            DedupCounts& counts) {
  counts.mode = mode;
  counts.train_rows += split.train.size();
  counts.test_rows += split.test.size();
  if (mode == Dedup::kNone) return split;
  std::unordered_set<std::string_view> seen;
  seen.reserve(split.train.size());
  std::vector<std::size_t> kept;
  for (auto i : split.train) {
    const bool first = seen.insert(train_keys[i]).second;
    if (first || mode == Dedup::kTest) kept.push_back(i);
  }
  counts.train_dropped += split.train.size() - kept.size();
  split.train = std::move(kept);
  if (mode == Dedup::kTest || mode == Dedup::kBoth) {
    const std::size_t before = split.test.size();
    std::erase_if(split.test, [&](std::size_t i) { return seen.count(test_keys[i]) > 0; });
    counts.test_dropped += before - split.test.size();
  }
  return split;
}

}  // namespace vigil::eval
