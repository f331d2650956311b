#include "vigil/data/csv.hpp"

#include "fuzz/targets.hpp"
#include "fuzz/targets/memory_file.hpp"
#include "vigil/core/error.hpp"
#include "vigil/data/dataset.hpp"

namespace vigil::fuzz {

void csv(Bytes input) {
  const std::string text(reinterpret_cast<const char*>(input.data()), input.size());
  std::string label;
  try {
    const data::RawCsv raw = data::parse_raw_csv(text, "fuzz.csv");
    data::type_columns(raw, {});
    label = raw.header.back();
  } catch (const Error&) {
    return;
  }
  // The loader as `vigil train` runs it: typing, labels, identifiers, feature sets.
  MemoryFile file(input);
  if (!file.ok()) return;
  data::DatasetOptions options;
  options.label = label;
  try {
    const data::Dataset d = data::load_dataset(file.path(), options);
    data::require_classes_to_learn(d);
  } catch (const Error&) {
  }
}

}  // namespace vigil::fuzz
