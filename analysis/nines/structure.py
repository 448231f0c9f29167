"""Reading a structure run (HDF5 layout v2, format = "nines-run", format_version = 2).

Structure runs simulate scenarios of format version 2: replicated components, k-of-n blocks,
several request kinds with weights and retries, and common-cause events. Their root attributes
hold the mix (all kinds together) under the v1 names, so `run.summary` reads as for a chain;
the rest lives in groups (engine/nines/structure_writer.cpp is the authoritative layout):

    /kinds/*            one row per request kind; culprit_failures / culprit_probability are
                        kinds x components matrices stored flat (attributes rows, columns)
    /components/*       one row per component replica, e.g. api[2]
    /common_cause/*     one row per common-cause event; takes_down is flat (takes_down_count)
    /importance/components/*, /importance/common_cause/*
    /requests/{kind,attempts,culprit,common_cause}                      (--record dense)
    /failures/{request,kind,attempts,culprit,common_cause,failed_set_size,failed_set}
                                                              (--record dense and failures)

The primary culprit of a failed request is the first component in path order whose failure
breaks the structure given the failed components before it; the failed set is every component
on the path that was down in the last attempt.
"""
from __future__ import annotations

import collections
import dataclasses
import math
from typing import Iterator

import h5py
import numpy as np
import pandas as pd

from . import analytic
from .errors import FormatError, RecordError
from .run_file import LazyArray, Run, RunSummary, text

STRUCTURE_FORMAT_VERSION = 2

__all__ = ["StructureRun", "StructureSummary", "Requests", "StructureFailures",
           "IMPORTANCE_MEASURES", "STRUCTURE_FORMAT_VERSION"]

# The importance measures the engine stores, analytic and (for components) simulated.
IMPORTANCE_MEASURES = ("improvement_potential", "birnbaum", "criticality", "fussell_vesely",
                       "raw", "rrw", "unreliability_if_perfect", "unreliability_if_failed")


@dataclasses.dataclass(frozen=True)
class StructureSummary(RunSummary):
    """The mix (every request kind together) as stored in the root attributes, plus what the
    structure verdict adds: the number of tests behind it and their Bonferroni level."""
    verdict_tests: int = 0
    verdict_test_alpha: float = math.nan
    analytic_method: str = ""
    bdd_nodes: int = 0


def _column(group: h5py.Group, key: str, path: str) -> np.ndarray:
    if key not in group:
        raise FormatError(f"{path} is a nines structure run file but lacks {group.name}/{key}")
    return group[key][...]


def _strings(values) -> list[str]:
    return [text(v) for v in values]


def _fixed2(x: float) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return "%.2f" % x


def _p_clause(p: float) -> str:
    """The engine's structure verdict writes p with "%#.2g"."""
    if math.isnan(p):
        return "p n/a"
    if p < 1e-300:
        return "p < 1e-300"
    return "p = %#.2g" % p


