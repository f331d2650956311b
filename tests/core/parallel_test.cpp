#include "core/parallel.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <vector>

namespace vigil {
namespace {

// Every row is given to exactly one piece, pieces are at most `piece` rows,
// and a single piece runs on the caller's thread, outside any parallel region.
TEST(ForRowPieces, CoversEveryRowOnceInPiecesOfAtMostTheSize) {
  for (const std::size_t rows : {0, 1, 63, 64, 65, 1000, 4097}) {
    for (const std::size_t piece : {1, 64, 1024}) {
      std::vector<std::atomic<int>> seen(rows);
      std::atomic<std::size_t> pieces{0};
      std::atomic<bool> too_long{false};
      for_row_pieces(rows, piece, [&](std::size_t first, std::size_t last) {
        if (last - first > piece || first >= last) too_long = true;
        for (std::size_t r = first; r < last; ++r) ++seen[r];
        ++pieces;
      });
      for (std::size_t r = 0; r < rows; ++r)
        ASSERT_EQ(seen[r].load(), 1) << rows << " rows, piece " << piece;
      EXPECT_FALSE(too_long.load());
      EXPECT_EQ(pieces.load(), (rows + piece - 1) / piece);
    }
  }
}

TEST(ForRowPieces, OnePieceStartsNoParallelRegion) {
  int level = -1;
  for_row_pieces(10, 64, [&](std::size_t, std::size_t) { level = omp_get_level(); });
  EXPECT_EQ(level, 0);
  std::atomic<int> deepest{0};
  for_row_pieces(200, 64, [&](std::size_t, std::size_t) {
    deepest = std::max(deepest.load(), omp_get_level());
  });
  EXPECT_EQ(deepest.load(), 1);
}

}  // namespace
}  // namespace vigil
