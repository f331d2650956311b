#include "vigil/preprocess/smote.hpp"

#include <algorithm>
#include <cmath>

#include "core/kd_tree.hpp"
#include "vigil/core/error.hpp"
#include "vigil/core/random.hpp"

namespace vigil::preprocess {
namespace {

using KdTree = L2KdTree;

// The k nearest other rows of every row of `points` (row-major, rows x k).
std::vector<std::uint32_t> neighbours_of_all(const Matrix& points, int k) {
  const std::size_t n = points.rows();
  const auto kk = static_cast<std::size_t>(k);
  MatrixPoints adaptor{&points};
  KdTree tree(static_cast<int>(points.cols()), adaptor,
              nanoflann::KDTreeSingleIndexAdaptorParams(16));
  std::vector<std::uint32_t> out(n * kk);
#pragma omp parallel
  {
    std::vector<std::uint32_t> idx(kk + 1);
    std::vector<double> dist(kk + 1);
#pragma omp for schedule(dynamic, 256)
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t found =
          tree.knnSearch(points.row(i).data(), kk + 1, idx.data(), dist.data());
      // Drop the row itself; when duplicates of it crowd it out, drop the farthest.
      std::size_t w = 0;
      bool skipped_self = false;
      for (std::size_t j = 0; j < found && w < kk; ++j) {
        if (!skipped_self && idx[j] == i) {
          skipped_self = true;
          continue;
        }
        out[i * kk + w++] = idx[j];
      }
      VIGIL_CHECK(w == kk, "k-d tree returned too few neighbours");
    }
  }
  return out;
}

}  // namespace

Resampled smote(const Matrix& x, std::span<const std::int32_t> labels, int classes,
                const SmoteConfig& config, Progress* progress) {
  if (config.k < 1)
    throw ParamError("SMOTE needs k >= 1 neighbours, got " + std::to_string(config.k));
  VIGIL_CHECK(labels.size() == x.rows(), "SMOTE: one label per row");
  for (float v : x.values()) {
    VIGIL_CHECK(!std::isnan(v), "SMOTE needs imputed data (found NaN)");
  }
  const auto k_classes = static_cast<std::size_t>(classes);
  std::vector<std::vector<std::size_t>> rows_of(k_classes);
  for (std::size_t i = 0; i < labels.size(); ++i)
    rows_of[static_cast<std::size_t>(labels[i])].push_back(i);

  std::size_t target = config.target;
  if (target == 0) {
    for (const auto& r : rows_of) target = std::max(target, r.size());
  }
  std::size_t to_make = 0;
  for (const auto& r : rows_of) {
    if (!r.empty() && r.size() < target) to_make += target - r.size();
  }

  Resampled out;
  out.x = Matrix(x.rows() + to_make, x.cols());
  std::copy(x.values().begin(), x.values().end(), out.x.data());
  out.labels.assign(labels.begin(), labels.end());
  out.labels.reserve(x.rows() + to_make);
  out.synthetic = to_make;

  Rng rng(config.seed);
  std::size_t next_row = x.rows();
  if (progress) progress->begin("SMOTE", to_make);
  for (std::size_t cls = 0; cls < k_classes; ++cls) {
    const auto& members = rows_of[cls];
    if (members.empty() || members.size() >= target) continue;
    const std::size_t need = target - members.size();
    const Matrix points = x.select_rows(members);
    const int k = static_cast<int>(
        std::min<std::size_t>(static_cast<std::size_t>(config.k), members.size() - 1));
    if (k < config.k) {
      out.notes.push_back("class " + std::to_string(cls) + " has " +
                          std::to_string(members.size()) +
                          " rows: SMOTE used k=" + std::to_string(k) + " neighbours");
    }
    const std::vector<std::uint32_t> nn =
        k > 0 ? neighbours_of_all(points, k) : std::vector<std::uint32_t>{};
    for (std::size_t s = 0; s < need; ++s) {
      const std::size_t base = rng.below(members.size());
      std::span<float> dst = out.x.row(next_row++);
      std::span<const float> a = points.row(base);
      if (k == 0) {
        std::copy(a.begin(), a.end(), dst.begin());
      } else {
        const std::uint32_t other =
            nn[base * static_cast<std::size_t>(k) + rng.below(static_cast<std::uint64_t>(k))];
        std::span<const float> b = points.row(other);
        const auto step = static_cast<float>(rng.uniform());
        for (std::size_t c = 0; c < a.size(); ++c) dst[c] = a[c] + step * (b[c] - a[c]);
      }
      out.labels.push_back(static_cast<std::int32_t>(cls));
      if (progress && (s & 4095) == 0) progress->update(next_row - x.rows());
    }
  }
  if (progress) progress->end();
  return out;
}

}  // namespace vigil::preprocess