class Requests:
    """Per-request records of a dense structure run, all lazy: `kind` (index into run.kinds),
    `attempts` (1 + retries used), `culprit` (primary culprit component, -1 = success) and
    `common_cause` (first event on the path that fired, -1 = none)."""

    COLUMNS = ("kind", "attempts", "culprit", "common_cause")

    def __init__(self, group: h5py.Group, path: str):
        for key in self.COLUMNS:
            if key not in group:
                raise FormatError(f"{path} says record=dense but lacks /requests/{key}")
        self.kind = LazyArray(group["kind"])
        self.attempts = LazyArray(group["attempts"])
        self.culprit = LazyArray(group["culprit"])
        self.common_cause = LazyArray(group["common_cause"])
        lengths = {len(getattr(self, key)) for key in self.COLUMNS}
        if len(lengths) != 1:
            raise FormatError(f"{path}: the /requests datasets differ in length")

    def __len__(self) -> int:
        return len(self.kind)

    @property
    def chunk_length(self) -> int:
        return self.kind.chunk_length

    def __getitem__(self, key) -> pd.DataFrame:
        if not isinstance(key, slice):
            raise TypeError("slice the requests, e.g. run.requests[:100]")
        start, stop, step = key.indices(len(self))
        frame = pd.DataFrame({c: getattr(self, c)[key] for c in self.COLUMNS},
                             index=pd.RangeIndex(start, max(start, stop), step,
                                                 name="request")
                             if step > 0 else None)
        return frame

    def iter_chunks(self, chunk: int | None = None) -> Iterator[tuple[int, pd.DataFrame]]:
        """Yield (start, DataFrame) blocks of at most `chunk` requests (default: one HDF5
        chunk), so memory stays bounded whatever the number of requests."""
        step = self.chunk_length if chunk is None else int(chunk)
        if step <= 0:
            raise ValueError("chunk must be positive")
        for start in range(0, len(self), step):
            yield start, self[start:min(start + step, len(self))]

    def value_counts(self, column: str = "kind", chunk: int | None = None) -> pd.Series:
        """Requests per value of one column (kind, attempts, culprit or common_cause), counted
        chunk by chunk."""
        if column not in self.COLUMNS:
            raise ValueError(f"column must be one of {', '.join(self.COLUMNS)}")
        lazy: LazyArray = getattr(self, column)
        total: collections.Counter = collections.Counter()
        for _, block in lazy.iter_chunks(chunk):
            values, counts = np.unique(block, return_counts=True)
            total.update(dict(zip(values.tolist(), counts.tolist())))
        index = pd.Index(sorted(total), name=column)
        return pd.Series([total[v] for v in index], index=index, name="requests", dtype=np.int64)

    def iter_failures(self, chunk: int | None = None
                      ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(request indices, primary culprits) of the failed requests, chunk by chunk."""
        for start, block in self.culprit.iter_chunks(chunk):
            where = np.flatnonzero(block >= 0)
            yield where.astype(np.uint64) + np.uint64(start), block[where]

    def __repr__(self) -> str:
        return f"<Requests: {len(self)} requests x {', '.join(self.COLUMNS)} (lazy)>"


class StructureFailures:
    """The failed requests of a structure run (recorded with --record dense or failures), in
    request order: lazy columns request, kind, attempts, culprit, common_cause and
    failed_set_size, plus flat_sets (the dataset /failures/failed_set: every failed set
    concatenated, each in path order; failed_set(i) and failed_sets() cut it up)."""

    COLUMNS = ("request", "kind", "attempts", "culprit", "common_cause", "failed_set_size")
    # Up to this many components a failed set is counted as a 64-bit mask (vectorised); wider
    # models count tuples one by one.
    _mask_limit = 63

    def __init__(self, group: h5py.Group, component_names: list[str], path: str):
        for key in (*self.COLUMNS, "failed_set"):
            if key not in group:
                raise FormatError(f"{path} says record="
                                  "dense/failures but lacks /failures/" + key)
        for key in self.COLUMNS:
            setattr(self, key, LazyArray(group[key]))
        self.flat_sets = LazyArray(group["failed_set"])
        self._names = component_names
        self._offsets: np.ndarray | None = None
        if len({len(getattr(self, key)) for key in self.COLUMNS}) != 1:
            raise FormatError(f"{path}: the /failures datasets differ in length")

    def __len__(self) -> int:
        return len(self.request)

    # -- failed sets ---------------------------------------------------------------------------

    def offsets(self) -> np.ndarray:
        """Start of each failure's set in failed_set, plus the total at the end (read once from
        failed_set_size and cached: 8 bytes per failure)."""
        if self._offsets is None:
            offsets = np.zeros(len(self) + 1, dtype=np.int64)
            for start, block in self.failed_set_size.iter_chunks():
                offsets[start + 1:start + 1 + block.size] = block
            np.cumsum(offsets, out=offsets)
            if offsets[-1] != len(self.flat_sets):
                raise FormatError("/failures/failed_set_size does not add up to the length of "
                                  "/failures/failed_set")
            self._offsets = offsets
        return self._offsets

    def _decode(self, indices, names: bool):
        return tuple(self._names[i] for i in indices) if names else tuple(int(i) for i in indices)

    def failed_set(self, i: int, *, names: bool = True) -> tuple:
        """The components that were down in failure i's last attempt, in path order."""
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"failure {i} out of range for {n} failures")
        o = self.offsets()
        return self._decode(self.flat_sets[int(o[i]):int(o[i + 1])], names)

    def failed_sets(self, start: int = 0, stop: int | None = None, *, names: bool = True,
                    chunk: int | None = None) -> Iterator[tuple]:
        """Iterate over the failed sets of failures [start, stop), one tuple each (component
        names, or indices with names=False), reading a block of failures at a time.
        list(run.failures.failed_sets()) gives them all."""
        start, stop, _ = slice(start, stop).indices(len(self))
        o = self.offsets()
        step = self.failed_set_size.chunk_length if chunk is None else int(chunk)
        for a in range(start, stop, step):
            b = min(a + step, stop)
            base = int(o[a])
            values = self.flat_sets[base:int(o[b])]
            for i in range(a, b):
                yield self._decode(values[int(o[i]) - base:int(o[i + 1]) - base], names)

    def failed_together(self, *, kind: int | None = None, names: bool = True,
                        frame: bool = True, chunk: int | None = None):
        """Which components failed together? Counts the failed requests by their failed set
        (as a set: sorted by component index, so the same components down count together
        whichever kind's path they were on).

        frame=True (default): a DataFrame with columns components (tuple), size, failures and
        share (of all failures counted), most frequent first. frame=False: a Counter mapping
        each tuple to its count. `kind` restricts the count to one request kind (its index).
        The counts add up to the number of failures (of that kind).
        """
        counter: collections.Counter = collections.Counter()
        o = self.offsets()
        step = self.request.chunk_length if chunk is None else int(chunk)
        wide = len(self._names) > self._mask_limit
        for a in range(0, len(self), step):
            b = min(a + step, len(self))
            base = int(o[a])
            values = self.flat_sets[base:int(o[b])].astype(np.int64)
            starts = o[a:b] - base
            sizes = np.diff(o[a:b + 1])
            keep = np.ones(b - a, dtype=bool)
            if kind is not None:
                keep = self.kind[a:b] == kind
            if wide:  # more components than bits in a mask: one tuple at a time
                for i in np.flatnonzero(keep):
                    counter[tuple(sorted(values[starts[i]:starts[i] + sizes[i]].tolist()))] += 1
                continue
            bits = np.left_shift(np.uint64(1), values.astype(np.uint64))
            masks = np.zeros(b - a, dtype=np.uint64)
            nonempty = sizes > 0
            if values.size:
                masks[nonempty] = np.bitwise_or.reduceat(bits, starts[nonempty])
            unique, counts = np.unique(masks[keep], return_counts=True)
            for mask, count in zip(unique.tolist(), counts.tolist()):
                members = tuple(c for c in range(len(self._names)) if mask >> c & 1)
                counter[members] += count
        if names:
            counter = collections.Counter({tuple(self._names[c] for c in key): n
                                           for key, n in counter.items()})
        if not frame:
            return counter
        total = sum(counter.values())
        rows = sorted(counter.items(), key=lambda item: (-item[1], len(item[0]), item[0]))
        result = pd.DataFrame({
            "components": [key for key, _ in rows],
            "size": np.array([len(key) for key, _ in rows], dtype=np.int64),
            "failures": np.array([n for _, n in rows], dtype=np.int64),
        })
        result["share"] = result["failures"] / total if total else np.nan
        return result

    # -- blocks --------------------------------------------------------------------------------

    def __getitem__(self, key) -> pd.DataFrame:
        """failures[a:b] -> DataFrame with the columns and a failed_set column of name tuples."""
        if not isinstance(key, slice):
            raise TypeError("slice the failures, e.g. run.failures[:100]")
        start, stop, step = key.indices(len(self))
        frame = pd.DataFrame({c: getattr(self, c)[key] for c in self.COLUMNS})
        if step == 1:
            frame["failed_set"] = list(self.failed_sets(start, max(start, stop)))
        else:
            frame["failed_set"] = [self.failed_set(i) for i in range(start, stop, step)]
        return frame

    def iter_chunks(self, chunk: int | None = None
                    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(request indices, primary culprits) blocks of at most `chunk` failures: the same
        shape as a v1 run's Failures.iter_chunks, so convergence and pareto code works on both."""
        step = self.request.chunk_length if chunk is None else int(chunk)
        for start in range(0, len(self), step):
            stop = min(start + step, len(self))
            yield self.request[start:stop], self.culprit[start:stop]

    iter_failures = iter_chunks

    def __repr__(self) -> str:
        return f"<StructureFailures: {len(self)} failed requests (lazy)>"


class StructureRun(Run):
    """An opened structure run file (format_version 2). Shares metadata, summary, lifetime and
    the running-failure machinery with Run; adds kinds, components (replicas), common causes,
    importance measures and the culprit matrices."""

    # -- loading -------------------------------------------------------------------------------

    def _read_summary(self) -> StructureSummary:
        a = self._file.attrs
        return StructureSummary(
            **self._summary_fields(),
            verdict_tests=int(a["verdict_tests"]) if "verdict_tests" in a else 0,
            verdict_test_alpha=float(a["verdict_test_alpha"]) if "verdict_test_alpha" in a
            else math.nan,
            analytic_method=text(a["analytic_method"]) if "analytic_method" in a else "",
            bdd_nodes=int(a["bdd_nodes"]) if "bdd_nodes" in a else 0,
        )

    def _group(self, name: str) -> h5py.Group:
        if name not in self._file:
            raise FormatError(f"{self.path} is a nines structure run file but has no /{name} "
                              "group")
        return self._file[name]

    def _read_layout(self) -> None:
        p = self.path
        total = self.summary.failures

        # /components: one row per replica.
        g = self._group("components")
        names = _strings(_column(g, "name", p))
        n_components = len(names)
        frame = pd.DataFrame({
            "name": names,
            "declaration": _strings(_column(g, "declaration", p)),
            "replica": _column(g, "replica", p).astype(np.int64),
            "reliability": _column(g, "reliability", p).astype(np.float64),
            "retries": _column(g, "retries", p).astype(np.int64),
            "effective_reliability": _column(g, "effective_reliability", p).astype(np.float64),
            "culprit_failures": _column(g, "culprit_failures", p).astype(np.int64),
            "expected_culprit_failures":
                _column(g, "expected_culprit_failures", p).astype(np.float64),
            "culprit_probability": _column(g, "culprit_probability", p).astype(np.float64),
        })
        frame["share"] = frame["culprit_failures"] / total if total > 0 else np.nan
        frame.index.name = "component"
        self.components = frame
        self._names = names

        # /kinds: one row per request kind, and the kinds x components culprit matrices.
        g = self._group("kinds")
        kind_names = _strings(_column(g, "name", p))
        kinds = pd.DataFrame({"name": kind_names,
                              "path": _strings(_column(g, "path", p))})
        for key, dtype in (("weight", np.float64), ("retries", np.int64),
                           ("requests", np.int64), ("failures", np.int64),
                           ("attempts", np.int64), ("retried", np.int64),
                           ("expected_attempts", np.float64),
                           ("attempt_unreliability_analytic", np.float64),
                           ("reliability_empirical", np.float64),
                           ("reliability_ci_low", np.float64),
                           ("reliability_ci_high", np.float64),
                           ("reliability_analytic", np.float64),
                           ("unreliability_empirical", np.float64),
                           ("unreliability_analytic", np.float64),
                           ("z_score", np.float64), ("z_p_value", np.float64),
                           ("attribution_chi2", np.float64), ("attribution_dof", np.int64),
                           ("attribution_p_value", np.float64), ("agrees", bool)):
            kinds[key] = _column(g, key, p).astype(dtype)
        # Files from before nines 0.2 lack the exact test: computed here the engine's way.
        kinds.insert(kinds.columns.get_loc("z_p_value") + 1, "reliability_p_value",
                     _column(g, "reliability_p_value", p).astype(np.float64)
                     if "reliability_p_value" in g else
                     [self._exact_p(r, f, u) for r, f, u in
                      zip(kinds["requests"], kinds["failures"], kinds["unreliability_analytic"])])
        weight_total = kinds["weight"].sum()
        kinds.insert(3, "traffic_share", kinds["weight"] / weight_total if weight_total > 0
                     else np.nan)
        kinds["failure_share"] = kinds["failures"] / total if total > 0 else np.nan
        kinds.index.name = "kind"
        self.kinds = kinds
        self._culprit = {}
        for key in ("culprit_failures", "culprit_probability"):
            data = _column(g, key, p)
            rows = int(g[key].attrs.get("rows", len(kind_names)))
            columns = int(g[key].attrs.get("columns", n_components))
            if (rows, columns) != (len(kind_names), n_components) or data.size != rows * columns:
                raise FormatError(f"{p}: /kinds/{key} is not a {len(kind_names)} x "
                                  f"{n_components} (kinds x components) matrix")
            matrix = pd.DataFrame(data.reshape(rows, columns),
                                  index=pd.Index(kind_names, name="kind"),
                                  columns=pd.Index(names, name="component"))
            self._culprit[key] = matrix.astype(np.int64 if key == "culprit_failures"
                                               else np.float64)

        # /common_cause: one row per event.
        g = self._group("common_cause")
        events = _strings(_column(g, "name", p))
        counts = _column(g, "takes_down_count", p).astype(np.int64)
        targets = _column(g, "takes_down", p).astype(np.int64)
        if counts.sum() != targets.size:
            raise FormatError(f"{p}: /common_cause/takes_down_count does not add up to the "
                              "length of /common_cause/takes_down")
        bounds = np.concatenate([[0], np.cumsum(counts)])
        self.common_cause = pd.DataFrame({
            "name": events,
            "probability": _column(g, "probability", p).astype(np.float64),
            "takes_down": [tuple(names[t] for t in targets[bounds[e]:bounds[e + 1]])
                           for e in range(len(events))],
            "takes_down_count": counts,
            "failures": _column(g, "failures", p).astype(np.int64),
        })
        self.common_cause["share"] = (self.common_cause["failures"] / total if total > 0
                                      else np.nan)
        self.common_cause.index.name = "event"

        # /importance: analytic and simulated, ranked by improvement potential.
        g = self._group("importance")
        comp = g["components"] if "components" in g else None
        if comp is None:
            raise FormatError(f"{p} lacks /importance/components")
        imp = pd.DataFrame({"name": names, "declaration": frame["declaration"]})
        for m in IMPORTANCE_MEASURES:
            imp[m] = _column(comp, m, p).astype(np.float64)
        for m in IMPORTANCE_MEASURES:
            for suffix in ("_simulated", "_simulated_low", "_simulated_high"):
                if m + suffix in comp:
                    imp[m + suffix] = comp[m + suffix][...].astype(np.float64)
        for key in ("fail_if_perfect", "fail_if_failed"):
            if key in comp:
                imp[key] = comp[key][...].astype(np.int64)
        imp.index.name = "component"
        self.importance = self._ranked(imp)
        events_importance = pd.DataFrame({"name": events})
        if "common_cause" in g:
            for m in IMPORTANCE_MEASURES:
                if m in g["common_cause"]:
                    events_importance[m] = g["common_cause"][m][...].astype(np.float64)
        events_importance.index.name = "event"
        self.common_cause_importance = self._ranked(events_importance)

        # Per-request records.
        record = self.metadata.record
        self._outcomes = None
        self._failures = None
        self._requests = None
        if record not in ("dense", "failures", "none"):
            raise FormatError(f"{p} has record={record!r}; expected dense, failures or none")
        if record == "dense":
            if "requests" not in self._file:
                raise FormatError(f"{p} says record=dense but has no /requests group")
            self._requests = Requests(self._file["requests"], p)
        if record in ("dense", "failures"):
            if "failures" not in self._file:
                raise FormatError(f"{p} says record={record} but has no /failures group")
            self._failures = StructureFailures(self._file["failures"], names, p)

    @staticmethod
    def _ranked(frame: pd.DataFrame) -> pd.DataFrame:
        """Sorted by analytic improvement potential, largest first (ties keep model order),
        with a 1-based rank column."""
        if "improvement_potential" not in frame:
            frame["rank"] = np.arange(1, len(frame) + 1)
            return frame
        ranked = frame.sort_values("improvement_potential", ascending=False, kind="mergesort")
        ranked.insert(1, "rank", np.arange(1, len(ranked) + 1))
        return ranked

    # -- culprits ------------------------------------------------------------------------------

    @property
    def culprit_failures(self) -> pd.DataFrame:
        """Failed requests per (kind, primary culprit): kinds as rows, components as columns.
        Column sums are components.culprit_failures; row sums are kinds.failures."""
        return self._culprit["culprit_failures"].copy()

    @property
    def culprit_probability(self) -> pd.DataFrame:
        """P(request fails and its primary culprit is c | kind), kinds x components (exact)."""
        return self._culprit["culprit_probability"].copy()

    @property
    def expected_culprit_failures(self) -> pd.DataFrame:
        """Expected failed requests per (kind, culprit): the kind's requests x probability."""
        return self._culprit["culprit_probability"].mul(self.kinds["requests"].to_numpy(),
                                                        axis=0)

    def culprits(self, kind: str | int | None = None) -> pd.DataFrame:
        """Per component: observed culprit failures, expected ones, probability and share, for
        one request kind (name or index) or for the whole mix (kind=None). The frame pareto()
        draws."""
        base = self.components[["name", "declaration"]].copy()
        if kind is None:
            base["culprit_failures"] = self.components["culprit_failures"]
            base["expected_culprit_failures"] = self.components["expected_culprit_failures"]
            base["culprit_probability"] = self.components["culprit_probability"]
            requests = self.metadata.requests
        else:
            row = self._kind_index(kind)
            base["culprit_failures"] = self._culprit["culprit_failures"].iloc[row].to_numpy()
            base["culprit_probability"] = \
                self._culprit["culprit_probability"].iloc[row].to_numpy()
            requests = int(self.kinds["requests"].iloc[row])
            base["expected_culprit_failures"] = requests * base["culprit_probability"]
        total = base["culprit_failures"].sum()
        base["share"] = base["culprit_failures"] / total if total > 0 else np.nan
        base.attrs["requests"] = requests
        base.attrs["ci_level"] = self.summary.ci_level
        return base

    def _kind_index(self, kind: str | int) -> int:
        if isinstance(kind, (int, np.integer)):
            if not 0 <= int(kind) < len(self.kinds):
                raise IndexError(f"kind {kind} out of range for {len(self.kinds)} kinds")
            return int(kind)
        matches = np.flatnonzero(self.kinds["name"].to_numpy() == kind)
        if not matches.size:
            raise KeyError(f"no request kind named {kind!r} (kinds: "
                           f"{', '.join(self.kinds['name'])})")
        return int(matches[0])

    # -- per-request data ----------------------------------------------------------------------

    @property
    def requests(self) -> Requests:
        """Per-request records (dense runs only), read lazily."""
        if self._requests is None:
            raise RecordError(
                f"{self.path} was recorded with --record {self.metadata.record}: it has no "
                "per-request records (run with --record dense to keep them)")
        return self._requests

    @property
    def outcomes(self):
        raise RecordError(
            f"{self.path} is a structure run (format_version 2): per-request records are in "
            "run.requests (kind, attempts, culprit, common_cause) and the failed ones in "
            "run.failures")

    @property
    def failures(self) -> StructureFailures:
        """The failed requests (runs recorded with --record dense or failures), read lazily."""
        if self._failures is None:
            raise RecordError(
                f"{self.path} was recorded with --record {self.metadata.record}: it has no "
                "/failures group (run with --record failures or dense to keep the failed "
                "requests)")
        return self._failures

    @property
    def has_request_records(self) -> bool:
        return self._failures is not None

    def iter_failures(self, chunk: int | None = None
                      ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(request indices, primary culprits) of the failed requests, block by block."""
        return self.failures.iter_chunks(chunk)

    def failed_sets(self, **kwargs) -> Iterator[tuple]:
        """Shorthand for run.failures.failed_sets()."""
        return self.failures.failed_sets(**kwargs)

    def failed_together(self, kind: str | int | None = None, **kwargs):
        """Which components failed together: run.failures.failed_together(), with `kind` also
        given by name."""
        if kind is not None:
            kind = self._kind_index(kind)
        return self.failures.failed_together(kind=kind, **kwargs)

    # -- checks --------------------------------------------------------------------------------

    def recompute_summary(self) -> StructureSummary:
        """The mix summary and verdict recomputed in Python from the counts in /kinds and
        /components and the exact (BDD) probabilities the file stores, the way the engine's
        structure_summary.cpp does it, verdict text included."""
        level = self.summary.ci_level
        tests: list[tuple[str, float]] = []
        rows = self.recompute_kinds()
        for name, row in rows.iterrows():
            if row["requests"] == 0:
                continue
            label = "mix" if name == "mix" else f"kind {name}"
            tests.append((f"{label} reliability z = {_fixed2(row['z_score'])}, exact binomial",
                          row["reliability_p_value"]))
            if row["attribution_dof"] > 0:
                tests.append((f"{label} attribution chi-square = "
                              f"{_fixed2(row['attribution_chi2'])}, dof "
                              f"{int(row['attribution_dof'])}", row["attribution_p_value"]))
        # The engine lists kinds first and the mix last.
        alpha = analytic.VERDICT_ALPHA / max(1, len(tests))
        failed = [f"{what} ({_p_clause(p)})" for what, p in tests if not p >= alpha]
        mix = rows.loc["mix"]
        kinds = rows.drop(index="mix")
        worst, worst_name = 0.0, "mix"
        for name, row in kinds.iterrows():
            if row["requests"] > 0 and abs(row["z_score"]) > abs(worst):
                worst, worst_name = row["z_score"], name
        if not failed:
            verdict = (f"agrees with the analytic model (mix z = {_fixed2(mix['z_score'])}, "
                       f"{len(kinds)} {'kind' if len(kinds) == 1 else 'kinds'}, largest kind "
                       f"|z| = {_fixed2(abs(worst))} ({worst_name}), {len(tests)} tests)")
        else:
            verdict = "DISAGREES with the analytic model: " + "; ".join(failed)
        s = self.summary
        return StructureSummary(
            requests=int(mix["requests"]), failures=int(mix["failures"]),
            reliability_empirical=mix["reliability_empirical"],
            reliability_analytic=s.reliability_analytic,
            unreliability_empirical=mix["unreliability_empirical"],
            unreliability_analytic=s.unreliability_analytic,
            reliability_ci_low=mix["reliability_ci_low"],
            reliability_ci_high=mix["reliability_ci_high"], ci_level=level,
            z_score=mix["z_score"], z_p_value=mix["z_p_value"],
            reliability_p_value=mix["reliability_p_value"],
            attribution_chi2=mix["attribution_chi2"],
            attribution_dof=int(mix["attribution_dof"]),
            attribution_p_value=mix["attribution_p_value"],
            agrees=not failed, verdict=verdict, verdict_tests=len(tests),
            verdict_test_alpha=alpha, analytic_method=s.analytic_method,
            bdd_nodes=s.bdd_nodes)

    def recompute_kinds(self) -> pd.DataFrame:
        """Each kind's and the mix's statistics recomputed from their counts and the stored
        exact probabilities: reliability_empirical, the Wilson interval, z and its p-value and
        the attribution chi-square (with the engine's pooling). Indexed by kind name, the mix
        last (named "mix")."""
        level = self.summary.ci_level
        matrix = self._culprit
        records = []
        for k, row in self.kinds.iterrows():
            records.append(self._compare(row["name"], int(row["requests"]),
                                         int(row["failures"]),
                                         float(row["unreliability_analytic"]),
                                         matrix["culprit_failures"].iloc[k].to_numpy(),
                                         matrix["culprit_probability"].iloc[k].to_numpy(),
                                         level))
        records.append(self._compare("mix", self.metadata.requests, self.summary.failures,
                                     self.summary.unreliability_analytic,
                                     self.components["culprit_failures"].to_numpy(),
                                     self.components["culprit_probability"].to_numpy(), level))
        return pd.DataFrame(records).set_index("name")

    @staticmethod
    def _exact_p(requests, failures, unreliability) -> float:
        """The exact binomial test of a kind's failures (NaN for a kind without requests)."""
        if requests == 0:
            return math.nan
        return analytic.binomial_two_sided_p_value(int(failures), int(requests), float(unreliability))

    @staticmethod
    def _compare(name, requests, failures, unreliability, culprits, probability, level) -> dict:
        nan = math.nan
        result = dict(name=name, requests=requests, failures=failures,
                      reliability_empirical=nan, unreliability_empirical=nan,
                      reliability_ci_low=nan, reliability_ci_high=nan, z_score=nan,
                      z_p_value=nan, reliability_p_value=nan, attribution_chi2=0.0,
                      attribution_dof=0,
                      attribution_p_value=nan)
        if requests == 0:
            return result
        interval = analytic.wilson_interval(requests - failures, requests, level)
        z = 0.0 - analytic.binomial_z_score(failures, requests, unreliability)
        result.update(reliability_empirical=(requests - failures) / requests,
                      unreliability_empirical=failures / requests,
                      reliability_ci_low=interval.low, reliability_ci_high=interval.high,
                      z_score=z, z_p_value=analytic.two_sided_p_value(z),
                      reliability_p_value=StructureRun._exact_p(requests, failures,
                                                                unreliability))
        if failures > 0:
            chi2 = analytic.chi_square_goodness_of_fit(culprits, probability)
            result.update(attribution_chi2=chi2.statistic, attribution_dof=chi2.dof,
                          attribution_p_value=chi2.p_value)
        return result

    def __repr__(self) -> str:
        m, s = self.metadata, self.summary
        return (f"<nines.StructureRun {m.scenario_name!r}: {len(self.kinds)} kinds, "
                f"{len(self.components)} components, {len(self.common_cause)} common causes, "
                f"{m.requests} requests, {s.failures} failures, record={m.record}, "
                f"R={s.reliability_empirical:.6g} (analytic {s.reliability_analytic:.6g})>")
