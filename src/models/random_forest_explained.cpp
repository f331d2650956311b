// A random forest's probabilities and reasons from one walk: a detector names
// the reasons of its alerts, and walking each alert's trees a second time to
// credit features cost more than the prediction itself. Here each block of
// rows votes with its walks recorded; the rows chosen by their probabilities
// are then credited from the record, whose loads do not wait on one another.
#include <algorithm>
#include <vector>

#include "models/forest_shares.hpp"
#include "models/forest_walk_avx512.hpp"
#include "models/random_forest.hpp"
#include "vigil/core/error.hpp"

namespace vigil::models {
namespace {

using forest_layout::kRecordedFeatureBits;
using forest_layout::WalkRecord;

constexpr std::size_t kMostRecordBytes = std::size_t{64} << 20;  // per model thread

// Credits row `row` of the recorded block's walk of one tree to `sums`, as the
// contributions walk does: each split's feature gets the class's share at the
// child less its share at the split.
void credit_recorded_walk(const WalkRecord& record, std::size_t tree, std::size_t row,
                          const std::uint16_t* split_shares, const float* leaf_shares,
                          std::size_t classes, std::int32_t cls, std::int64_t* sums) {
  const std::size_t lane = record.lane(tree, row);
  const auto steps = static_cast<std::size_t>(record.step_counts[lane]);
  if (steps == 0) return;  // a tree that is one leaf credits nothing
  constexpr std::uint32_t kFeatureMask = (1u << kRecordedFeatureBits) - 1;
  std::uint32_t at = record.step(tree, row, 0);
  std::int64_t share = forest_shares::fixed_split_share(split_shares[at >> kRecordedFeatureBits]);
  for (std::size_t s = 1; s < steps; ++s) {
    const std::uint32_t next = record.step(tree, row, s);
    const std::int64_t next_share =
        forest_shares::fixed_split_share(split_shares[next >> kRecordedFeatureBits]);
    sums[at & kFeatureMask] += next_share - share;
    at = next;
    share = next_share;
  }
  sums[at & kFeatureMask] +=
      forest_shares::fixed_leaf_share(record.leaves[lane], leaf_shares, classes, cls) - share;
}

}  // namespace

Classifier::Explained RandomForest::predict_explained(const Matrix& x,
                                                      const ExplainWhich& which) const {
  check_input(x);
  // A forest of very deep trees would need too large a record (a lane's steps
  // are kept for its block's deepest walk): it walks twice instead.
  if (compact_.empty() || !has_leaf_weights() || !forest_layout::has_avx512() ||
      WalkRecord::bytes_for(walk_depth_) > kMostRecordBytes) {
    return Classifier::predict_explained(x, which);
  }
  const auto k = static_cast<std::size_t>(classes_);
  const std::size_t width = features_;
  const NodeShares& shares = node_shares();
  // Kept per thread: a detector's model threads each score their own rows.
  thread_local WalkRecord record;
  record.reserve_for(walk_depth_);
  std::vector<const float*> leaf_shares;
  for (const Tree& t : trees_) leaf_shares.push_back(t.leaf_shares.data());

  Explained out;
  out.proba = Matrix(x.rows(), k);
  const double scale =
      1.0 / (static_cast<double>(forest_layout::kWholeVote) * static_cast<double>(trees_.size()));
  std::vector<std::int64_t> votes, sums;
  std::vector<std::size_t> chosen;  // rows of the block to explain
  for (std::size_t lo = 0; lo < x.rows(); lo += WalkRecord::kRows) {
    const std::size_t rows = std::min(WalkRecord::kRows, x.rows() - lo);
    votes.assign(rows * k, 0);
    const forest_layout::VoteJob job{compact_.data(),    walk_first_.data(),
                                     trees_.size(),      compact_.size(),
                                     leaf_shares.data(), k,
                                     x.row(lo).data(),   rows,
                                     x.cols(),           votes.data()};
    // The same for every block: only the first can be refused.
    if (!forest_layout::vote_and_record_avx512(job, record))
      return Classifier::predict_explained(x, which);
    chosen.clear();
    for (std::size_t r = 0; r < rows; ++r) {
      float* p = out.proba.row(lo + r).data();
      for (std::size_t c = 0; c < k; ++c)
        p[c] = static_cast<float>(static_cast<double>(votes[r * k + c]) * scale);
      const std::int32_t cls = which(lo + r, out.proba.row(lo + r));
      if (cls < 0) continue;
      VIGIL_CHECK(static_cast<std::size_t>(cls) < k, "random forest explained: class out of range");
      chosen.push_back(r);
      out.rows.push_back(lo + r);
      out.classes.push_back(cls);
    }
    const std::size_t first = sums.size() / std::max<std::size_t>(width, 1);
    sums.resize(sums.size() + chosen.size() * width, 0);
    // Tree by tree, so the rows share the tree's lines of shares.
    for (std::size_t t = 0; t < trees_.size(); ++t) {
      for (std::size_t i = 0; i < chosen.size(); ++i) {
        const auto cls = out.classes[first + i];
        const std::uint16_t* split_shares = shares.splits.data() +
                                            static_cast<std::size_t>(cls) * shares.per_class +
                                            walk_first_[t];
        credit_recorded_walk(record, t, chosen[i], split_shares, leaf_shares[t], k, cls,
                             &sums[(first + i) * width]);
      }
    }
  }
  out.contributions = Matrix(out.rows.size(), width);
  const double per_tree = 1.0 / (forest_shares::kOne * static_cast<double>(trees_.size()));
  for (std::size_t i = 0; i < out.rows.size(); ++i) {
    for (std::size_t f = 0; f < width; ++f) {
      out.contributions(i, f) =
          static_cast<float>(static_cast<double>(sums[i * width + f]) * per_tree);
    }
  }
  return out;
}

}  // namespace vigil::models
