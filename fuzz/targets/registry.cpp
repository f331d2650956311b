#include "fuzz/targets.hpp"

namespace vigil::fuzz {

const std::vector<Target>& targets() {
  static const std::vector<Target> kTargets = {{"csv", &csv},
                                               {"flow_rows", &flow_rows},
                                               {"capture", &capture},
                                               {"model_file", &model_file},
                                               {"label_file", &label_file}};
  return kTargets;
}

}  // namespace vigil::fuzz
