#include "nines/base/error.hpp"

#include <utility>

namespace nines {

std::string SourceLocation::to_string() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out;
}

namespace {
std::string with_location(const SourceLocation& where, const std::string& message) {
  const std::string prefix = where.to_string();
  return prefix.empty() ? message : prefix + ": " + message;
}
}  // namespace

InputError::InputError(std::string message) : Error(message), message_(std::move(message)) {}

InputError::InputError(SourceLocation where, std::string message)
    : Error(with_location(where, message)),
      where_(std::move(where)),
      message_(std::move(message)) {}

}  // namespace nines
