"""Per-request datasets read only where sliced, chunk by chunk, through the boundary: a corrupt
chunk, or a value no engine writes (an outcome code beyond the components, a request index
beyond the run), raises DamagedFileError naming the file, the dataset and the range."""
from __future__ import annotations

from typing import Iterator

import h5py
import numpy as np
import pandas as pd

from ..errors import DamagedFileError
from .hdf5 import reading

__all__ = ["LazyArray", "FailedRequestIndex", "GatheredArray", "check_increasing",
           "failure_blocks", "category_of_codes"]


class LazyArray:
    """A one-dimensional dataset read only where sliced: a[i], a[a:b], a[a:b:step], len(a).

    `valid` = (lowest, highest) bounds every value read (either may be None): a value outside
    is damage, found in the block where it is read. `window` = (start, stop) makes the array
    that range of the dataset (a sweep point's rows of a table shared by all points): indices
    count from `start`, messages name the dataset's own index. `bounded_by` names what sets the
    bounds, for messages. `real` admits floating-point data (times, durations) besides
    integers. Shape, type and chunking are read once, when the array is made."""

    def __init__(self, dataset: h5py.Dataset, path: str | None = None, *,
                 valid: tuple[int | None, int | None] | None = None,
                 window: tuple[int, int] | None = None,
                 bounded_by: str = "the run's summary", real: bool = False):
        self._dataset = dataset
        self.name = dataset.name
        self.path = path if path is not None else dataset.file.filename
        with reading(self.path, self.name):
            if len(dataset.shape) != 1:
                raise DamagedFileError(self.path, f"{self.name} should be one-dimensional but "
                                       f"has shape {dataset.shape}")
            total = int(dataset.shape[0])
            self._dtype = dataset.dtype
            chunks = dataset.chunks
            if self._dtype.kind not in ("biuf" if real else "biu"):
                raise DamagedFileError(self.path, f"{self.name} should hold "
                                       f"{'numbers' if real else 'integers'} but holds "
                                       f"{self._dtype}")
        start, stop = (0, total) if window is None else (int(window[0]), int(window[1]))
        if not 0 <= start <= stop <= total:
            raise DamagedFileError(self.path, f"{self.name} has {total:,} entries; rows "
                                   f"{start:,} to {stop:,} are asked for")
        self._offset = start
        self._length = stop - start
        self._chunk = int(chunks[0]) if chunks else max(1, min(total, 1 << 20))
        self._valid = valid
        self._bounded_by = bounded_by

    def __len__(self) -> int:
        return self._length

    @property
    def offset(self) -> int:
        """Where the array starts in its dataset (0 unless made with a window)."""
        return self._offset

    @property
    def dtype(self) -> np.dtype:
        return self._dtype

    @property
    def chunk_length(self) -> int:
        """Elements per HDF5 chunk: the natural unit to read in."""
        return self._chunk

    def _read(self, start: int, stop: int, step: int = 1) -> np.ndarray:
        start += self._offset
        stop += self._offset
        with reading(self.path, f"{self.name}[{start}:{stop}]"):
            values = self._dataset[start:stop:step] if stop > start else self._dataset[0:0]
        if self._valid is not None and values.size:
            low, high = self._valid
            smallest, largest = values.min(), values.max()
            bad = None
            if low is not None and smallest < low:
                bad = smallest
            elif high is not None and largest > high:
                bad = largest
            if bad is not None:
                where = start + int(np.flatnonzero(values == bad)[0]) * step
                allowed = (f"{low} to {high}" if low is not None and high is not None else
                           f"at least {low}" if low is not None else f"at most {high}")
                raise DamagedFileError(self.path, f"{self.name}[{where}] is {bad}; "
                                       f"{self._bounded_by} allows {allowed}")
        return values

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self))
            if step < 0:
                # h5py refuses negative steps; read the covered range and reverse it.
                if start <= stop:
                    return self._read(0, 0)
                return self._read(stop + 1, start + 1)[::-1][::-step]
            return self._read(start, stop, step)
        if isinstance(key, (int, np.integer)):
            i = int(key)
            if i < 0:
                i += len(self)
            if not 0 <= i < len(self):
                raise IndexError(f"index {key} out of range for {len(self)} elements")
            return self._read(i, i + 1)[0]
        raise TypeError("index with an integer or a slice; whole-array reads are deliberate: "
                        "use [:] to read everything")

    def iter_chunks(self, chunk: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
        """Yield (start, values) blocks of at most `chunk` elements (default: one HDF5 chunk),
        aligned to the file's chunks so that each compressed chunk is decompressed once."""
        length = len(self)
        step = self.chunk_length if chunk is None else int(chunk)
        if step <= 0:
            raise ValueError("chunk must be positive")
        for start in range(0, length, step):
            yield start, self._read(start, min(start + step, length))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {len(self)} {self.dtype} (lazy)>"


class _ArrayLike:
    """What LazyArray offers besides reading: len, slicing, iter_chunks; subclasses read."""

    name: str
    path: str
    _length: int
    _chunk: int

    def __len__(self) -> int:
        return self._length

    @property
    def offset(self) -> int:
        return 0

    @property
    def chunk_length(self) -> int:
        return self._chunk

    def _read(self, start: int, stop: int, step: int = 1) -> np.ndarray:
        raise NotImplementedError

    __getitem__ = LazyArray.__getitem__
    iter_chunks = LazyArray.iter_chunks

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {len(self)} {self.dtype} (lazy)>"


class FailedRequestIndex(_ArrayLike):
    """The failed requests of a dense structure file that stores them only as /requests/culprit
    (format minor version 2 on): the increasing indices where the culprit is not -1, found by
    reading the culprit column chunk by chunk the first time they are needed, then kept (8
    bytes per failure, as the failed sets' offsets). The name is /failures/request, the column
    older files store. `failures` is the count the summary gives: a different count is damage."""

    def __init__(self, culprit: LazyArray, failures: int, chunk: int):
        self._culprit = culprit
        self._length = int(failures)
        self._chunk = int(chunk)
        self.name = "/failures/request"
        self.path = culprit.path
        self._indices: np.ndarray | None = None

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(np.uint64)

    def indices(self) -> np.ndarray:
        if self._indices is None:
            found = np.empty(self._length, dtype=np.uint64)
            count = 0
            for start, block in self._culprit.iter_chunks():
                where = np.flatnonzero(block >= 0)
                if count + where.size > self._length:
                    count += where.size
                    break
                found[count:count + where.size] = where + start
                count += where.size
            if count != self._length:
                raise DamagedFileError(
                    self.path, f"{self._culprit.name} names a culprit for "
                    f"{'more than ' if count > self._length else ''}{count:,} requests but "
                    f"the run counts {self._length:,} failures")
            self._indices = found
        return self._indices

    def _read(self, start: int, stop: int, step: int = 1) -> np.ndarray:
        return self.indices()[start:stop:step]


class GatheredArray(_ArrayLike):
    """The values of a per-request LazyArray at the failed requests (a FailedRequestIndex): the
    /failures columns kind, attempts, culprit and common_cause of a dense structure file from
    format minor version 2, which stores them only in /requests. Each read takes the stretches
    of the source that the requests asked for cover, one HDF5 chunk's span at a time."""

    def __init__(self, source: LazyArray, requests: FailedRequestIndex, name: str):
        self._source = source
        self._requests = requests
        self._length = len(requests)
        self._chunk = requests.chunk_length
        self.name = name
        self.path = source.path

    @property
    def dtype(self) -> np.dtype:
        return self._source.dtype

    def _read(self, start: int, stop: int, step: int = 1) -> np.ndarray:
        wanted = self._requests[start:stop:step].astype(np.int64)
        out = np.empty(wanted.size, dtype=self.dtype)
        if not wanted.size:
            return out
        # Runs of requests whose neighbours lie within one source chunk of each other are read
        # as one stretch; a wider gap starts a new stretch.
        breaks = np.flatnonzero(np.diff(wanted) > self._source.chunk_length) + 1
        for a, b in zip(np.r_[0, breaks], np.r_[breaks, wanted.size]):
            low, high = int(wanted[a]), int(wanted[b - 1]) + 1
            out[a:b] = self._source[low:high][wanted[a:b] - low]
        return out


def check_increasing(requests: np.ndarray, previous: int, array: LazyArray, start: int) -> int:
    """Failed-request indices are stored in increasing order (the running failures rely on it):
    checks one block read at `start`, after `previous` (the block before's last index, or -1),
    and returns this block's last index."""
    if not requests.size:
        return previous
    values = requests.astype(np.int64)
    steps = np.diff(values, prepend=previous)
    if np.any(steps <= 0):
        where = start + int(np.flatnonzero(steps <= 0)[0])
        raise DamagedFileError(array.path, f"{array.name}[{array.offset + where}] is "
                               f"{values[where - start]}, "
                               "not above the index before it (failed requests are stored in "
                               "increasing order)")
    return int(values[-1])


def failure_blocks(request: LazyArray, column: LazyArray, chunk: int | None
                   ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(request indices, `column`) blocks of at most `chunk` failed requests (default: the
    request dataset's HDF5 chunk), checking that the request indices increase."""
    step = request.chunk_length if chunk is None else int(chunk)
    if step <= 0:
        raise ValueError("chunk must be positive")
    last = -1
    for start in range(0, len(request), step):
        stop = min(start + step, len(request))
        requests = request[start:stop]
        last = check_increasing(requests, last, request, start)
        yield requests, column[start:stop]


def category_of_codes(codes: np.ndarray, names: list[str], missing: str | None
                      ) -> pd.Categorical:
    """Integer codes (index into `names`, or -1) as a pandas Categorical of the names, with -1
    as the category `missing` ("success", "none"; None when no code is -1), which comes last.
    The categories are every name, in model order, so counts of two blocks line up; a name
    equal to `missing` makes the missing category "(missing)" instead, so the two never merge."""
    codes = np.asarray(codes).astype(np.int64, copy=False)
    if missing is None:
        return pd.Categorical.from_codes(codes, list(names))
    label = missing if missing not in names else f"({missing})"
    return pd.Categorical.from_codes(np.where(codes < 0, len(names), codes), [*names, label])
