"""The per-point tables of a sweep file of layout 2 (format "nines-sweep", format_version 2).

Beside the points table (/points, one row per point), layout 2 keeps every point's details in
a few tables shared by all points, each a group of equal-length 1-D datasets whose `columns`
attribute gives their order (engine/nines/sweep/sweep_writer.cpp is the authoritative layout):

    /point_components  one row per (finished point, component): point, component, name,
                       reliability, failures, expected_failures, and for chains
                       first_failure_probability, for structures effective_reliability,
                       culprit_probability and the exact importance measures
    /point_kinds       structures: one row per (finished point, request kind)
    /point_failures    with --record-requests, once complete: one row per failed request of
                       every point: point, request, component (chains: the first failure;
                       structures: the primary culprit), structures also kind, attempts,
                       common_cause
    /offsets/TABLE     points + 1 entries: point i's rows of /TABLE are
                       [offset[i], offset[i + 1])

A table is checked when it is first used: its columns present and all as long as the offsets
say, the offsets starting at 0 and never decreasing, a finished point with rows and an
unfinished one with none (a component table with one row per component of the point, a
failure table with one row per failed request). Rows are checked as they are read: their
`point` column must name the point the offsets give them to, and the component or kind
column must count 0, 1, ... within each point. Anything wrong raises DamagedFileError naming
the file. The failure table is read lazily, point by point and chunk by chunk.
"""
from __future__ import annotations

from typing import Iterator

import h5py
import numpy as np
import pandas as pd

from ..errors import DamagedFileError
from .hdf5 import Attributes, Columns, reading
from .importance import IMPORTANCE_MEASURES
from .lazy import LazyArray, category_of_codes, check_increasing

__all__ = ["PointTable", "SweepFailures", "COMPONENT_COLUMNS", "KIND_COLUMNS",
           "FAILURE_COLUMNS"]

# The columns each table must have, by base format (1 chain, 2 structure), in the engine's
# order.
COMPONENT_COLUMNS = {
    1: ("point", "component", "name", "reliability", "failures", "expected_failures",
        "first_failure_probability"),
    2: ("point", "component", "name", "reliability", "failures", "expected_failures",
        "effective_reliability", "culprit_probability", *IMPORTANCE_MEASURES),
}
KIND_COLUMNS = ("point", "kind", "name", "weight", "requests", "failures", "attempts",
                "reliability_empirical", "reliability_analytic", "unreliability_analytic",
                "z_score", "reliability_p_value", "attribution_chi2", "attribution_dof",
                "attribution_p_value")
FAILURE_COLUMNS = {
    1: ("point", "request", "component"),
    2: ("point", "request", "component", "kind", "attempts", "common_cause"),
}

# Counts and indices (read as int64); every other numeric column is float64, text stays text.
_INTEGER_COLUMNS = frozenset({"point", "component", "kind", "failures", "requests", "attempts",
                              "attribution_dof",
                              # layout 3 (time sweeps)
                              "event", "occurrences", "outages", "failed", "failed_outage"})
_TEXT_COLUMNS = frozenset({"name"})


def column_order(columns: Columns, what: str) -> list[str]:
    """The table's columns in the order of its `columns` attribute (or the group's order)."""
    a = Attributes(columns.group, columns.path, "attribute", of=columns.name)
    if "columns" in a:
        return [c for c in a.string("columns").split(",") if c]
    with reading(columns.path, f"the group {columns.name}"):
        return list(columns.group)


