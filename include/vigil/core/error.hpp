// Typed errors for user, data and file problems. The CLI turns each into one
// clear line and a non-zero exit; broken invariants use VIGIL_CHECK instead.
#pragma once

#include <stdexcept>
#include <string>

namespace vigil {

// Base of every error Vigil reports to a user.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad input data: a file that cannot be read, a ragged row, a value of the wrong
// type. The message names the file, line and column where they are known.
class InputError : public Error {
 public:
  using Error::Error;
};

// A bad option or model parameter given by the user.
class ParamError : public Error {
 public:
  using Error::Error;
};

// A file that cannot be written (permissions, full disk).
class IoError : public Error {
 public:
  using Error::Error;
};

// A model file that is truncated, corrupted, of another format or a newer version.
class ModelFormatError : public Error {
 public:
  using Error::Error;
};

// A broken internal invariant: a bug in Vigil, never the user's fault.
class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] void fail_check(const char* expr, const char* file, int line, const std::string& why);

}  // namespace vigil

#define VIGIL_CHECK(cond, why)                                          \
  do {                                                                  \
    if (!(cond)) ::vigil::fail_check(#cond, __FILE__, __LINE__, (why)); \
  } while (0)
