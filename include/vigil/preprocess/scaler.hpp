// Feature scaling, fitted on training rows only.
#pragma once

#include <string>
#include <vector>

#include "vigil/core/bytes.hpp"
#include "vigil/core/matrix.hpp"
#include "vigil/core/name_table.hpp"

namespace vigil::preprocess {

enum class ScaleKind { kNone, kStandard, kMinMax };

const NameTable<ScaleKind>& scale_kinds();
ScaleKind parse_scale_kind(const std::string& name);  // none, standard, minmax
std::string to_string(ScaleKind k);

// x' = (x - offset) / scale per column. Standard: offset = mean, scale = population
// standard deviation; min-max: offset = min, scale = max - min (to [0, 1]). A
// constant column gets scale 1, as in scikit-learn.
class Scaler {
 public:
  Scaler() = default;
  explicit Scaler(ScaleKind kind) : kind_(kind) {}

  void fit(const Matrix& x);
  void transform(Matrix& x) const;
  // One row in place (the per-flow path: no allocation).
  void transform_row(std::span<float> row) const;

  ScaleKind kind() const { return kind_; }
  const std::vector<double>& offsets() const { return offset_; }
  const std::vector<double>& scales() const { return scale_; }

  void save(ByteWriter& w) const;
  void load(ByteReader& r);

 private:
  ScaleKind kind_ = ScaleKind::kNone;
  std::vector<double> offset_;
  std::vector<double> scale_;
};

}  // namespace vigil::preprocess
