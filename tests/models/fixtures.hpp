// Small synthetic problems with known answers, shared by the model tests.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "vigil/core/matrix.hpp"
#include "vigil/core/random.hpp"
#include "vigil/models/classifier.hpp"

namespace vigil::testing {

struct Problem {
  Matrix x;
  std::vector<std::int32_t> y;
  int classes = 0;
};

// `classes` Gaussian blobs of `per_class` rows in `dims` dimensions, centres 10 apart.
inline Problem blobs(int classes, int per_class, int dims, std::uint64_t seed) {
  Problem p;
  p.classes = classes;
  p.x = Matrix(0, static_cast<std::size_t>(dims));
  Rng rng(seed);
  std::vector<float> row(static_cast<std::size_t>(dims));
  for (int c = 0; c < classes; ++c) {
    for (int i = 0; i < per_class; ++i) {
      for (int d = 0; d < dims; ++d) {
        // Box-Muller normal noise around centre (10c, -5c, 0, ...).
        const double u1 = rng.uniform() + 1e-12, u2 = rng.uniform();
        const double noise = std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
        const double centre = d == 0 ? 10.0 * c : (d == 1 ? -5.0 * c : 0.0);
        row[static_cast<std::size_t>(d)] = static_cast<float>(centre + noise);
      }
      p.x.append_row(row);
      p.y.push_back(c);
    }
  }
  return p;
}

// XOR: class = (x0 > 0) != (x1 > 0); no linear model can learn it.
inline Problem xor_problem(int rows, std::uint64_t seed) {
  Problem p;
  p.classes = 2;
  p.x = Matrix(0, 2);
  Rng rng(seed);
  for (int i = 0; i < rows; ++i) {
    const float a = static_cast<float>(rng.uniform() * 2 - 1),
                b = static_cast<float>(rng.uniform() * 2 - 1);
    const float row[] = {a, b};
    p.x.append_row(row);
    p.y.push_back((a > 0) != (b > 0) ? 1 : 0);
  }
  return p;
}

inline double accuracy(const std::vector<std::int32_t>& predicted,
                       const std::vector<std::int32_t>& actual) {
  std::size_t ok = 0;
  for (std::size_t i = 0; i < actual.size(); ++i) ok += predicted[i] == actual[i];
  return static_cast<double>(ok) / static_cast<double>(actual.size());
}

// Saves the learned state and parameters, loads them into a fresh model.
inline std::unique_ptr<models::Classifier> round_trip(const models::Classifier& m) {
  ByteWriter w;
  m.params().save(w);
  m.save_state(w);
  const auto& registry = models::builtin_registry();
  ParamSet params = registry.default_params(m.name());
  ByteReader r(w.bytes(), "test");
  params.load(r);
  auto back = registry.info(m.name()).make(std::move(params));
  back->load_state(r);
  return back;
}

}  // namespace vigil::testing
