#include "vigil/eval/report.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace vigil::eval {
namespace {

std::string fixed(double v, int digits = 4) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string pad_left(const std::string& s, std::size_t w) {
  return s.size() >= w ? s : std::string(w - s.size(), ' ') + s;
}

std::string pad_right(const std::string& s, std::size_t w) {
  return s.size() >= w ? s : s + std::string(w - s.size(), ' ');
}

}  // namespace

std::string confusion_table(const ConfusionMatrix& cm) {
  const auto& names = cm.class_names();
  std::size_t name_w = std::string("actual \\ predicted").size();
  for (const auto& n : names) name_w = std::max(name_w, n.size());
  std::vector<std::size_t> col_w(names.size());
  for (std::size_t j = 0; j < names.size(); ++j) {
    col_w[j] = names[j].size();
    for (std::size_t i = 0; i < names.size(); ++i) {
      col_w[j] = std::max(col_w[j], std::to_string(cm.at(i, j)).size());
    }
  }
  std::ostringstream out;
  out << pad_right("actual \\ predicted", name_w);
  for (std::size_t j = 0; j < names.size(); ++j) out << "  " << pad_left(names[j], col_w[j]);
  out << '\n';
  for (std::size_t i = 0; i < names.size(); ++i) {
    out << pad_right(names[i], name_w);
    for (std::size_t j = 0; j < names.size(); ++j) {
      out << "  " << pad_left(std::to_string(cm.at(i, j)), col_w[j]);
    }
    out << '\n';
  }
  return out.str();
}

std::string metrics_table(const Metrics& m) {
  std::size_t name_w = std::string("weighted avg").size();
  for (const auto& c : m.per_class) name_w = std::max(name_w, c.name.size());
  std::ostringstream out;
  out << pad_right("class", name_w) << "  " << pad_left("support", 8) << "  "
      << pad_left("precision", 9) << "  " << pad_left("recall", 7) << "  " << pad_left("F1", 7)
      << "  " << pad_left("FPR", 7) << "  " << pad_left("FNR", 7) << '\n';
  std::uint64_t total = 0;
  for (const auto& c : m.per_class) {
    total += c.support;
    out << pad_right(c.name, name_w) << "  " << pad_left(std::to_string(c.support), 8) << "  "
        << pad_left(fixed(c.precision), 9) << "  " << pad_left(fixed(c.recall), 7) << "  "
        << pad_left(fixed(c.f1), 7) << "  " << pad_left(fixed(c.false_positive_rate), 7) << "  "
        << pad_left(fixed(c.false_negative_rate), 7) << '\n';
  }
  out << pad_right("macro avg", name_w) << "  " << pad_left(std::to_string(total), 8) << "  "
      << pad_left(fixed(m.macro_precision), 9) << "  " << pad_left(fixed(m.macro_recall), 7) << "  "
      << pad_left(fixed(m.macro_f1), 7) << '\n';
  out << pad_right("weighted avg", name_w) << "  " << pad_left(std::to_string(total), 8) << "  "
      << pad_left(fixed(m.weighted_precision), 9) << "  " << pad_left(fixed(m.weighted_recall), 7)
      << "  " << pad_left(fixed(m.weighted_f1), 7) << '\n';
  out << "accuracy " << fixed(m.accuracy) << '\n';
  return out.str();
}

nlohmann::json to_json(const ConfusionMatrix& cm) {
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t i = 0; i < cm.classes(); ++i) {
    nlohmann::json row = nlohmann::json::array();
    for (std::size_t j = 0; j < cm.classes(); ++j) row.push_back(cm.at(i, j));
    rows.push_back(row);
  }
  return {{"classes", cm.class_names()}, {"rows_actual_columns_predicted", rows}};
}

nlohmann::json to_json(const Metrics& m) {
  nlohmann::json per_class = nlohmann::json::array();
  for (const auto& c : m.per_class) {
    per_class.push_back({{"class", c.name},
                         {"support", c.support},
                         {"tp", c.tp},
                         {"fp", c.fp},
                         {"fn", c.fn},
                         {"tn", c.tn},
                         {"precision", c.precision},
                         {"recall", c.recall},
                         {"f1", c.f1},
                         {"false_positive_rate", c.false_positive_rate},
                         {"false_negative_rate", c.false_negative_rate}});
  }
  return {
      {"accuracy", m.accuracy},
      {"macro", {{"precision", m.macro_precision}, {"recall", m.macro_recall}, {"f1", m.macro_f1}}},
      {"weighted",
       {{"precision", m.weighted_precision}, {"recall", m.weighted_recall}, {"f1", m.weighted_f1}}},
      {"per_class", per_class}};
}

}  // namespace vigil::eval
