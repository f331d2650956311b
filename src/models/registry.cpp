#include "models/calibrated.hpp"
#include "models/ensemble.hpp"
#include "models/gradient_boosting.hpp"
#include "models/knn.hpp"
#include "models/logistic_regression.hpp"
#include "models/mlp.hpp"
#include "models/naive_bayes.hpp"
#include "models/random_forest.hpp"
#include "models/svm.hpp"
#include "vigil/core/error.hpp"
#include "vigil/models/classifier.hpp"

namespace vigil::models {

void Registry::add(ModelInfo info) {
  for (const auto& m : models_) {
    VIGIL_CHECK(m.name != info.name, "model '" + info.name + "' registered twice");
  }
  models_.push_back(std::move(info));
}

const ModelInfo& Registry::info(const std::string& name) const {
  for (const auto& m : models_) {
    if (m.name == name) return m;
  }
  std::string known;
  for (const auto& m : models_) known += (known.empty() ? "" : ", ") + m.name;
  throw ParamError("unknown model '" + name + "' (known: " + known + ")");
}

ParamSet Registry::default_params(const std::string& name) const {
  const ModelInfo& m = info(name);
  return ParamSet("model " + name, m.params);
}

std::unique_ptr<Classifier> Registry::create(const std::string& name,
                                             const std::vector<std::string>& assignments) const {
  ParamSet params = default_params(name);
  for (const auto& a : assignments) params.set_assignment(a);
  return info(name).make(std::move(params));
}

const Registry& builtin_registry() {
  static const Registry registry = [] {
    Registry r;
    register_naive_bayes(r);
    register_mlp(r);
    register_knn(r);
    register_logistic_regression(r);
    register_random_forest(r);
    register_gradient_boosting(r);
    register_svm(r);
    register_ensembles(r);
    register_calibrated(r);
    return r;
  }();
  return registry;
}

}  // namespace vigil::models
