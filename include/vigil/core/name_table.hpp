// One table of names per enum that users spell (imputation, scaling, feature
// scores, feature sets, unmatched-flow policies): parsing, printing and the
// CLI's choice lists all read it, so a name lives in one place, and a test
// checks every table (tests/core/name_table_test.cpp).
#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "vigil/core/error.hpp"

namespace vigil {

template <typename E>
class NameTable {
 public:
  // `what` names the choice in errors ("imputation").
  NameTable(std::string what, std::initializer_list<std::pair<E, const char*>> entries)
      : what_(std::move(what)) {
    for (const auto& [value, name] : entries) entries_.emplace_back(value, name);
  }

  // The value of `name`; ParamError listing every name when there is none.
  E parse(const std::string& name) const {
    for (const auto& [value, n] : entries_) {
      if (n == name) return value;
    }
    throw ParamError("unknown " + what_ + " '" + name + "' (expected " + listing() + ")");
  }
  const std::string& name(E value) const {
    for (const auto& [v, n] : entries_) {
      if (v == value) return n;
    }
    throw InternalError(what_ + ": a value without a name");
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : entries_) out.push_back(e.second);
    return out;
  }
  const std::vector<std::pair<E, std::string>>& entries() const { return entries_; }
  const std::string& what() const { return what_; }

  // "a, b or c"
  std::string listing() const {
    std::string out;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (i > 0) out += i + 1 == entries_.size() ? " or " : ", ";
      out += entries_[i].second;
    }
    return out;
  }

 private:
  std::string what_;
  std::vector<std::pair<E, std::string>> entries_;
};

}  // namespace vigil
