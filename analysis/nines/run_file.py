"""Reading a run file (HDF5 layout v1, root attribute format = "nines-run").

Opening reads only the root attributes and /components, so it costs the same for 1e3 and 1e9
requests. Per-request outcomes stay in the file and are read chunk by chunk when asked for.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Iterator

import h5py
import numpy as np
import pandas as pd

from . import analytic
from .errors import FormatError, RecordError

RUN_FORMAT = "nines-run"
RUN_FORMAT_VERSION = 1

__all__ = ["Run", "Metadata", "RunSummary", "Outcomes", "Failures", "LazyArray"]


def text(value) -> str:
    """h5py hands variable-length strings back as str or bytes depending on how they were
    written; nines always writes UTF-8."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return text(value[()])
    return str(value)


@dataclasses.dataclass(frozen=True)
class Metadata:
    """What was run, by which engine, when."""
    path: str
    format: str
    format_version: int
    nines_version: str
    scenario_name: str
    scenario_yaml: str
    scenario_sha256: str
    seed: int
    requests: int
    record: str
    chunk_requests: int
    created: str
    sampler: str | None = None  # "per-request" or "geometric-skip", when the engine says


@dataclasses.dataclass(frozen=True)
class RunSummary(analytic.Summary):
    """The engine's conclusions as stored in the file (the root attributes), plus the units
    derived from them (nines, DPMO, sigma level) as properties."""

    @property
    def successes(self) -> int:
        return self.requests - self.failures


def _require(attrs, key: str, path: str):
    if key not in attrs:
        raise FormatError(f"{path} is a nines run file but lacks the root attribute '{key}'")
    return attrs[key]


class LazyArray:
    """A one-dimensional dataset read only where sliced: a[i], a[a:b], a[a:b:step], len(a)."""

    def __init__(self, dataset: h5py.Dataset):
        self._dataset = dataset

    def __len__(self) -> int:
        return int(self._dataset.shape[0])

    @property
    def dtype(self) -> np.dtype:
        return self._dataset.dtype

    @property
    def chunk_length(self) -> int:
        """Elements per HDF5 chunk: the natural unit to read in."""
        chunks = self._dataset.chunks
        return int(chunks[0]) if chunks else max(1, min(len(self), 1 << 20))

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self))
            if step < 0:
                # h5py refuses negative steps; read the covered range and reverse it.
                if start <= stop:
                    return self._dataset[0:0]
                return self._dataset[stop + 1:start + 1][::-1][::-step]
            if start >= stop:
                return self._dataset[0:0]
            return self._dataset[start:stop:step]
        if isinstance(key, (int, np.integer)):
            i = int(key)
            if i < 0:
                i += len(self)
            if not 0 <= i < len(self):
                raise IndexError(f"index {key} out of range for {len(self)} elements")
            return self._dataset[i]
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
            yield start, self._dataset[start:min(start + step, length)]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {len(self)} {self.dtype} (lazy)>"


