// Row loops over OpenMP's threads that start no parallel region for a few
// rows. Starting one costs about 1.2 us even with a single thread (GCC 12's
// libgomp, measured on the bench VM): as much as classifying one flow with
// naive Bayes or logistic regression, and a detector classifies flow by flow.
#pragma once

#include <algorithm>
#include <cstddef>

namespace vigil {

// Calls body(first, last) on consecutive pieces of [0, rows), each of at most
// `piece` rows: over OpenMP's threads when there are several pieces, on the
// caller's thread when there is one.
template <class Body>
void for_row_pieces(std::size_t rows, std::size_t piece, Body&& body) {
  piece = std::max<std::size_t>(piece, 1);
  const std::size_t pieces = (rows + piece - 1) / piece;
  if (pieces <= 1) {
    if (rows > 0) body(std::size_t{0}, rows);
    return;
  }
  const auto count = static_cast<long>(pieces);
#pragma omp parallel for schedule(dynamic)
  for (long p = 0; p < count; ++p) {
    const std::size_t first = static_cast<std::size_t>(p) * piece;
    body(first, std::min(rows, first + piece));
  }
}

}  // namespace vigil
