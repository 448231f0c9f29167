#include "nines/io/atomic_output.hpp"

#include <fcntl.h>  // AT_FDCWD for renameat2
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "nines/base/error.hpp"

namespace nines {
namespace {

std::string already_exists_message(const std::string& path) {
  return "output file '" + path +
         "' already exists; use --force to overwrite it or -o to choose another name";
}

IOError rename_error(const std::string& from, const std::string& to, int error) {
  return IOError("cannot rename '" + from + "' to '" + to + "': " + std::strerror(error));
}

}  // namespace

AtomicOutput::AtomicOutput(std::string final_path, bool overwrite)
    : final_path_(std::move(final_path)),
      temp_path_(final_path_ + ".partial-" + std::to_string(::getpid())),
      overwrite_(overwrite) {
  std::error_code error;
  if (std::filesystem::is_directory(std::filesystem::status(final_path_, error)))
    throw InputError("output path '" + final_path_ + "' is a directory; choose a file name");
  if (std::filesystem::exists(std::filesystem::symlink_status(final_path_, error)) && !overwrite_)
    throw InputError(already_exists_message(final_path_));
  // Exclusive create never clobbers; a leftover from a killed run with the same pid (common
  // in containers, where pids repeat) gets a message saying what it is.
  if (std::filesystem::exists(std::filesystem::symlink_status(temp_path_, error)))
    throw IOError("cannot create temporary file '" + temp_path_ +
                  "': it already exists, probably left by an interrupted run; delete it");
}

AtomicOutput::~AtomicOutput() {
  if (committed_ || !created_) return;
  std::error_code ignored;
  std::filesystem::remove(temp_path_, ignored);
}

void AtomicOutput::commit() {
  const char* from = temp_path_.c_str();
  const char* to = final_path_.c_str();
  if (!overwrite_) {
    if (::renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) {
      committed_ = true;
      return;
    }
    const int error = errno;
    if (error == EEXIST) throw InputError(already_exists_message(final_path_));
    if (error != EINVAL && error != ENOSYS) throw rename_error(temp_path_, final_path_, error);
  }
  if (std::rename(from, to) != 0) {
    const int error = errno;
    throw rename_error(temp_path_, final_path_, error);
  }
  committed_ = true;
}

}  // namespace nines
