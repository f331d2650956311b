// k-nearest neighbours: exact search (by default over two levels of k-means
// groups, their balls and boxes skipping what lies too far away; or every row;
// or a k-d tree), Euclidean or Manhattan, majority vote with ties going to the
// class of the nearest tied neighbour. Queries run in parallel.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "models/knn_search.hpp"
#include "vigil/core/param_fields.hpp"
#include "vigil/models/classifier.hpp"

namespace vigil::models {

struct KnnParams {
  enum class Metric { kEuclidean, kManhattan };
  enum class Ties { kNearest, kLowestClass };
  enum class Search { kClusters, kBrute, kTree };
  long k = 0;
  Metric metric = Metric::kEuclidean;
  Ties ties = Ties::kNearest;
  Search search = Search::kClusters;
  long clusters = 0;  // 0: about sqrt of the rows
  long leaf_size = 0;
};

class KNearestNeighbours final : public Classifier {
 public:
  explicit KNearestNeighbours(ParamSet params);
  ~KNearestNeighbours() override;
  static const ParamFields<KnnParams>& fields();
  static std::vector<ParamSpec> param_specs() { return fields().specs(); }

  std::string name() const override { return "knn"; }
  void fit(const Matrix& x, std::span<const std::int32_t> labels, int classes,
           Progress* progress) override;
  Matrix predict_proba(const Matrix& x) const override;
  std::vector<std::int32_t> predict(const Matrix& x) const override;
  Scored predict_scored(const Matrix& x) const override;
  void save_state(ByteWriter& w) const override;
  void load_state(ByteReader& r) override;

 private:
  struct Index;
  void build_index(const Matrix& rows);
  // For each query row, its k nearest training rows, nearest first.
  std::vector<std::uint32_t> neighbours(const Matrix& x) const;
  // Vote shares and winning classes from the neighbours of `rows` query rows.
  Matrix vote_shares(const std::vector<std::uint32_t>& nn, std::size_t rows) const;
  std::vector<std::int32_t> vote(const std::vector<std::uint32_t>& nn, std::size_t rows) const;
  // The same without the k-d tree: candidates by float distances (from the
  // cluster index, or matrix products over all rows), then re-ranked by exact
  // double distances.
  std::vector<std::uint32_t> exact_neighbours(const Matrix& x, std::size_t k) const;
  const knn::ClusterIndex& cluster_index() const;
  std::vector<std::uint32_t> tree_candidates(const Matrix& x, std::size_t cap) const;
  const KnnParams settings_;  // params_, bound once (a classifier's parameters never change)
  // Brute force searches each distinct (row, class) once, with its count: flow
  // data repeats rows a lot (a third of UNSW-NB15), and SMOTE repeats more.
  Matrix distinct_;
  std::vector<std::uint32_t> distinct_first_;  // a training row index for each distinct row
  std::vector<std::uint32_t> distinct_count_;
  std::vector<float> distinct_norms_;  // squared norms, for the Euclidean product form

  std::vector<std::uint32_t> distinct_of_row_;  // training row -> its distinct row
  std::vector<std::int32_t> labels_;
  std::unique_ptr<Index> index_;
  mutable std::mutex clusters_mutex_;
  mutable std::unique_ptr<knn::ClusterIndex> clusters_;
};

void register_knn(Registry& registry);

}  // namespace vigil::models
