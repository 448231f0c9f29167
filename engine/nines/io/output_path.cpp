#include "nines/io/output_path.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "nines/base/error.hpp"

namespace nines {

PathKind path_kind(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    const int error = errno;
    if (error == ENOENT || error == ENOTDIR) return PathKind::missing;
    throw IOError("cannot examine '" + path + "': " + std::strerror(error));
  }
  if (S_ISREG(st.st_mode)) return PathKind::regular;
  if (S_ISDIR(st.st_mode)) return PathKind::directory;
  if (S_ISLNK(st.st_mode)) return PathKind::symlink;
  if (S_ISFIFO(st.st_mode)) return PathKind::fifo;
  if (S_ISSOCK(st.st_mode)) return PathKind::socket;
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return PathKind::device;
  return PathKind::other;
}

const char* describe(PathKind kind) noexcept {
  switch (kind) {
    case PathKind::missing:
      return "nothing";
    case PathKind::regular:
      return "a regular file";
    case PathKind::directory:
      return "a directory";
    case PathKind::symlink:
      return "a symbolic link";
    case PathKind::fifo:
      return "a FIFO (named pipe)";
    case PathKind::socket:
      return "a socket";
    case PathKind::device:
      return "a device";
    case PathKind::other:
      break;
  }
  return "not a regular file";
}

std::string already_exists_message(const std::string& path, const std::string& what) {
  return what + " '" + path +
         "' already exists; use --force to overwrite it or -o to choose another name";
}

void check_output_path(const std::string& path, bool overwrite, const std::string& what) {
  const PathKind kind = path_kind(path);
  switch (kind) {
    case PathKind::missing:
      return;
    case PathKind::regular:
      if (!overwrite) throw InputError(already_exists_message(path, what));
      return;
    case PathKind::directory:
      throw InputError(what + " '" + path + "' is a directory; choose a file name");
    case PathKind::symlink:
      // Neither followed (it could lead anywhere, /dev/null included) nor replaced (--force
      // would then silently turn a link into a file): the user says which file is meant.
      throw InputError(what + " '" + path +
                       "' is a symbolic link; nines neither writes through nor replaces links: "
                       "give the path of the file itself, or choose another name with -o");
    default:
      // Even with --force: renaming over a device, FIFO or socket would replace a system
      // object (say /dev/null) with an HDF5 file.
      throw InputError(what + " '" + path + "' is " + describe(kind) +
                       ", not a regular file; nines replaces only regular files, even with "
                       "--force: choose a file name with -o");
  }
}

}  // namespace nines
