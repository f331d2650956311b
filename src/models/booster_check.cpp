#include "models/booster_check.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace vigil::models {
namespace {

// XGBoost writes its scalar parameters as strings of digits.
std::int64_t whole_number(const nlohmann::json& v, const char* what, const ByteReader& r) {
  const std::string s = v.get<std::string>();
  std::size_t used = 0;
  const long long n = std::stoll(s, &used);
  if (used != s.size()) r.fail(std::string("booster: ") + what + " is not a whole number");
  return n;
}

void check_tree(const nlohmann::json& tree, std::size_t index, std::size_t features,
                const ByteReader& r) {
  const std::string at = "booster: tree " + std::to_string(index) + ": ";
  const nlohmann::json& param = tree.at("tree_param");
  const std::int64_t n = whole_number(param.at("num_nodes"), "num_nodes", r);
  if (n < 1 || n > (1 << 30)) r.fail(at + "node count out of range");
  if (whole_number(param.at("size_leaf_vector"), "size_leaf_vector", r) > 1) {
    r.fail(at + "vector leaves are not supported");
  }
  const auto nodes = static_cast<std::size_t>(n);
  for (const char* field :
       {"loss_changes", "sum_hessian", "base_weights", "left_children", "right_children", "parents",
        "split_indices", "split_conditions", "default_left", "split_type"}) {
    if (!tree.at(field).is_array() || tree.at(field).size() != nodes) {
      r.fail(at + "'" + field + "' does not hold one entry per node");
    }
  }
  for (const char* field :
       {"categories", "categories_nodes", "categories_segments", "categories_sizes"}) {
    if (tree.contains(field) && !tree.at(field).empty()) {
      r.fail(at + "categorical splits are not supported");
    }
  }
  const auto& left = tree.at("left_children");
  const auto& right = tree.at("right_children");
  const auto& parents = tree.at("parents");
  const auto& feature = tree.at("split_indices");
  const auto& type = tree.at("split_type");
  for (std::size_t i = 0; i < nodes; ++i) {
    const auto l = left[i].get<std::int64_t>(), rt = right[i].get<std::int64_t>();
    const auto parent = parents[i].get<std::int64_t>();
    if (type[i].get<std::int64_t>() != 0) r.fail(at + "categorical splits are not supported");
    if (parent != -1 && parent != 2147483647 && (parent < 0 || parent >= n)) {
      r.fail(at + "a parent index is out of range");
    }
    if (l == -1 && rt == -1) continue;  // a leaf
    // Children come after their parent, so every walk ends.
    const auto self = static_cast<std::int64_t>(i);
    if (l <= self || rt <= self || l >= n || rt >= n) r.fail(at + "a child index is out of range");
    const auto f = feature[i].get<std::int64_t>();
    if (f < 0 || static_cast<std::size_t>(f) >= features) {
      r.fail(at + "a split feature is out of range");
    }
  }
}

}  // namespace

void check_booster(std::span<const std::uint8_t> booster, std::size_t classes, std::size_t features,
                   const ByteReader& r) {
  try {
    const nlohmann::json doc = nlohmann::json::from_ubjson(booster);
    const nlohmann::json& learner = doc.at("learner");
    const nlohmann::json& param = learner.at("learner_model_param");
    const auto num_class = whole_number(param.at("num_class"), "num_class", r);
    if (num_class != static_cast<std::int64_t>(classes)) r.fail("booster: class count differs");
    if (whole_number(param.at("num_feature"), "num_feature", r) !=
        static_cast<std::int64_t>(features)) {
      r.fail("booster: feature count differs");
    }
    const nlohmann::json& gbm = learner.at("gradient_booster");
    if (gbm.at("name") != "gbtree") r.fail("booster: only gbtree boosters are read");
    const nlohmann::json& model = gbm.at("model");
    const nlohmann::json& trees = model.at("trees");
    const nlohmann::json& tree_info = model.at("tree_info");
    if (!trees.is_array() || !tree_info.is_array() || trees.size() != tree_info.size() ||
        whole_number(model.at("gbtree_model_param").at("num_trees"), "num_trees", r) !=
            static_cast<std::int64_t>(trees.size())) {
      r.fail("booster: the tree count and the tree list disagree");
    }
    for (std::size_t t = 0; t < trees.size(); ++t) {
      const auto group = tree_info[t].get<std::int64_t>();
      if (group < 0 || group >= num_class) r.fail("booster: a tree's class is out of range");
      check_tree(trees[t], t, features, r);
    }
  } catch (const nlohmann::json::exception& e) {
    r.fail(std::string("booster: unreadable (") + e.what() + ")");
  } catch (const std::logic_error& e) {  // std::stoll on a non-number
    r.fail(std::string("booster: unreadable (") + e.what() + ")");
  }
}

}  // namespace vigil::models
