#pragma once
// Whole-file write locks that mark "a nines process is writing this": on the temporary file
// of an output (until it is renamed into place) and on a sweep journal (while the sweep runs).
//
// They are open-file-description locks (fcntl F_OFD_SETLK): held by the open file, shared by
// its dup()s, released when the last descriptor closes or the process dies (even by SIGKILL),
// so a lock never outlives its writer. Unlike flock(), they do not collide with the flock()
// HDF5 takes on files it opens, and unlike classic POSIX locks, closing some other descriptor
// of the file does not drop them.
namespace nines {

// Takes the lock on `fd` (open for writing) without waiting: true when taken, false when
// another open file holds it. IOError for any other failure; `path` is for the message.
bool try_lock_file(int fd, const char* path);

// True when some other open file holds a lock on the file `fd` (any mode) refers to; asks
// without taking the lock. IOError on failure.
bool file_is_locked(int fd, const char* path);

}  // namespace nines
