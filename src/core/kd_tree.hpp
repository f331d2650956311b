// nanoflann's view of a Matrix's rows as points, and the Euclidean k-d tree
// over them that SMOTE, k-nearest neighbours and DBSCAN search.
#pragma once

#include <cstdint>
#include <nanoflann.hpp>

#include "vigil/core/matrix.hpp"

namespace vigil {

struct MatrixPoints {
  const Matrix* m;
  std::size_t kdtree_get_point_count() const { return m->rows(); }
  float kdtree_get_pt(std::size_t idx, std::size_t dim) const { return (*m)(idx, dim); }
  template <class BBox>
  bool kdtree_get_bbox(BBox&) const {
    return false;  // nanoflann computes the bounding box itself
  }
};

// Squared Euclidean distances, accumulated in double.
using L2KdTree =
    nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<float, MatrixPoints, double>,
                                        MatrixPoints, -1, std::uint32_t>;

}  // namespace vigil
