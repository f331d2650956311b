#include "vigil/core/allocator.hpp"

#include <malloc.h>

namespace vigil {

void keep_freed_memory() {
  // No mmap for large blocks (they come from the heap and go back to it),
  // and no trimming of the heap's top: freed memory is reused, not returned.
  (void)mallopt(M_MMAP_MAX, 0);
  (void)mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace vigil
