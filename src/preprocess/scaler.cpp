#include "vigil/preprocess/scaler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "vigil/core/error.hpp"

namespace vigil::preprocess {

const NameTable<ScaleKind>& scale_kinds() {
  static const NameTable<ScaleKind> table("scaling", {{ScaleKind::kStandard, "standard"},
                                                      {ScaleKind::kMinMax, "minmax"},
                                                      {ScaleKind::kNone, "none"}});
  return table;
}

ScaleKind parse_scale_kind(const std::string& name) { return scale_kinds().parse(name); }

std::string to_string(ScaleKind k) { return scale_kinds().name(k); }

void Scaler::fit(const Matrix& x) {
  const std::size_t cols = x.cols();
  offset_.assign(cols, 0.0);
  scale_.assign(cols, 1.0);
  if (kind_ == ScaleKind::kNone || x.rows() == 0) return;
  const auto n = static_cast<double>(x.rows());
  if (kind_ == ScaleKind::kStandard) {
    // Two passes in double: the mean, then the spread about it (stable for
    // features such as byte counts whose mean dwarfs their spread).
    for (std::size_t r = 0; r < x.rows(); ++r) {
      for (std::size_t c = 0; c < cols; ++c) offset_[c] += x(r, c);
    }
    for (auto& m : offset_) m /= n;
    std::vector<double> ss(cols, 0.0);
    for (std::size_t r = 0; r < x.rows(); ++r) {
      for (std::size_t c = 0; c < cols; ++c) {
        const double d = x(r, c) - offset_[c];
        ss[c] += d * d;
      }
    }
    for (std::size_t c = 0; c < cols; ++c) {
      const double sd = std::sqrt(ss[c] / n);
      scale_[c] = sd > 10 * std::numeric_limits<double>::epsilon() * std::abs(offset_[c]) && sd > 0
                      ? sd
                      : 1.0;
    }
  } else {
    std::vector<double> lo(cols, std::numeric_limits<double>::infinity());
    std::vector<double> hi(cols, -std::numeric_limits<double>::infinity());
    for (std::size_t r = 0; r < x.rows(); ++r) {
      for (std::size_t c = 0; c < cols; ++c) {
        lo[c] = std::min<double>(lo[c], x(r, c));
        hi[c] = std::max<double>(hi[c], x(r, c));
      }
    }
    for (std::size_t c = 0; c < cols; ++c) {
      offset_[c] = lo[c];
      scale_[c] = hi[c] > lo[c] ? hi[c] - lo[c] : 1.0;
    }
  }
}

void Scaler::transform_row(std::span<float> row) const {
  if (kind_ == ScaleKind::kNone) return;
  for (std::size_t c = 0; c < row.size(); ++c) {
    row[c] = static_cast<float>((row[c] - offset_[c]) / scale_[c]);
  }
}

void Scaler::transform(Matrix& x) const {
  if (kind_ == ScaleKind::kNone) return;
  VIGIL_CHECK(x.cols() == offset_.size(), "scaler applied to a matrix of another width");
  for (std::size_t r = 0; r < x.rows(); ++r) transform_row(x.row(r));
}

void Scaler::save(ByteWriter& w) const {
  w.u8(static_cast<std::uint8_t>(kind_));
  w.doubles(offset_);
  w.doubles(scale_);
}

void Scaler::load(ByteReader& r) {
  const auto k = r.u8();
  if (k > static_cast<std::uint8_t>(ScaleKind::kMinMax)) r.fail("unknown scaling");
  kind_ = static_cast<ScaleKind>(k);
  offset_ = r.doubles();
  scale_ = r.doubles();
  if (offset_.size() != scale_.size()) r.fail("scaler sizes disagree");
}

}  // namespace vigil::preprocess