class PointTable:
    """One per-point table of layout 2 (point_components, point_kinds or point_failures) and its
    offsets, checked against the points table when made.

    `index` names the column that counts rows within a point ("component", "kind"; None for
    the failure table); `rows_per_point` (optional) is the number of rows each finished point
    must have (its components, or its failures)."""

    def __init__(self, file: h5py.File, name: str, path: str, points: pd.DataFrame,
                 required: tuple[str, ...], *, per: str, index: str | None,
                 rows_per_point: np.ndarray | None = None):
        self.path = path
        self.name = name
        self.per = per
        self.index = index
        self.required = frozenset(required)
        self.columns = Columns(file, name, path, "nines sweep file")
        self.order = column_order(self.columns, f"/{name}")
        missing = [c for c in required if c not in self.order or c not in self.columns]
        if missing:
            raise DamagedFileError(path, f"the table /{name} lacks the column"
                                   f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        n = len(points)
        offsets = Columns(file, "offsets", path, "nines sweep file").numbers(
            name, np.int64, length=n + 1, per="point, plus one")
        if offsets[0] != 0:
            raise DamagedFileError(path, f"/offsets/{name}[0] is {offsets[0]:,}, not 0")
        counts = np.diff(offsets)
        if (counts < 0).any():
            i = int(np.flatnonzero(counts < 0)[0])
            raise DamagedFileError(path, f"/offsets/{name} decreases from {offsets[i]:,} to "
                                   f"{offsets[i + 1]:,} at point {i} (offsets never decrease)")
        self.offsets = offsets
        self.counts = counts
        self.rows = int(offsets[-1])
        self._block: dict[str, np.ndarray] | None = None
        self._block_rows = (0, 0)
        self.datasets = {c: self.columns.dataset(c, length=self.rows, per=per)
                         for c in self.order}
        done = points["done"].to_numpy(dtype=bool)
        wrong = np.flatnonzero(~done & (counts != 0))
        if wrong.size:
            i = int(wrong[0])
            raise DamagedFileError(path, f"point {i} has not been simulated but /offsets/{name} "
                                   f"gives it {counts[i]:,} rows of /{name}")
        if rows_per_point is not None:
            expected = np.where(done, np.asarray(rows_per_point, dtype=np.int64), 0)
            wrong = np.flatnonzero(counts != expected)
            if wrong.size:
                i = int(wrong[0])
                raise DamagedFileError(path, f"/offsets/{name} gives point {i} {counts[i]:,} "
                                       f"rows of /{name}, but the points table says it has "
                                       f"{expected[i]:,} ({per}s)")
        else:
            wrong = np.flatnonzero(done & (counts == 0))
            if wrong.size:
                i = int(wrong[0])
                raise DamagedFileError(path, f"point {i} is done but /offsets/{name} gives it "
                                       f"no rows of /{name}")

    def bounds(self, i: int) -> tuple[int, int]:
        """Point i's rows: [start, stop)."""
        return int(self.offsets[i]), int(self.offsets[i + 1])

    def point_rows(self, i: int) -> dict[str, np.ndarray]:
        """Point i's rows of every column, checked. Read in blocks of at least one HDF5 chunk
        starting at the point, kept until a point outside them is asked for: walking the
        points in order reads each chunk once, whatever the number of points."""
        start, stop = self.bounds(i)
        low, high = self._block_rows
        if self._block is None or not low <= start <= stop <= high:
            high = min(self.rows, max(stop, start + self.block_length))
            self._block = self.read(start, high)
            low = start
            self._block_rows = (low, high)
        return {c: v[start - low:stop - low] for c, v in self._block.items()}

    @property
    def block_length(self) -> int:
        """Rows read at a time by point_rows(): the table's chunk length (nines writes 65536)."""
        with reading(self.path, f"the table /{self.name}"):
            chunks = [d.chunks[0] for d in self.datasets.values() if d.chunks]
        return max([1 << 12, *chunks])

    def read(self, start: int = 0, stop: int | None = None) -> dict[str, np.ndarray]:
        """Rows [start, stop) of every column (default: the whole table), checked: the point
        column names the points the offsets give those rows to, and the index column counts
        0, 1, ... within each point."""
        stop = self.rows if stop is None else stop
        rows = (start, stop)
        values = {}
        for c in self.order:
            dataset = self.datasets[c]
            with reading(self.path, f"/{self.name}/{c}"):
                text = h5py.check_string_dtype(dataset.dtype) is not None or \
                    dataset.dtype.kind in "SO"
            # A column this package does not know (a newer engine's) may hold text; a known
            # numeric column holding text is damage, which numbers() reports.
            if c in _TEXT_COLUMNS or (text and c not in self.required):
                values[c] = np.array(self.columns.strings(c, rows=rows), dtype=object)
            elif c in _INTEGER_COLUMNS:
                values[c] = self.columns.numbers(c, np.int64, rows=rows)
            else:
                values[c] = self.columns.numbers(c, np.float64, rows=rows)
        self._check_rows(values, start, stop)
        return values

    def _owners(self, start: int, stop: int) -> np.ndarray:
        """The point each row in [start, stop) belongs to, by the offsets."""
        return np.searchsorted(self.offsets, np.arange(start, stop), side="right") - 1

    def _check_rows(self, values: dict[str, np.ndarray], start: int, stop: int) -> None:
        if stop <= start:
            return
        owners = self._owners(start, stop)
        wrong = np.flatnonzero(values["point"] != owners)
        if wrong.size:
            r = int(wrong[0])
            raise DamagedFileError(self.path, f"/{self.name}/point[{start + r}] is "
                                   f"{values['point'][r]}, but /offsets/{self.name} gives that "
                                   f"row to point {owners[r]}")
        if self.index is not None:
            expected = np.arange(start, stop) - self.offsets[owners]
            wrong = np.flatnonzero(values[self.index] != expected)
            if wrong.size:
                r = int(wrong[0])
                raise DamagedFileError(self.path, f"/{self.name}/{self.index}[{start + r}] is "
                                       f"{values[self.index][r]}, expected {expected[r]} (the "
                                       f"{self.index}s of point {owners[r]} count from 0)")

    def sums(self, values: dict[str, np.ndarray], column: str) -> np.ndarray:
        """Per point, the sum of `column` over its rows (values read whole)."""
        totals = np.zeros(len(self.counts), dtype=np.int64)
        np.add.at(totals, values["point"], values[column])
        return totals

    def lazy(self, column: str, *, window: tuple[int, int] | None = None,
             valid: tuple[int | None, int | None] | None = None) -> LazyArray:
        return LazyArray(self.datasets[column], self.path, valid=valid, window=window,
                         bounded_by="the points table")


class SweepFailures:
    """Failed requests of a sweep (layout 2, --record-requests): every point's, or one point's
    (`point` given), read lazily from /point_failures. Columns (LazyArray): point, request,
    component (chains: the first failure; structures: the primary culprit) and, for
    structures, kind, attempts and common_cause; `culprit` is `component` under the name a
    structure run uses. failures[a:b] is a DataFrame, iter_chunks() yields (requests,
    components) blocks as Run.failures does, so a point's failures work where a run's do.

    Every block read is checked: the point column names the point(s) the offsets give the rows
    to, request indices lie inside the point's requests and increase within a point, and the
    codes name a component or kind of the point."""

    def __init__(self, table: PointTable, *, structure: bool, point: int | None,
                 requests: int, components: int, kinds: int | None = None,
                 component_names: list[str] | None = None):
        self.path = table.path
        self._names = component_names  # one point's: its frames name the component
        self._table = table
        self.point_index = point
        window = table.bounds(point) if point is not None else None
        self.COLUMNS = FAILURE_COLUMNS[2 if structure else 1]
        points_valid = (point, point) if point is not None else (0, len(table.counts) - 1)
        valid = {"point": points_valid, "request": (0, requests - 1),
                 "component": (0, components - 1),
                 "kind": (0, kinds - 1 if kinds is not None else None),
                 "attempts": (1, None), "common_cause": (-1, None)}
        for c in self.COLUMNS:
            setattr(self, c, table.lazy(c, window=window, valid=valid[c]))
        if structure:
            self.culprit = self.component

    def __len__(self) -> int:
        return len(self.request)

    @property
    def chunk_length(self) -> int:
        return self.request.chunk_length

    def _block(self, start: int, stop: int) -> dict[str, np.ndarray]:
        """Rows [start, stop) of every column, the point column checked against the offsets."""
        values = {c: getattr(self, c)[start:stop] for c in self.COLUMNS}
        offset = self.request.offset
        self._table._check_rows({"point": values["point"].astype(np.int64)}, offset + start,
                                offset + stop)
        return values

    def __getitem__(self, key) -> pd.DataFrame:
        """failures[a:b] -> DataFrame of the columns (the point column only when the table
        holds every point's failures)."""
        if not isinstance(key, slice):
            raise TypeError("slice the failures, e.g. point.failures[:100]")
        start, stop, step = key.indices(len(self))
        if step != 1:
            frame = self[min(start, stop):max(start, stop)] if step > 0 else \
                self[stop + 1:start + 1]
            return frame.iloc[::step if step > 0 else step].reset_index(drop=True)
        values = self._block(start, max(start, stop))
        if self.point_index is not None:
            values.pop("point")
        frame = pd.DataFrame(values)
        frame.index = pd.RangeIndex(start, start + len(frame))
        if self._names is not None:
            frame["component_name"] = category_of_codes(frame["component"].to_numpy(),
                                                        self._names, None)
        return frame

    def iter_chunks(self, chunk: int | None = None
                    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield (request indices, components) blocks of at most `chunk` failures (default: one
        HDF5 chunk), checking the point column and that the request indices increase within
        each point."""
        for _, values in self.iter_blocks(chunk):
            yield values["request"], values["component"]

    iter_failures = iter_chunks

    def iter_blocks(self, chunk: int | None = None) -> Iterator[tuple[int, dict]]:
        """Yield (start, {column: values}) blocks, checked as iter_chunks does."""
        step = self.chunk_length if chunk is None else int(chunk)
        if step <= 0:
            raise ValueError("chunk must be positive")
        last, last_point = -1, -1
        for start in range(0, len(self), step):
            stop = min(start + step, len(self))
            values = self._block(start, stop)
            points = values["point"].astype(np.int64)
            # Request indices restart at each point: check them point by point.
            cuts = np.flatnonzero(np.diff(points)) + 1
            for piece_start, piece_stop in zip(np.r_[0, cuts], np.r_[cuts, len(points)]):
                if points[piece_start] != last_point:
                    last, last_point = -1, int(points[piece_start])
                last = check_increasing(values["request"][piece_start:piece_stop], last,
                                        self.request, start + int(piece_start))
            yield start, values

    def __repr__(self) -> str:
        whose = f"point {self.point_index}" if self.point_index is not None else "every point"
        return f"<SweepFailures of {whose}: {len(self)} failed requests (lazy)>"
