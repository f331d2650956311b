// Squared Euclidean distances between float rows, shared by the neighbour
// searches: a fast float one for scanning, and an exact one in double for
// settling orders and radii.
#pragma once

#include <cstddef>
#include <span>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace vigil {

// In float. With AVX-512: sixteen lanes and a masked tail, so a row of flow
// features (40-odd) is three steps, where a scalar tail would cost more than
// the rest together.
inline float squared_distance(const float* a, const float* b, std::size_t d) {
#if defined(__AVX512F__)
  __m512 sum = _mm512_setzero_ps();
  std::size_t j = 0;
  for (; j + 16 <= d; j += 16) {
    const __m512 t = _mm512_sub_ps(_mm512_loadu_ps(a + j), _mm512_loadu_ps(b + j));
    sum = _mm512_fmadd_ps(t, t, sum);
  }
  if (j < d) {
    const __mmask16 tail = static_cast<__mmask16>((1u << (d - j)) - 1);
    const __m512 t =
        _mm512_sub_ps(_mm512_maskz_loadu_ps(tail, a + j), _mm512_maskz_loadu_ps(tail, b + j));
    sum = _mm512_fmadd_ps(t, t, sum);
  }
  return _mm512_reduce_add_ps(sum);
#else
  float s = 0;
#pragma omp simd reduction(+ : s)
  for (std::size_t j = 0; j < d; ++j) {
    const float t = a[j] - b[j];
    s += t * t;
  }
  return s;
#endif
}

// In double, term by term in order: the same value however it is called.
inline double exact_squared_distance(std::span<const float> a, std::span<const float> b) {
  double s = 0;
  for (std::size_t j = 0; j < a.size(); ++j) {
    const double diff = static_cast<double>(a[j]) - b[j];
    s += diff * diff;
  }
  return s;
}

}  // namespace vigil
