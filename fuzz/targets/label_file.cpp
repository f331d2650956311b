#include "fuzz/targets.hpp"
#include "fuzz/targets/memory_file.hpp"
#include "vigil/core/error.hpp"
#include "vigil/data/flow_labels.hpp"

namespace vigil::fuzz {

void label_file(Bytes input) {
  MemoryFile file(input);
  if (!file.ok()) return;
  try {
    data::read_label_file(file.path());
  } catch (const Error&) {
  }
}

}  // namespace vigil::fuzz
