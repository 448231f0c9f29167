#include "nines/io/file_lock.hpp"

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "nines/base/error.hpp"

namespace nines {

namespace {

struct flock whole_file(short type) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = 0;
  lock.l_len = 0;  // to the end, however long the file grows
  lock.l_pid = 0;  // must be 0 for OFD locks
  return lock;
}

[[noreturn]] void fail(const char* what, const char* path, int error) {
  throw IOError(std::string("cannot ") + what + " '" + path + "': " + std::strerror(error));
}

}  // namespace

bool try_lock_file(int fd, const char* path) {
  struct flock lock = whole_file(F_WRLCK);
  for (;;) {
    if (::fcntl(fd, F_OFD_SETLK, &lock) == 0) return true;
    const int error = errno;
    if (error == EINTR) continue;
    if (error == EAGAIN || error == EACCES) return false;
    fail("lock", path, error);
  }
}

bool file_is_locked(int fd, const char* path) {
  struct flock lock = whole_file(F_WRLCK);
  for (;;) {
    if (::fcntl(fd, F_OFD_GETLK, &lock) == 0) return lock.l_type != F_UNLCK;
    const int error = errno;
    if (error == EINTR) continue;
    fail("check the lock of", path, error);
  }
}

}  // namespace nines
