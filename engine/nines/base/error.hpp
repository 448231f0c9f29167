#pragma once
// The one small tree of error types. Library code throws; only the CLI's main() prints,
// and it picks the exit code from the type: InputError -> 2, everything else -> 1.
#include <stdexcept>
#include <string>

namespace nines {

// Where in a user's file a problem sits. line and column are 1-based; 0 means unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  // "file:line:column", "file:line", "file", or "" depending on what is known.
  std::string to_string() const;
};

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Something the user can fix: a bad scenario, a bad flag, an output that already exists.
// what() is "<location>: <message>" when a location is known, else just the message.
class InputError : public Error {
 public:
  explicit InputError(std::string message);
  InputError(SourceLocation where, std::string message);

  const SourceLocation& where() const noexcept { return where_; }
  const std::string& message() const noexcept { return message_; }

 private:
  SourceLocation where_;
  std::string message_;
};

// The file system or the HDF5 library refused something (unwritable path, disk full...).
class IOError : public Error {
 public:
  using Error::Error;
};

}  // namespace nines
