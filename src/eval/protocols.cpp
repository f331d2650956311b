// The evaluation protocols, one small class each, and their registry.
#include <algorithm>
#include <set>

#include "vigil/core/error.hpp"
#include "vigil/eval/protocol.hpp"

namespace vigil::eval {
namespace {

// The split less every training row of `cls`.
data::Split without_class(data::Split split, const std::vector<std::int32_t>& labels,
                          std::int32_t cls) {
  std::erase_if(split.train, [&](std::size_t i) { return labels[i] == cls; });
  return split;
}

// Split first, then fit everything on the training part.
class Holdout final : public EvaluationProtocol {
 public:
  std::vector<data::Split> splits(const ProtocolInput& in,
                                  ExperimentResult& result) const override {
    const data::Split split =
        data::stratified_split(in.data.labels, in.config.test_fraction, in.config.seed);
    const std::vector<std::string> keys = row_keys(in.data.features);
    std::vector<std::string> train_keys, test_keys;
    for (auto i : split.train) train_keys.push_back(keys[i]);
    for (auto i : split.test) test_keys.push_back(keys[i]);
    count_shared_rows(train_keys, test_keys, result.quality);
    return {split};
  }
};

// The published order: impute by class and SMOTE the whole file, then split.
class Paper final : public EvaluationProtocol {
 public:
  std::vector<data::Split> splits(const ProtocolInput&, ExperimentResult&) const override {
    return {data::Split{}};  // one round, split in prepare() after resampling
  }
  PreparedSplit prepare(const ProtocolInput& in, const data::Split&, ExperimentResult& result,
                        Progress* progress) const override {
    return prepare_paper(in.data, in.config, result, progress);
  }
};

// A dataset's own training and test files.
class Official final : public EvaluationProtocol {
 public:
  std::vector<data::Split> splits(const ProtocolInput& in,
                                  ExperimentResult& result) const override {
    count_shared_rows(row_keys(in.data.features), row_keys(in.test_data->features), result.quality);
    data::Split all;
    for (std::size_t i = 0; i < in.data.rows(); ++i) all.train.push_back(i);
    for (std::size_t i = 0; i < in.test_data->rows(); ++i) all.test.push_back(i);
    return {all};
  }
  PreparedSplit prepare(const ProtocolInput& in, const data::Split&, ExperimentResult& result,
                        Progress* progress) const override {
    return prepare_official(in.data, *in.test_data, in.data.class_names, in.config, result,
                            progress);
  }
};

// Stratified k-fold, each fold as the holdout.
class CrossValidation final : public EvaluationProtocol {
 public:
  std::vector<data::Split> splits(const ProtocolInput& in, ExperimentResult&) const override {
    return data::stratified_kfold(in.data.labels, in.config.folds, in.config.seed);
  }
  bool folded() const override { return true; }
};

// Folds by group (a capture, a lab run), so no group is on both sides.
class Group final : public EvaluationProtocol {
 public:
  std::vector<data::Split> splits(const ProtocolInput& in,
                                  ExperimentResult& result) const override {
    if (in.data.groups.empty()) throw ParamError("--protocol group needs --group-by COLUMN");
    std::vector<data::Split> folds = data::group_kfold(in.data.groups, in.config.folds);
    result.notes.push_back(group_fold_note(in.data.groups, folds));
    return folds;
  }
  bool folded() const override { return true; }
};

template <typename T>
std::unique_ptr<EvaluationProtocol> make() {
  return std::make_unique<T>();
}

}  // namespace

PreparedSplit EvaluationProtocol::prepare(const ProtocolInput& in, const data::Split& split,
                                          ExperimentResult& result, Progress* progress) const {
  const data::Split rows =
      in.holdout_class < 0 ? split : without_class(split, in.data.labels, in.holdout_class);
  return prepare_holdout(in.data, rows, in.config, result, progress);
}

const std::vector<ProtocolInfo>& protocols() {
  static const std::vector<ProtocolInfo> all = {
      {Protocol::kHoldout, "holdout", "split first, fit on training rows only", &make<Holdout>},
      {Protocol::kPaper, "paper", "SMOTE the whole file, then split (as published; leaks)",
       &make<Paper>},
      {Protocol::kOfficial, "official", "--train/--data and --test files", &make<Official>},
      {Protocol::kCrossValidation, "cv", "stratified k-fold", &make<CrossValidation>},
      {Protocol::kGroup, "group", "folds by --group-by (leave one group out, or --folds K groups)",
       &make<Group>},
  };
  return all;
}

std::unique_ptr<EvaluationProtocol> make_protocol(Protocol id) {
  for (const auto& p : protocols()) {
    if (p.id == id) return p.make();
  }
  throw InternalError("no protocol registered for this id");
}

Protocol parse_protocol(const std::string& name) {
  std::string names;
  for (const auto& p : protocols()) {
    if (p.name == name) return p.id;
    names += (names.empty() ? "" : ", ") + p.name;
  }
  throw ParamError("unknown protocol '" + name + "' (expected " + names + ")");
}

std::string to_string(Protocol p) {
  for (const auto& info : protocols()) {
    if (info.id == p) return info.name;
  }
  return "?";
}

std::string group_fold_note(const std::vector<std::string>& groups,
                            const std::vector<data::Split>& folds) {
  std::string note = "folds by group:";
  for (std::size_t f = 0; f < folds.size(); ++f) {
    std::set<std::string> names;
    for (auto i : folds[f].test) names.insert(groups[i]);
    note += (f ? "; " : " ") + std::to_string(f + 1) + ":";
    for (const auto& n : names) note += " " + n;
  }
  return note;
}

}  // namespace vigil::eval
