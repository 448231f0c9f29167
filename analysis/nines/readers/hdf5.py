"""The boundary between the readers and h5py. Every read of a file goes through here, so that a
damaged file raises DamagedFileError naming the file and what is wrong, and never a bare h5py
OSError, RuntimeError, KeyError or ValueError.

    open_file(path)          h5py.File, or FormatError / DamagedFileError saying why not
    reading(path, what)      a block in which any error from h5py or numpy is the file's fault
    Attributes(obj, path)    typed attributes: integer(), real(), string(), flag()
    Columns(group, path)     a group's 1-D datasets with their lengths checked
    text(value)              an HDF5 string as str, whatever bytes it holds
"""
from __future__ import annotations

import contextlib
import os
import re

import h5py
import numpy as np

from ..errors import DamagedFileError, FormatError, NinesError

__all__ = ["open_file", "reading", "Attributes", "Columns", "text", "HDF5_SIGNATURE"]

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"

# What h5py and numpy raise when a file's bytes are not what its metadata promise. Inside
# reading() they can only come from the file: the readers check their arguments before.
_READ_ERRORS = (OSError, RuntimeError, KeyError, ValueError, TypeError, IndexError,
                ArithmeticError)

_MISSING = object()


def text(value) -> str:
    """h5py hands variable-length strings back as str or bytes depending on how they were
    written. nines writes UTF-8, but nines 0.2 stored scenario text as it came, so a string
    may hold any bytes: invalid UTF-8 is escaped ("caf\\xe9"), never an error."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # h5py decoded invalid UTF-8 with surrogateescape
            return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return value
    if isinstance(value, np.ndarray) and value.shape == ():
        return text(value[()])
    return str(value)


def _hdf5_message(error: BaseException) -> str:
    """h5py's message without its boilerplate, with the common cases said plainly."""
    message = str(error).strip() or type(error).__name__
    if "inflate() failed" in message or "filter returned failure" in message:
        return f"a compressed chunk is corrupt ({message})"
    if "Fletcher32" in message or "checksum" in message.lower():
        return f"a checksum does not match ({message})"
    return message


@contextlib.contextmanager
def reading(path: str, what: str):
    """Turns an error raised while reading `what` from the file at `path` into
    DamagedFileError; errors this package raises on purpose pass through."""
    try:
        yield
    except NinesError:
        raise
    except _READ_ERRORS as error:
        raise DamagedFileError(path, f"cannot read {what}: {_hdf5_message(error)}") from error


def _has_signature(path: str, size: int) -> bool:
    """Whether the file starts like an HDF5 file: the signature at 0 or at a user-block offset
    (512, 1024, ...), or a file shorter than the signature that is a prefix of it."""
    with open(path, "rb") as handle:
        head = handle.read(len(HDF5_SIGNATURE))
        if size < len(HDF5_SIGNATURE):
            return HDF5_SIGNATURE.startswith(head)
        if head == HDF5_SIGNATURE:
            return True
        offset = 512
        while offset + len(HDF5_SIGNATURE) <= min(size, 1 << 26):
            handle.seek(offset)
            if handle.read(len(HDF5_SIGNATURE)) == HDF5_SIGNATURE:
                return True
            offset *= 2
    return False


