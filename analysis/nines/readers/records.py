"""Tables with a row per outage, window or failed request (layout 3): millions of rows, read only
where sliced, chunk by chunk, through the boundary. Every column is a LazyArray, so a corrupt
chunk or a value no engine writes (a component index beyond the model, a history beyond the
run) raises DamagedFileError naming the file, the dataset and the row."""
from __future__ import annotations

from typing import Callable, Iterator

import numpy as np
import pandas as pd

from ..errors import DamagedFileError
from .hdf5 import Columns
from .lazy import LazyArray

__all__ = ["Records", "Column"]


class Column:
    """How one column of a record table is read: integers with `valid` bounds (lowest, highest;
    either may be None), or real numbers (times in seconds, NaN allowed)."""

    def __init__(self, name: str, valid: tuple[int | None, int | None] | None = None, *,
                 real: bool = False, bounded_by: str = "the run's tables"):
        self.name = name
        self.valid = valid
        self.real = real
        self.bounded_by = bounded_by


class Records:
    """A table of one-dimensional datasets of equal length in one group, all lazy.

    len(t); t[a:b] -> DataFrame (index: row number); t.iter_chunks() -> (start, DataFrame)
    blocks of one HDF5 chunk; t.where_history(h) -> the rows of one history, found by reading
    the `history` column chunk by chunk (memory bounded by a chunk plus the rows found);
    t[:] reads everything (deliberately). `check(frame, start)` (optional) checks what one
    column alone cannot (e.g. an outage names a component or an event, not both); it raises
    DamagedFileError. The reader checks the columns' presence, types and lengths when it
    makes the table."""

    def __init__(self, columns: Columns, spec: list[Column], *, length: int | None = None,
                 per: str = "row", check: Callable[[pd.DataFrame, int], None] | None = None):
        self.path = columns.path
        self.name = columns.name
        first = columns.dataset(spec[0].name, length=length, per=per)
        rows = int(first.shape[0])
        self._columns: dict[str, LazyArray] = {}
        for column in spec:
            dataset = columns.dataset(column.name, length=rows, per=per)
            self._columns[column.name] = LazyArray(dataset, self.path, valid=column.valid,
                                                   real=column.real,
                                                   bounded_by=column.bounded_by)
        self._length = rows
        self._check = check

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self._columns)

    def column(self, name: str) -> LazyArray:
        """One column, lazy (e.g. run.outages().column("start")[:1000])."""
        return self._columns[name]

    def __len__(self) -> int:
        return self._length

    @property
    def chunk_length(self) -> int:
        """Rows per HDF5 chunk of the first column: the natural unit to read in."""
        return next(iter(self._columns.values())).chunk_length

    def _frame(self, start: int, stop: int, step: int = 1) -> pd.DataFrame:
        frame = pd.DataFrame({name: column[start:stop:step]
                              for name, column in self._columns.items()},
                             index=pd.RangeIndex(start, max(start, stop), step, name="row"))
        if self._check is not None and len(frame):
            self._check(frame, start)
        return frame

    def __getitem__(self, key) -> pd.DataFrame:
        if not isinstance(key, slice):
            raise TypeError(f"slice the rows of {self.name}, e.g. [:100] (or [:] for all)")
        start, stop, step = key.indices(len(self))
        if step <= 0:
            raise ValueError("rows are read forwards: use a positive step")
        return self._frame(start, stop, step)

    def iter_chunks(self, chunk: int | None = None) -> Iterator[tuple[int, pd.DataFrame]]:
        """Yield (start, DataFrame) blocks of at most `chunk` rows (default: one HDF5 chunk), so
        memory stays bounded whatever the number of rows."""
        step = self.chunk_length if chunk is None else int(chunk)
        if step <= 0:
            raise ValueError("chunk must be positive")
        for start in range(0, len(self), step):
            yield start, self._frame(start, min(start + step, len(self)))

    def where_history(self, history: int, chunk: int | None = None) -> pd.DataFrame:
        """The rows of one history, in file order, read block by block: only the `history`
        column is read everywhere, the others only in the blocks that hold matching rows."""
        if "history" not in self._columns:
            raise TypeError(f"{self.name} has no history column")
        key = self._columns["history"]
        step = key.chunk_length if chunk is None else int(chunk)
        if step <= 0:
            raise ValueError("chunk must be positive")
        parts = []
        for start in range(0, len(self), step):
            stop = min(start + step, len(self))
            where = np.flatnonzero(key[start:stop] == history)
            if where.size:
                block = self._frame(start + int(where[0]), start + int(where[-1]) + 1)
                parts.append(block.loc[start + where])
        if not parts:
            return self._frame(0, 0)
        return pd.concat(parts)

    def __repr__(self) -> str:
        return (f"<Records {self.name}: {len(self):,} rows x {', '.join(self.columns)} "
                "(lazy)>")


def exactly_one_of(path: str, name: str, first: str, second: str):
    """A check for Records: every row names exactly one of two columns (the other is -1)."""
    def check(frame: pd.DataFrame, start: int) -> None:
        a, b = frame[first].to_numpy(), frame[second].to_numpy()
        bad = np.flatnonzero((a >= 0) == (b >= 0))
        if bad.size:
            row = int(frame.index[bad[0]])
            raise DamagedFileError(path, f"{name}[{row}] has {first} {a[bad[0]]} and {second} "
                                   f"{b[bad[0]]}: a row names exactly one of them (the other "
                                   "is -1)")
    return check
