"""A check for the damage no exception can report: some corruptions of HDF5 metadata (a heap
object whose size field points past its heap, as a flipped bit makes it) crash the HDF5 library
itself (SIGSEGV in H5Aread / H5Dread of variable-length strings, HDF5 1.10.8 as in Debian 12).
Python cannot catch that, so check_file() reads every attribute and string of the file in a
child interpreter first: if the child dies by a signal, the file is damaged and the caller
gets DamagedFileError instead of a crash. The child reports nothing else: errors it meets are
the reader's to report, with their own messages.

It costs a process start and one pass over the metadata (about 0.3 s for a run file), so
nines.open() runs it only when asked (check=True); `python3 -m nines` always does.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys

from ..errors import DamagedFileError
from .hdf5 import open_file

__all__ = ["check_file", "CHECK_TIMEOUT"]

# A check that has not finished after this long (a sweep of a million points) is given up,
# not counted as damage: the reader then reads the file as it would without the check.
CHECK_TIMEOUT = 600.0

_CHILD = r"""
import sys
import h5py

def visit(name, obj):
    for key in obj.attrs:
        obj.attrs[key]
    if isinstance(obj, h5py.Dataset):
        obj.shape, obj.chunks
        if h5py.check_string_dtype(obj.dtype) is not None:
            obj[...]

try:
    with h5py.File(sys.argv[1], "r") as f:
        visit("/", f)
        f.visititems(visit)
except Exception:
    pass
"""


def check_file(path: str | os.PathLike, timeout: float = CHECK_TIMEOUT) -> None:
    """Raises DamagedFileError if reading the file's metadata crashes the HDF5 library (and
    FileNotFoundError, FormatError or DamagedFileError for what nines.open would say about a
    missing, foreign or truncated file); returns None otherwise."""
    name = os.fspath(path)
    open_file(name).close()
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, name], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return
    if done.returncode < 0:
        number = -done.returncode
        try:
            what = signal.Signals(number).name
        except ValueError:
            what = f"signal {number}"
        raise DamagedFileError(name, f"the HDF5 library crashed ({what}) reading the file's "
                               "metadata: a metadata block, such as the heap that holds its "
                               "strings, is corrupt")
