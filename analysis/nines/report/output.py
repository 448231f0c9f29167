"""Writing a report file, by one rule:

- The page is rendered in memory first, then written to a temporary file created exclusively
  beside the target (".NAME.XXXXXXXX.tmp" in the same directory, so never someone else's
  file), flushed and fsync'd, and renamed over the target only when it is complete; the
  directory is fsync'd after the rename. An error at any point (while rendering, a full disk)
  leaves an existing report as it was and removes the temporary file: never a 0-byte or
  half-written report in place of a good one.
- The target may be absent or a regular file; a regular file is replaced (a report is derived
  from its run file, so rewriting it needs no --force) and keeps its permissions; a new one
  gets 0666 less the umask. A symbolic link is followed: the file it points to is replaced and
  the link stays. A directory, FIFO, socket or device is never replaced, and neither is the
  file the report is made from: OutputError, before anything is written.
"""
from __future__ import annotations

import os
import stat
import tempfile

from ..errors import OutputError

__all__ = ["write_text_atomically", "check_target"]


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return name
    return "not a regular file"


def check_target(path: str | os.PathLike, source: str | os.PathLike | None = None
                 ) -> tuple[str, os.stat_result | None]:
    """The file to write for `path` (symbolic links resolved) and its status (None when it
    does not exist yet); OutputError when the rule forbids replacing it."""
    name = os.fspath(path)
    target = os.path.realpath(name)
    try:
        status = os.lstat(target)
    except FileNotFoundError:
        status = None
    if status is not None and not stat.S_ISREG(status.st_mode):
        shown = name if target == os.path.abspath(name) else f"{name} (-> {target})"
        raise OutputError(f"{shown} is {_kind(status.st_mode)}: a report only ever replaces a "
                          "regular file")
    if status is not None and source is not None:
        try:
            same = os.path.samefile(target, source)
        except OSError:
            same = False
        if same:
            raise OutputError(f"{name} is the file the report is made from; choose another "
                              "output with -o")
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise OutputError(f"{name}: the directory {directory} does not exist")
    return target, status


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text_atomically(path: str | os.PathLike, content: str,
                          source: str | os.PathLike | None = None) -> str:
    """Writes `content` (UTF-8) to `path` by the rule above; returns `path`."""
    target, status = check_target(path, source)
    data = content.encode("utf-8")  # before any file exists: an encoding error writes nothing
    directory = os.path.dirname(target)
    fd, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp",
                                     dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fchmod(out.fileno(), stat.S_IMODE(status.st_mode) if status is not None
                      else 0o666 & ~_umask())
            os.fsync(out.fileno())
        check_target(target, source)  # nothing took its place meanwhile
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    _sync_directory(directory)
    return os.fspath(path)


def _sync_directory(directory: str) -> None:
    """Makes the rename durable (Linux: fsync on the directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on directories; the rename stands
        pass
    finally:
        os.close(fd)
