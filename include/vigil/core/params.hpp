// Hyperparameters declared once, with their default, valid range and meaning
// (as LightGBM's config.h and XGBoost's parameter fields do). Validation, --help
// text and the model file all read the same declarations. An unknown name is an
// error, so a typo never passes silently. Algorithms read their values through
// a typed struct bound once (param_fields.hpp), never by name.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "vigil/core/bytes.hpp"

namespace vigil {

struct ParamSpec {
  enum class Kind { kInt, kReal, kChoice, kIntList, kChoiceList };
  std::string name;
  Kind kind = Kind::kReal;
  std::string default_value;
  double min = 0;  // inclusive bounds, for kInt and kReal
  double max = 0;
  std::vector<std::string> choices;  // for kChoice and kChoiceList
  std::string doc;
  std::vector<std::string> aliases;  // older names still read (model files, command lines)

  static ParamSpec integer(std::string name, long def, long min, long max, std::string doc);
  static ParamSpec real(std::string name, double def, double min, double max, std::string doc);
  // A comma-separated list of whole numbers within [min, max], e.g. layer sizes "100,125".
  static ParamSpec int_list(std::string name, std::string def, long min, long max, std::string doc);
  static ParamSpec choice(std::string name, std::string def, std::vector<std::string> choices,
                          std::string doc);
  // A comma-separated list of distinct choices, e.g. ensemble members "rf,xgb".
  static ParamSpec choice_list(std::string name, std::string def, std::vector<std::string> choices,
                               std::string doc);
};

template <typename P>
class ParamFields;

class ParamSet {
 public:
  ParamSet() = default;
  // `owner` names what the parameters belong to, for error messages ("model nb").
  ParamSet(std::string owner, std::vector<ParamSpec> specs);

  // Sets one parameter from text, checking its name (or an alias), type and range.
  void set(const std::string& name, const std::string& value);
  // Parses "name=value" as given on a command line.
  void set_assignment(const std::string& assignment);

  // The value as stored (and as saved in model files), by name or alias.
  const std::string& text(const std::string& name) const;

  const std::vector<ParamSpec>& specs() const { return specs_; }
  const std::map<std::string, std::string>& values() const { return values_; }
  // One line per parameter: name, default, range and doc (for --help and `vigil models`).
  std::string describe() const;

  void save(ByteWriter& w) const;
  // Loads values saved by save(); names no longer declared are refused.
  void load(ByteReader& r);

 private:
  template <typename P>
  friend class ParamFields;
  double real(const std::string& name) const;
  long integer(const std::string& name) const;
  std::vector<long> int_list(const std::string& name) const;
  std::vector<std::string> choice_list(const std::string& name) const;

  // The declaration `name` refers to, directly or through an alias.
  const ParamSpec& spec(const std::string& name) const;
  std::string owner_;
  std::vector<ParamSpec> specs_;
  std::map<std::string, std::string> values_;
};

}  // namespace vigil