def open_file(path: str) -> h5py.File:
    """Opens `path` for reading. A missing file raises FileNotFoundError and an unreadable one
    PermissionError (the file is fine, the access is not); a file that is not HDF5 at all
    FormatError; an HDF5 file that is truncated or whose superblock is damaged
    DamagedFileError, saying so."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    if os.path.isdir(path):
        raise FormatError(f"{path} is a directory, not a nines file")
    size = os.path.getsize(path)
    if size == 0:
        raise DamagedFileError(path, "the file is empty (0 bytes): truncated, or never written")
    try:
        return h5py.File(path, "r")
    except PermissionError:
        raise
    except OSError as error:
        message = str(error)
        truncated = re.search(r"truncated file: eof = (\d+).*stored_eof = (\d+)", message)
        if truncated:
            have, want = (int(g) for g in truncated.groups())
            raise DamagedFileError(path, f"truncated: the file has {have:,} bytes, its HDF5 "
                                   f"superblock says {want:,}") from None
        if _has_signature(path, size):
            problem = ("truncated: shorter than an HDF5 superblock" if size < 64 else
                       f"an HDF5 file whose superblock cannot be read ({message})")
            raise DamagedFileError(path, problem) from None
        raise FormatError(f"{path} is not a nines run file (not an HDF5 file: {error})") \
            from None
    except (RuntimeError, ValueError, KeyError) as error:  # h5py's other ways of saying "damaged"
        raise DamagedFileError(path, f"cannot open it: {_hdf5_message(error)}") from None


def _describe(value) -> str:
    if isinstance(value, (bytes, str)):
        return f"the text {text(value)!r}"
    if isinstance(value, np.ndarray) and value.shape != ():
        return f"an array of shape {value.shape}"
    return f"{value!r} ({type(value).__name__})"


class Attributes:
    """The attributes of one HDF5 object (file root, group or dataset), read with their types
    checked. Messages call one "the {where} 'KEY' of {of}": the root attribute 'requests' of
    a nines run file, the attribute 'seed' of /point/000003. A missing attribute without a
    default, or one of the wrong type, is DamagedFileError."""

    def __init__(self, obj, path: str, where: str = "root attribute", of: str = ""):
        self._attrs = obj.attrs
        self.path = path
        self.where = where
        self.of = f" of {of}" if of else ""

    def __contains__(self, key: str) -> bool:
        with reading(self.path, f"the {self.where}s"):
            return key in self._attrs

    def _get(self, key: str, default):
        with reading(self.path, f"the {self.where} '{key}'"):
            if key not in self._attrs:
                if default is _MISSING:
                    raise DamagedFileError(self.path, f"the {self.where} '{key}'{self.of} is "
                                           "missing")
                return default, True
            return self._attrs[key], False

    def _ill_typed(self, key: str, kind: str, value) -> DamagedFileError:
        return DamagedFileError(self.path, f"the {self.where} '{key}'{self.of} should be {kind} "
                                f"but holds {_describe(value)}")

    @staticmethod
    def _scalar(value):
        if isinstance(value, np.ndarray):
            if value.shape != ():
                return None
            value = value[()]
        return value

    def integer(self, key: str, default=_MISSING, minimum: int | None = None) -> int:
        raw, missing = self._get(key, default)
        if missing:
            return raw
        value = self._scalar(raw)
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            raise self._ill_typed(key, "an integer", raw)
        if minimum is not None and int(value) < minimum:
            raise DamagedFileError(self.path, f"the {self.where} '{key}'{self.of} is "
                                   f"{int(value)}, below {minimum}")
        return int(value)

    def real(self, key: str, default=_MISSING) -> float:
        raw, missing = self._get(key, default)
        if missing:
            return raw
        value = self._scalar(raw)
        if isinstance(value, (bool, np.bool_)) or \
                not isinstance(value, (int, float, np.integer, np.floating)):
            raise self._ill_typed(key, "a number", raw)
        return float(value)

    def string(self, key: str, default=_MISSING) -> str:
        raw, missing = self._get(key, default)
        if missing:
            return raw
        value = self._scalar(raw)
        if not isinstance(value, (str, bytes)):
            raise self._ill_typed(key, "a string", raw)
        return text(value)

    def flag(self, key: str, default=_MISSING) -> bool:
        """A 0/1 integer (nines writes int8) or a boolean."""
        raw, missing = self._get(key, default)
        if missing:
            return raw
        value = self._scalar(raw)
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if not isinstance(value, (int, np.integer)) or int(value) not in (0, 1):
            raise self._ill_typed(key, "0 or 1", raw)
        return bool(value)


class Columns:
    """The one-dimensional datasets of the group `name` below `parent` (a file or a group),
    read whole (the small tables: components, kinds, events, importance, points) with their
    presence, shape, type and length checked. `kind` names what the group belongs to in
    messages ("nines run file")."""

    def __init__(self, parent: h5py.Group, name: str, path: str, kind: str = "nines run file"):
        self.path = path
        self.name = parent.name.rstrip("/") + "/" + name.strip("/")
        with reading(path, f"the group {self.name}"):
            if name not in parent:
                raise DamagedFileError(path, f"the {kind}'s group {self.name} is missing")
            self.group = parent[name]
            if not isinstance(self.group, h5py.Group):
                raise DamagedFileError(path, f"{self.name} should be a group but is a dataset")

    def __contains__(self, key: str) -> bool:
        with reading(self.path, f"the group {self.name}"):
            return key in self.group

    def dataset(self, key: str, *, length: int | None = None, per: str = "") -> h5py.Dataset:
        """The dataset `key` (checked: present, a dataset, one-dimensional and, with
        `length`, that long; `per` says what one entry stands for, for the message)."""
        where = f"{self.name}/{key}"
        with reading(self.path, where):
            if key not in self.group:
                raise DamagedFileError(self.path, f"the dataset {where} is missing")
            dataset = self.group[key]
            if not isinstance(dataset, h5py.Dataset):
                raise DamagedFileError(self.path, f"{where} should be a dataset but is a group")
            if len(dataset.shape) != 1:
                raise DamagedFileError(self.path, f"{where} should be one-dimensional but has "
                                       f"shape {dataset.shape}")
            if length is not None and dataset.shape[0] != length:
                raise DamagedFileError(
                    self.path, f"{where} has {dataset.shape[0]:,} entries, expected "
                    f"{length:,}" + (f" (one per {per})" if per else ""))
            return dataset

    def _read_whole(self, dataset: h5py.Dataset, where: str,
                    rows: tuple[int, int] | None = None) -> np.ndarray:
        try:
            if rows is None:
                return dataset[...]
            start, stop = rows
            if not 0 <= start <= stop <= dataset.shape[0]:
                raise DamagedFileError(self.path, f"{where} has {dataset.shape[0]:,} entries; "
                                       f"rows {start:,} to {stop:,} are asked for")
            return dataset[start:stop]
        except MemoryError:  # a small table that claims more entries than memory holds
            raise DamagedFileError(self.path, f"{where} claims {dataset.shape[0]:,} entries, "
                                   "more than can be read") from None

    def numbers(self, key: str, dtype, *, length: int | None = None, per: str = "",
                optional: bool = False, rows: tuple[int, int] | None = None
                ) -> np.ndarray | None:
        """A numeric column read whole (or only `rows` = (start, stop) of it) and converted to
        `dtype` (None when `optional` and absent)."""
        if optional and key not in self:
            return None
        dataset = self.dataset(key, length=length, per=per)
        where = f"{self.name}/{key}"
        with reading(self.path, where):
            if dataset.dtype.kind not in "biuf":
                raise DamagedFileError(self.path, f"{where} should hold numbers but holds "
                                       f"{dataset.dtype}")
            values = self._read_whole(dataset, where, rows)
        target = np.dtype(dtype)
        if target.kind in "iu" and values.dtype.kind == "f":
            raise DamagedFileError(self.path, f"{where} should hold integers but holds "
                                   f"{values.dtype}")
        if target.kind == "i" and values.dtype.kind == "u" and values.size and \
                values.max() > np.iinfo(target).max:
            raise DamagedFileError(self.path, f"{where} holds {values.max()}, more than any "
                                   "count nines writes")
        return values.astype(target)

    def matrix_dataset(self, key: str, shape: tuple[int, int], *, what: str = ""
                       ) -> h5py.Dataset:
        """The dataset of a rows x columns table of numbers, its shape checked: a 2-D dataset of
        that shape (format minor version 1 on; a time run's per-kind histories from 2), or as
        older files stored it, flat and row-major with optional `rows` and `columns`
        attributes. `what` names the axes for the message ("kinds x components")."""
        rows, columns = shape
        where = f"{self.name}/{key}"
        with reading(self.path, where):
            if key not in self.group:
                raise DamagedFileError(self.path, f"the dataset {where} is missing")
            dataset = self.group[key]
            if not isinstance(dataset, h5py.Dataset):
                raise DamagedFileError(self.path, f"{where} should be a dataset but is a group")
            if len(dataset.shape) == 2:
                stated = tuple(int(n) for n in dataset.shape)
            else:
                stated = (int(dataset.attrs.get("rows", rows)),
                          int(dataset.attrs.get("columns", columns)))
        suffix = f" ({what})" if what else ""
        if stated != (rows, columns):
            raise DamagedFileError(self.path, f"{where} says it is a {stated[0]} x {stated[1]} "
                                   f"matrix, expected {rows} x {columns}{suffix}")
        return dataset

    def matrix(self, key: str, dtype, shape: tuple[int, int], *, per: str = "",
               what: str = "", rows: tuple[int, int] | None = None) -> np.ndarray:
        """A rows x columns table of numbers (matrix_dataset), whole or only its rows
        [start, stop) = `rows`."""
        dataset = self.matrix_dataset(key, shape, what=what)
        columns = shape[1]
        where = f"{self.name}/{key}"
        if len(dataset.shape) == 2:
            with reading(self.path, where):
                if dataset.dtype.kind not in "biuf":
                    raise DamagedFileError(self.path, f"{where} should hold numbers but holds "
                                           f"{dataset.dtype}")
                values = self._read_whole(dataset, where, rows)
            target = np.dtype(dtype)
            if target.kind in "iu" and values.dtype.kind == "f":
                raise DamagedFileError(self.path, f"{where} should hold integers but holds "
                                       f"{values.dtype}")
            return values.astype(target)
        flat = None if rows is None else (rows[0] * columns, rows[1] * columns)
        return self.numbers(key, dtype, length=shape[0] * columns, per=per,
                            rows=flat).reshape(-1, columns)

    def strings(self, key: str, *, length: int | None = None, per: str = "",
                rows: tuple[int, int] | None = None) -> list[str]:
        dataset = self.dataset(key, length=length, per=per)
        where = f"{self.name}/{key}"
        with reading(self.path, where):
            if h5py.check_string_dtype(dataset.dtype) is None and dataset.dtype.kind not in "SO":
                raise DamagedFileError(self.path, f"{where} should hold strings but holds "
                                       f"{dataset.dtype}")
            values = self._read_whole(dataset, where, rows)
        return [text(v) for v in values]


class OpenedFile:
    """An opened nines file (a run, a time run, a sweep): opens it, reads its summary with
    `_load()` (which subclasses define), closes it again if that fails, and closes it on
    close() or at the end of a `with` block."""

    # What the summary is called in messages about it ("while reading the run's summary").
    _summary = "the run's summary"

    def __init__(self, path: str | os.PathLike, file: h5py.File | None = None):
        self.path = os.fspath(path)
        self._file = file if file is not None else open_file(self.path)
        try:
            with reading(self.path, self._summary):
                self._load()
        except BaseException:
            self.close()
            raise

    def _load(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        with reading(self.path, "the file while closing it"):
            self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

