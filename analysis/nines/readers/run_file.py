"""Reading a run file (HDF5 layout v1, root attribute format = "nines-run", format_version 1).

Opening reads only the root attributes and /components, so it costs the same for 1e3 and 1e9
requests, and checks them against each other: one entry per component in every /components
dataset, per-component failures adding up to the run's, and a per-request record as long as
the summary says. Per-request outcomes stay in the file and are read chunk by chunk when asked
for; every value read is checked against the summary (an outcome names a component or -1).
Anything wrong raises DamagedFileError naming the file.
"""
from __future__ import annotations

import dataclasses
from typing import Iterator

import h5py
import numpy as np
import pandas as pd

from ..errors import DamagedFileError, RecordError
from ..stats import analytic
from .export import ToXarray
from .hdf5 import Attributes, Columns, OpenedFile, text
from .lazy import LazyArray, category_of_codes, failure_blocks

RUN_FORMAT = "nines-run"
RUN_FORMAT_VERSION = 1

__all__ = ["Run", "Metadata", "RunSummary", "Outcomes", "Failures", "LazyArray", "text",
           "RUN_FORMAT", "RUN_FORMAT_VERSION"]


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


class Outcomes(LazyArray):
    """Per-request outcomes of a dense run: -1 = the request succeeded, k >= 0 = component k
    was the first to fail."""

    def __init__(self, dataset: h5py.Dataset, component_names: list[str],
                 path: str | None = None):
        super().__init__(dataset, path, valid=(-1, len(component_names) - 1))
        self._names = component_names

    def bincount(self, chunk: int | None = None) -> np.ndarray:
        """Counts of outcomes -1, 0, ..., K-1 (index 0 is the successes), read chunk by chunk:
        memory is bounded by one chunk whatever the number of requests."""
        total = np.zeros(len(self._names) + 1, dtype=np.int64)
        for _, block in self.iter_chunks(chunk):
            total += np.bincount(block.astype(np.int64) + 1, minlength=total.size)
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
    request indices) and `component` (first failing component), both lazy. Made by the
    readers, which check that both are as long as the number of failures."""

    def __init__(self, requests: h5py.Dataset, components: h5py.Dataset, *,
                 path: str | None = None, n_requests: int | None = None,
                 n_components: int | None = None, component_names: list[str] | None = None):
        self.request = LazyArray(requests, path, valid=(
            0, n_requests - 1 if n_requests is not None else None))
        self.component = LazyArray(components, path, valid=(
            0, n_components - 1 if n_components is not None else None))
        self.path = self.request.path
        self._names = component_names
        if len(self.request) != len(self.component):
            raise DamagedFileError(self.path, f"{self.request.name} has {len(self.request):,} "
                                   f"entries but {self.component.name} "
                                   f"{len(self.component):,}")

    def __len__(self) -> int:
        return len(self.request)

    def __getitem__(self, key) -> pd.DataFrame:
        if not isinstance(key, slice):
            raise TypeError("slice the failures, e.g. run.failures[:100]")
        frame = pd.DataFrame({"request": self.request[key], "component": self.component[key]})
        if self._names is not None:  # the component's name, as a category beside its index
            frame["component_name"] = category_of_codes(frame["component"].to_numpy(),
                                                        self._names, None)
        return frame

    def iter_chunks(self, chunk: int | None = None
                    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield (request indices, components) blocks of at most `chunk` failures, checking
        that the request indices increase."""
        return failure_blocks(self.request, self.component, chunk)

    iter_failures = iter_chunks

    def __repr__(self) -> str:
        return f"<Failures: {len(self)} failed requests (lazy)>"


