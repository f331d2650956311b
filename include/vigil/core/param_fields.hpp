// An algorithm's parameters as a plain struct, each field declared once with
// its name, default, range and meaning (as XGBoost's DMLC_DECLARE_FIELD does):
// the declarations give the ParamSpecs that validate text, print --help and
// `vigil models`, and bind() turns a checked ParamSet into the struct, so no
// algorithm reads a parameter by its name and a choice is an enum or a bool,
// never a string compared in the code. An alias keeps an older name readable
// (model files written before a rename, command lines from older docs).
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "vigil/core/error.hpp"
#include "vigil/core/params.hpp"

namespace vigil {

template <typename P>
class ParamFields {
 public:
  ParamFields& integer(std::string name, long P::*field, long def, long min, long max,
                       std::string doc) {
    return add(ParamSpec::integer(name, def, min, max, std::move(doc)),
               [field, name](P& p, const ParamSet& s) { p.*field = s.integer(name); });
  }
  ParamFields& real(std::string name, double P::*field, double def, double min, double max,
                    std::string doc) {
    return add(ParamSpec::real(name, def, min, max, std::move(doc)),
               [field, name](P& p, const ParamSet& s) { p.*field = s.real(name); });
  }
  // A comma-separated list of whole numbers within [min, max].
  ParamFields& int_list(std::string name, std::vector<long> P::*field, std::string def, long min,
                        long max, std::string doc) {
    return add(ParamSpec::int_list(name, std::move(def), min, max, std::move(doc)),
               [field, name](P& p, const ParamSet& s) { p.*field = s.int_list(name); });
  }
  // "on" or "off".
  ParamFields& flag(std::string name, bool P::*field, bool def, std::string doc) {
    return add(ParamSpec::choice(name, def ? "on" : "off", {"on", "off"}, std::move(doc)),
               [field, name](P& p, const ParamSet& s) { p.*field = s.text(name) == "on"; });
  }
  // One of the named values of an enum; `entries` pairs each value with its name.
  template <typename E>
  ParamFields& choice(std::string name, E P::*field, E def,
                      std::vector<std::pair<E, std::string>> entries, std::string doc) {
    std::vector<std::string> names;
    std::string default_name;
    for (const auto& [value, n] : entries) {
      names.push_back(n);
      if (value == def) default_name = n;
    }
    return add(ParamSpec::choice(name, default_name, names, std::move(doc)),
               [field, name, entries](P& p, const ParamSet& s) {
                 for (const auto& [value, n] : entries) {
                   if (n == s.text(name)) p.*field = value;
                 }
               });
  }
  // One name from `choices`, kept as text because it names something looked up
  // elsewhere (a registry's model), not a branch in the code.
  ParamFields& registry_name(std::string name, std::string P::*field, std::string def,
                             std::vector<std::string> choices, std::string doc) {
    return add(ParamSpec::choice(name, std::move(def), std::move(choices), std::move(doc)),
               [field, name](P& p, const ParamSet& s) { p.*field = s.text(name); });
  }
  // Distinct names from `choices`, comma-separated (e.g. an ensemble's members).
  ParamFields& choice_list(std::string name, std::vector<std::string> P::*field, std::string def,
                           std::vector<std::string> choices, std::string doc) {
    return add(ParamSpec::choice_list(name, std::move(def), std::move(choices), std::move(doc)),
               [field, name](P& p, const ParamSet& s) { p.*field = s.choice_list(name); });
  }
  // Another name the field declared last answers to.
  ParamFields& alias(std::string old_name) {
    if (specs_.empty()) throw InternalError("ParamFields: an alias before any field");
    specs_.back().aliases.push_back(std::move(old_name));
    return *this;
  }

  const std::vector<ParamSpec>& specs() const { return specs_; }

  // The struct holding `set`'s values (each already checked by ParamSet::set).
  P bind(const ParamSet& set) const {
    P p{};
    for (const auto& read : readers_) read(p, set);
    return p;
  }

 private:
  ParamFields& add(ParamSpec spec, std::function<void(P&, const ParamSet&)> read) {
    specs_.push_back(std::move(spec));
    readers_.push_back(std::move(read));
    return *this;
  }

  std::vector<ParamSpec> specs_;
  std::vector<std::function<void(P&, const ParamSet&)>> readers_;
};

}  // namespace vigil
