#include "vigil/core/params.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include "vigil/core/error.hpp"

namespace vigil {
namespace {

std::string format_number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

bool parse_double(const std::string& text, double& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && std::isfinite(out);
}

}  // namespace

ParamSpec ParamSpec::integer(std::string name, long def, long min, long max, std::string doc) {
  return {std::move(name), Kind::kInt, std::to_string(def), double(min),
          double(max),     {},         std::move(doc),      {}};
}

ParamSpec ParamSpec::real(std::string name, double def, double min, double max, std::string doc) {
  return {std::move(name), Kind::kReal, format_number(def), min, max, {}, std::move(doc), {}};
}

ParamSpec ParamSpec::int_list(std::string name, std::string def, long min, long max,
                              std::string doc) {
  return {std::move(name), Kind::kIntList,
          std::move(def),  double(min),
          double(max),     {},
          std::move(doc),  {}};
}

ParamSpec ParamSpec::choice(std::string name, std::string def, std::vector<std::string> choices,
                            std::string doc) {
  return {
      std::move(name), Kind::kChoice, std::move(def), 0, 0, std::move(choices), std::move(doc), {}};
}

ParamSpec ParamSpec::choice_list(std::string name, std::string def,
                                 std::vector<std::string> choices, std::string doc) {
  return {std::move(name),
          Kind::kChoiceList,
          std::move(def),
          0,
          0,
          std::move(choices),
          std::move(doc),
          {}};
}

namespace {

std::vector<std::string> split_commas(const std::string& v) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto comma = v.find(',', start);
    out.push_back(v.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

}  // namespace

ParamSet::ParamSet(std::string owner, std::vector<ParamSpec> specs)
    : owner_(std::move(owner)), specs_(std::move(specs)) {
  for (const auto& s : specs_) values_[s.name] = s.default_value;
}

const ParamSpec& ParamSet::spec(const std::string& name) const {
  for (const auto& s : specs_) {
    if (s.name == name) return s;
  }
  for (const auto& s : specs_) {
    if (std::find(s.aliases.begin(), s.aliases.end(), name) != s.aliases.end()) return s;
  }
  std::string known;
  for (const auto& s : specs_) known += (known.empty() ? "" : ", ") + s.name;
  throw ParamError(owner_ + ": unknown parameter '" + name +
                   "' (known: " + (known.empty() ? "none" : known) + ")");
}

void ParamSet::set(const std::string& name, const std::string& value) {
  const ParamSpec& s = spec(name);
  const std::string where = owner_ + ": parameter " + name + "=" + value;
  if (s.kind == ParamSpec::Kind::kChoice) {
    if (std::find(s.choices.begin(), s.choices.end(), value) == s.choices.end()) {
      std::string options;
      for (const auto& c : s.choices) options += (options.empty() ? "" : "|") + c;
      throw ParamError(where + ": expected one of " + options);
    }
  } else if (s.kind == ParamSpec::Kind::kChoiceList) {
    const std::vector<std::string> items = split_commas(value);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const bool known = std::find(s.choices.begin(), s.choices.end(), items[i]) != s.choices.end();
      if (!known || std::find(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(i),
                              items[i]) != items.begin() + static_cast<std::ptrdiff_t>(i)) {
        std::string options;
        for (const auto& c : s.choices) options += (options.empty() ? "" : ", ") + c;
        throw ParamError(where + ": expected distinct comma-separated names from " + options);
      }
    }
  } else if (s.kind == ParamSpec::Kind::kIntList) {
    std::size_t start = 0;
    while (true) {
      const auto comma = value.find(',', start);
      const std::string item =
          value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      double v = 0;
      if (!parse_double(item, v) || v != std::floor(v) || v < s.min || v > s.max) {
        throw ParamError(where + ": expected comma-separated whole numbers in [" +
                         format_number(s.min) + ", " + format_number(s.max) + "]");
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else {
    double v = 0;
    if (!parse_double(value, v)) throw ParamError(where + ": expected a number");
    if (s.kind == ParamSpec::Kind::kInt && v != std::floor(v)) {
      throw ParamError(where + ": expected a whole number");
    }
    // Whole numbers are also compared exactly: past 2^53 a double rounds them
    // back into range (seed=9007199254740993 passed as 2^53).
    bool out_of_range = v < s.min || v > s.max;
    if (s.kind == ParamSpec::Kind::kInt) {
      long long exact = 0;
      const char* end = value.data() + value.size();
      const auto [stop, ec] = std::from_chars(value.data(), end, exact);
      if (ec == std::errc::result_out_of_range) out_of_range = true;
      if (ec == std::errc() && stop == end) {
        out_of_range = out_of_range || exact < static_cast<long long>(s.min) ||
                       exact > static_cast<long long>(s.max);
      }
    }
    if (out_of_range) {
      throw ParamError(where + ": out of range [" + format_number(s.min) + ", " +
                       format_number(s.max) + "]");
    }
  }
  values_[s.name] = value;
}

void ParamSet::set_assignment(const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ParamError(owner_ + ": parameter '" + assignment + "' is not of the form name=value");
  }
  set(assignment.substr(0, eq), assignment.substr(eq + 1));
}

double ParamSet::real(const std::string& name) const {
  double v = 0;
  parse_double(text(name), v);
  return v;
}

long ParamSet::integer(const std::string& name) const { return std::lround(real(name)); }

std::vector<long> ParamSet::int_list(const std::string& name) const {
  std::vector<long> out;
  const std::string& v = text(name);
  std::size_t start = 0;
  while (start <= v.size()) {
    const auto comma = v.find(',', start);
    double x = 0;
    const std::string item =
        v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    parse_double(item, x);
    out.push_back(std::lround(x));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::vector<std::string> ParamSet::choice_list(const std::string& name) const {
  return split_commas(text(name));
}

const std::string& ParamSet::text(const std::string& name) const {
  return values_.at(spec(name).name);
}

std::string ParamSet::describe() const {
  std::ostringstream out;
  for (const auto& s : specs_) {
    out << "  " << s.name << " (default " << s.default_value;
    if (s.kind == ParamSpec::Kind::kIntList) {
      out << ", whole numbers in [" << format_number(s.min) << ", " << format_number(s.max) << "]";
    } else if (s.kind == ParamSpec::Kind::kChoice || s.kind == ParamSpec::Kind::kChoiceList) {
      out << (s.kind == ParamSpec::Kind::kChoice ? ", one of" : ", comma-separated from");
      for (const auto& c : s.choices) out << ' ' << c;
    } else {
      out << ", " << (s.kind == ParamSpec::Kind::kInt ? "integer" : "real") << " in ["
          << format_number(s.min) << ", " << format_number(s.max) << "]";
    }
    out << "): " << s.doc;
    if (!s.aliases.empty()) {
      out << " (also read as";
      for (const auto& a : s.aliases) out << ' ' << a;
      out << ')';
    }
    out << '\n';
  }
  return out.str();
}

void ParamSet::save(ByteWriter& w) const {
  w.u64(values_.size());
  for (const auto& [name, value] : values_) {
    w.str(name);
    w.str(value);
  }
}

void ParamSet::load(ByteReader& r) {
  const auto n = r.count(1000, "parameter");
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string name = r.str();
    std::string value = r.str();
    try {
      set(name, value);
    } catch (const ParamError& e) {
      r.fail(e.what());
    }
  }
}

}  // namespace vigil