class Outcomes(LazyArray):
    """Per-request outcomes of a dense run: -1 = the request succeeded, k >= 0 = component k
    was the first to fail."""

    def __init__(self, dataset: h5py.Dataset, component_names: list[str]):
        super().__init__(dataset)
        self._names = component_names

    def bincount(self, chunk: int | None = None) -> np.ndarray:
        """Counts of outcomes -1, 0, ..., K-1 (index 0 is the successes), read chunk by chunk:
        memory is bounded by one chunk whatever the number of requests."""
        total = np.zeros(len(self._names) + 1, dtype=np.int64)
        for _, block in self.iter_chunks(chunk):
            total += np.bincount(block.astype(np.int64) + 1, minlength=total.size)[:total.size]
        return total

    def value_counts(self, chunk: int | None = None) -> pd.Series:
        """Requests per outcome as a Series indexed by outcome code (-1 = success, else the
        component index); run.components.name maps the codes to names."""
        counts = self.bincount(chunk)
        index = pd.Index(np.arange(-1, len(self._names)), name="failed_component")
        return pd.Series(counts, index=index, name="requests")

    def iter_failures(self, chunk: int | None = None
                      ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield (request indices, components) of the failed requests, chunk by chunk."""
        for start, block in self.iter_chunks(chunk):
            where = np.flatnonzero(block >= 0)
            yield where.astype(np.uint64) + np.uint64(start), block[where]


class Failures:
    """The failed requests of a run recorded with --record failures: `request` (increasing
    request indices) and `component` (first failing component), both lazy."""

    def __init__(self, requests: h5py.Dataset, components: h5py.Dataset):
        self.request = LazyArray(requests)
        self.component = LazyArray(components)
        if len(self.request) != len(self.component):
            raise FormatError("/failures/request and /failures/component differ in length")

    def __len__(self) -> int:
        return len(self.request)

    def __getitem__(self, key) -> pd.DataFrame:
        if not isinstance(key, slice):
            raise TypeError("slice the failures, e.g. run.failures[:100]")
        return pd.DataFrame({"request": self.request[key], "component": self.component[key]})

    def iter_chunks(self, chunk: int | None = None
                    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield (request indices, components) blocks of at most `chunk` failures."""
        step = self.request.chunk_length if chunk is None else int(chunk)
        for start in range(0, len(self), step):
            stop = min(start + step, len(self))
            yield self.request[start:stop], self.component[start:stop]

    iter_failures = iter_chunks

    def __repr__(self) -> str:
        return f"<Failures: {len(self)} failed requests (lazy)>"


class Run:
    """An opened run file. Use as a context manager or call close()."""

    def __init__(self, path: str | os.PathLike, file: h5py.File | None = None):
        self.path = os.fspath(path)
        self._file = file if file is not None else h5py.File(self.path, "r")
        try:
            self._load()
        except Exception:
            self._file.close()
            raise

    def _load(self) -> None:
        self.metadata = self._read_metadata()
        self.summary = self._read_summary()
        self._read_layout()

    def _read_metadata(self) -> Metadata:
        a = self._file.attrs
        p = self.path
        return Metadata(
            path=p,
            format=text(_require(a, "format", p)),
            format_version=int(_require(a, "format_version", p)),
            nines_version=text(_require(a, "nines_version", p)),
            scenario_name=text(_require(a, "scenario_name", p)),
            scenario_yaml=text(_require(a, "scenario_yaml", p)),
            scenario_sha256=text(_require(a, "scenario_sha256", p)),
            seed=int(_require(a, "seed", p)),
            requests=int(_require(a, "requests", p)),
            record=text(_require(a, "record", p)),
            chunk_requests=int(_require(a, "chunk_requests", p)),
            created=text(_require(a, "created", p)),
            sampler=text(a["sampler"]) if "sampler" in a else None,
        )

    def _summary_fields(self) -> dict:
        """The root attributes shared by every run-file version (for structure runs: the mix)."""
        a = self._file.attrs
        p = self.path
        f = lambda key: float(_require(a, key, p))  # noqa: E731
        return dict(
            requests=self.metadata.requests,
            failures=int(_require(a, "failures", p)),
            reliability_empirical=f("reliability_empirical"),
            reliability_analytic=f("reliability_analytic"),
            unreliability_empirical=f("unreliability_empirical"),
            unreliability_analytic=f("unreliability_analytic"),
            reliability_ci_low=f("reliability_ci_low"),
            reliability_ci_high=f("reliability_ci_high"),
            ci_level=f("ci_level"),
            z_score=f("z_score"),
            z_p_value=f("z_p_value"),
            # Files from before nines 0.2 lack it: the same test, computed here.
            reliability_p_value=(f("reliability_p_value") if "reliability_p_value" in a else
                                 analytic.binomial_two_sided_p_value(
                                     int(_require(a, "failures", p)), self.metadata.requests,
                                     f("unreliability_analytic"))),
            attribution_chi2=f("attribution_chi2"),
            attribution_dof=int(_require(a, "attribution_dof", p)),
            attribution_p_value=f("attribution_p_value"),
            agrees=bool(_require(a, "agrees", p)),
            verdict=text(_require(a, "verdict", p)),
        )

    def _read_summary(self) -> RunSummary:
        return RunSummary(**self._summary_fields())

    def _read_layout(self) -> None:
        """Layout v1: /components and the per-request record."""
        p = self.path
        if "components" not in self._file:
            raise FormatError(f"{p} is a nines run file but has no /components group")
        g = self._file["components"]
        columns = {}
        for key in ("name", "reliability", "failures", "expected_failures",
                    "first_failure_probability"):
            if key not in g:
                raise FormatError(f"{p} is a nines run file but lacks /components/{key}")
            columns[key] = g[key][...]
        names = [text(n) for n in columns["name"]]
        frame = pd.DataFrame({
            "name": names,
            "reliability": columns["reliability"].astype(np.float64),
            "failures": columns["failures"].astype(np.int64),
            "expected_failures": columns["expected_failures"].astype(np.float64),
            "first_failure_probability":
                columns["first_failure_probability"].astype(np.float64),
        })
        total = self.summary.failures
        frame["share"] = frame["failures"] / total if total > 0 else np.nan
        frame.index.name = "component"
        self.components = frame

        record = self.metadata.record
        self._outcomes = None
        self._failures = None
        if record == "dense":
            if "requests/failed_component" not in self._file:
                raise FormatError(f"{p} says record=dense but has no /requests/failed_component")
            self._outcomes = Outcomes(self._file["requests/failed_component"], names)
        elif record == "failures":
            if "failures/request" not in self._file or "failures/component" not in self._file:
                raise FormatError(f"{p} says record=failures but lacks /failures/request or "
                                  "/failures/component")
            self._failures = Failures(self._file["failures/request"],
                                      self._file["failures/component"])
        elif record != "none":
            raise FormatError(f"{p} has record={record!r}; expected dense, failures or none")

    # -- per-request data ---------------------------------------------------------------------

    @property
    def outcomes(self) -> Outcomes:
        """Per-request outcomes (dense runs only), read lazily."""
        if self._outcomes is None:
            raise RecordError(
                f"{self.path} was recorded with --record {self.metadata.record}: it has no "
                "per-request outcomes (run with --record dense to keep them)")
        return self._outcomes

    @property
    def failures(self) -> Failures:
        """The failed requests (runs recorded with --record failures), read lazily. For dense
        runs use run.iter_failures(), which works for both."""
        if self._failures is None:
            raise RecordError(
                f"{self.path} was recorded with --record {self.metadata.record}: it has no "
                "/failures group (run with --record failures to keep only the failed requests)")
        return self._failures

    @property
    def has_request_records(self) -> bool:
        return self._outcomes is not None or self._failures is not None

    def iter_failures(self, chunk: int | None = None
                      ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(request indices, components) of the failed requests, block by block, from either
        a dense or a failures record."""
        if self._outcomes is not None:
            return self._outcomes.iter_failures(chunk)
        return self.failures.iter_chunks(chunk)

    def running_failures(self, points) -> np.ndarray:
        """Failures among the first n requests for each n in `points` (increasing, 1..requests),
        from the per-request record in one bounded-memory pass."""
        points = np.asarray(points, dtype=np.int64)
        if points.ndim != 1 or np.any(np.diff(points) < 0):
            raise ValueError("points must be a one-dimensional increasing sequence")
        if points.size and (points[0] < 0 or points[-1] > self.metadata.requests):
            raise ValueError(f"points must lie in [0, {self.metadata.requests}]")
        result = np.zeros(points.size, dtype=np.int64)
        if self._outcomes is not None:
            seen = 0  # failures before this block
            for start, block in self._outcomes.iter_chunks():
                failed = block >= 0
                # Points n with start < n <= start + size end inside this block (n = 0 stays 0).
                lo, hi = np.searchsorted(points, [start, start + block.size], side="right")
                if hi > lo:
                    running = np.concatenate([[0], np.cumsum(failed, dtype=np.int64)])
                    result[lo:hi] = seen + running[points[lo:hi] - start]
                seen += int(np.count_nonzero(failed))
            return result
        # Failure request indices increase: failures among the first n = #{index < n}, summed
        # over the blocks of the record (raises for runs recorded with --record none).
        for requests, _ in self.failures.iter_chunks():
            result += np.searchsorted(requests.astype(np.int64), points, side="left")
        return result

    # -- the analytic model -------------------------------------------------------------------

    def recompute_summary(self) -> analytic.Summary:
        """The summary recomputed in Python from /components alone (see nines.analytic)."""
        return analytic.summarize(self.components["reliability"].to_numpy(),
                                  self.metadata.requests,
                                  self.components["failures"].to_numpy(),
                                  self.summary.ci_level)

    # -- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        m, s = self.metadata, self.summary
        return (f"<nines.Run {m.scenario_name!r}: {m.requests} requests, {s.failures} failures, "
                f"record={m.record}, R={s.reliability_empirical:.6g} "
                f"(analytic {s.reliability_analytic:.6g})>")