class Run(ToXarray, OpenedFile):
    """An opened run file. Use as a context manager or call close()."""

    # What messages call the file ("... is a nines run file but ...").
    _kind = "nines run file"

    def _load(self) -> None:
        self._attrs = Attributes(self._file, self.path, of=f"a {self._kind}")
        self.metadata = self._read_metadata()
        self.summary = self._read_summary()
        self._read_layout()

    def _read_metadata(self) -> Metadata:
        a = self._attrs
        return Metadata(
            path=self.path,
            format=a.string("format"),
            format_version=a.integer("format_version"),
            nines_version=a.string("nines_version"),
            scenario_name=a.string("scenario_name"),
            scenario_yaml=a.string("scenario_yaml"),
            scenario_sha256=a.string("scenario_sha256"),
            seed=a.integer("seed", minimum=0),
            requests=a.integer("requests", minimum=1),
            record=a.string("record"),
            chunk_requests=a.integer("chunk_requests", minimum=1),
            created=a.string("created"),
            sampler=a.string("sampler", None),
        )

    def _summary_fields(self) -> dict:
        """The root attributes shared by every run-file version (for structure runs: the mix)."""
        a = self._attrs
        requests = self.metadata.requests
        failures = a.integer("failures", minimum=0)
        if failures > requests:
            raise DamagedFileError(self.path, f"the root attribute 'failures' is {failures:,}, "
                                   f"more than the {requests:,} requests")
        unreliability = a.real("unreliability_analytic")
        # Files from before nines 0.2 lack it: the same test, computed here.
        p_value = a.real("reliability_p_value", None)
        if p_value is None:
            p_value = analytic.binomial_two_sided_p_value(failures, requests, unreliability)
        return dict(
            requests=requests,
            failures=failures,
            reliability_empirical=a.real("reliability_empirical"),
            reliability_analytic=a.real("reliability_analytic"),
            unreliability_empirical=a.real("unreliability_empirical"),
            unreliability_analytic=unreliability,
            reliability_ci_low=a.real("reliability_ci_low"),
            reliability_ci_high=a.real("reliability_ci_high"),
            ci_level=a.real("ci_level"),
            z_score=a.real("z_score"),
            z_p_value=a.real("z_p_value"),
            reliability_p_value=p_value,
            attribution_chi2=a.real("attribution_chi2"),
            attribution_dof=a.integer("attribution_dof", minimum=0),
            attribution_p_value=a.real("attribution_p_value"),
            agrees=a.flag("agrees"),
            verdict=a.string("verdict"),
        )

    def _read_summary(self) -> RunSummary:
        return RunSummary(**self._summary_fields())

    def _check_record(self) -> str:
        record = self.metadata.record
        if record not in ("dense", "failures", "none"):
            raise DamagedFileError(self.path, f"the root attribute 'record' is {record!r}; "
                                   "expected dense, failures or none")
        return record

    def _read_layout(self) -> None:
        """Layout v1: /components and the per-request record."""
        p = self.path
        g = Columns(self._file, "components", p, self._kind)
        names = g.strings("name")
        n = len(names)
        per = "component"
        frame = pd.DataFrame({
            "name": names,
            "reliability": g.numbers("reliability", np.float64, length=n, per=per),
            "failures": g.numbers("failures", np.int64, length=n, per=per),
            "expected_failures": g.numbers("expected_failures", np.float64, length=n, per=per),
            "first_failure_probability":
                g.numbers("first_failure_probability", np.float64, length=n, per=per),
        })
        total = self.summary.failures
        counted = int(frame["failures"].sum())
        if counted != total:
            raise DamagedFileError(p, f"/components/failures adds up to {counted:,} failures "
                                   f"but the root attribute 'failures' says {total:,}")
        frame["share"] = frame["failures"] / total if total > 0 else np.nan
        frame.index.name = "component"
        self.components = frame

        record = self._check_record()
        requests = self.metadata.requests
        self._outcomes = None
        self._failures = None
        if record == "dense":
            r = Columns(self._file, "requests", p, f"{self._kind} (record=dense)")
            dataset = r.dataset("failed_component", length=requests, per="request")
            self._outcomes = Outcomes(dataset, names, p)
        elif record == "failures":
            f = Columns(self._file, "failures", p, f"{self._kind} (record=failures)")
            self._failures = Failures(
                f.dataset("request", length=total, per="failed request"),
                f.dataset("component", length=total, per="failed request"),
                path=p, n_requests=requests, n_components=n, component_names=list(names))

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

    def __repr__(self) -> str:
        m, s = self.metadata, self.summary
        return (f"<nines.Run {m.scenario_name!r}: {m.requests} requests, {s.failures} failures, "
                f"record={m.record}, R={s.reliability_empirical:.6g} "
                f"(analytic {s.reliability_analytic:.6g})>")
