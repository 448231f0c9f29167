#pragma once
// What may be at a path nines is about to write (the output policy of atomic_output.hpp, step
// 1): nothing, or, when overwriting, a regular file. Checked with lstat, so a symbolic link at
// the path is seen as a link (and refused) rather than followed.
#include <string>

namespace nines {

enum class PathKind { missing, regular, directory, symlink, fifo, socket, device, other };

// What is at `path` itself (a final symbolic link is not followed). IOError when it cannot be
// examined (a permission problem on a parent directory, say); ENOENT and ENOTDIR are `missing`
// (creating the file will then report what is wrong with the directory).
PathKind path_kind(const std::string& path);

// "a directory", "a FIFO (named pipe)", ... for messages.
const char* describe(PathKind kind) noexcept;

// Throws InputError unless `path` may be written: it is missing, or it is a regular file and
// `overwrite` is set. The messages name the path and what is there, and suggest --force or -o
// where they help. `what` starts the message ("output file", "sweep journal").
void check_output_path(const std::string& path, bool overwrite,
                       const std::string& what = "output file");

// The message for a regular file that exists where --force was not given; shared by the
// checks before and at the rename.
std::string already_exists_message(const std::string& path,
                                   const std::string& what = "output file");

}  // namespace nines
