// Evaluation protocols as small classes, as scikit-learn's splitters: each
// yields the (train, test) row sets of its rounds and prepares a round's
// matrices; run_experiment loops over the rounds. A new protocol is one class
// in protocols.cpp (or a file of its own) and one line in protocols().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vigil/core/progress.hpp"
#include "vigil/data/dataset.hpp"
#include "vigil/data/split.hpp"
#include "vigil/eval/experiment.hpp"

namespace vigil::eval {

// What a protocol works on.
struct ProtocolInput {
  const data::Dataset& data;
  const data::Dataset* test_data;  // the official protocol's second file; null otherwise
  const ExperimentConfig& config;
  std::int32_t holdout_class = -1;  // a class kept out of every training part (-1: none)
};

class EvaluationProtocol {
 public:
  virtual ~EvaluationProtocol() = default;
  // The (train, test) row sets of each round, over input.data's rows. The
  // official protocol's one round is every row of each file; the paper
  // protocol resamples before it splits, so its round is drawn in prepare().
  // May note what it found in `result` (test rows seen in training, the groups).
  virtual std::vector<data::Split> splits(const ProtocolInput& input,
                                          ExperimentResult& result) const = 0;
  // One round's matrices, every statistic fitted on its training rows (by
  // default the holdout's preparation, less any held-out class).
  virtual PreparedSplit prepare(const ProtocolInput& input, const data::Split& split,
                                ExperimentResult& result, Progress* progress) const;
  // Rounds are folds: rows are summed over them and metrics kept per fold.
  virtual bool folded() const { return false; }
};

struct ProtocolInfo {
  Protocol id;
  std::string name, description;
  std::unique_ptr<EvaluationProtocol> (*make)();
};
// Every protocol, in the order `vigil experiment --protocol` lists them.
const std::vector<ProtocolInfo>& protocols();
std::unique_ptr<EvaluationProtocol> make_protocol(Protocol id);

// Which groups each fold tests on, so that a reader sees what was held out.
std::string group_fold_note(const std::vector<std::string>& groups,
                            const std::vector<data::Split>& folds);

}  // namespace vigil::eval
