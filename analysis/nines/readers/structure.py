"""Reading a structure run (HDF5 layout v2, format = "nines-run", format_version = 2).

Structure runs simulate scenarios of format version 2: replicated components, k-of-n blocks,
several request kinds with weights and retries, and common-cause events. Their root attributes
hold the mix (all kinds together) under the v1 names, so `run.summary` reads as for a chain;
the rest lives in groups (engine/nines/structure_writer.cpp is the authoritative layout):

    /kinds/*            one row per request kind; culprit_failures / culprit_probability are
                        kinds x components: 2-D (format minor version 1 on), or stored flat
                        with attributes rows, columns (older files)
    /components/*       one row per component replica, e.g. api[2]
    /common_cause/*     one row per common-cause event; takes_down is flat (takes_down_count)
    /importance/components/*, /importance/common_cause/*
    /requests/{kind,attempts,culprit,common_cause}                      (--record dense)
    /failures/{request,kind,attempts,culprit,common_cause,common_causes,failed_set_size,
               failed_set}                                   (--record failures; and dense
                        before format minor version 2, which keeps only common_causes,
                        failed_set_size and failed_set: the rest is read from /requests)

Opening checks the tables against each other and the summary: one entry per component, kind
or event in each of their datasets, the kinds' requests and failures adding up to the run's,
the culprit counts to the failures, each per-request dataset as long as the requests and each
per-failure dataset as long as the failures; codes read later are checked against the tables
(a culprit names a component). Anything wrong raises DamagedFileError naming the file.

The primary culprit of a failed request is the first component in path order whose failure
breaks the structure given the failed components before it; the failed set is every component
on the path that was down in the last attempt.
"""
from __future__ import annotations

import collections
import dataclasses
import math
from typing import Iterator

import numpy as np
import pandas as pd

from ..errors import DamagedFileError, RecordError
from ..stats import structure as verdicts
from .hdf5 import Columns, reading
from .importance import IMPORTANCE_MEASURES, MEASURES, RANKING_MEASURE
from .lazy import (FailedRequestIndex, GatheredArray, LazyArray, category_of_codes,
                   failure_blocks)
from .run_file import Run, RunSummary

STRUCTURE_FORMAT_VERSION = 2

__all__ = ["StructureRun", "StructureSummary", "Requests", "StructureFailures",
           "IMPORTANCE_MEASURES", "STRUCTURE_FORMAT_VERSION"]


@dataclasses.dataclass(frozen=True)
class StructureSummary(RunSummary):
    """The mix (every request kind together) as stored in the root attributes, plus what the
    structure verdict adds: the number of tests behind it and their Bonferroni level."""
    verdict_tests: int = 0
    verdict_test_alpha: float = math.nan
    analytic_method: str = ""
    bdd_nodes: int = 0


def with_names(frame: pd.DataFrame, names: dict[str, tuple[list[str], str | None]]
               ) -> pd.DataFrame:
    """The frame with a named category beside each code column: `<column>_name`, the kind's,
    component's or event's name (category_of_codes), so that groupby and plots show names."""
    for column, (labels, missing) in names.items():
        frame[f"{column}_name"] = category_of_codes(frame[column].to_numpy(), labels, missing)
    return frame


class Requests:
    """Per-request records of a dense structure run, all lazy: `kind` (index into run.kinds),
    `attempts` (1 + retries used), `culprit` (primary culprit component, -1 = success) and
    `common_cause` (first event on the path that fired, -1 = none). Made by the reader, which
    checks that each is as long as the run's requests."""

    COLUMNS = ("kind", "attempts", "culprit", "common_cause")

    def __init__(self, columns: Columns, requests: int, kind_names: list[str],
                 component_names: list[str], event_names: list[str]):
        valid = {"kind": (0, len(kind_names) - 1), "attempts": (1, None),
                 "culprit": (-1, len(component_names) - 1),
                 "common_cause": (-1, len(event_names) - 1)}
        for key in self.COLUMNS:
            setattr(self, key, LazyArray(columns.dataset(key, length=requests, per="request"),
                                         columns.path, valid=valid[key]))
        self._names = {"kind": (kind_names, None), "culprit": (component_names, "success"),
                       "common_cause": (event_names, "none")}

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
        return with_names(frame, self._names)

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
    concatenated, each in path order; failed_set(i) and failed_sets() cut it up). Made by the
    reader, which checks that each column is as long as the run's failures."""

    COLUMNS = ("request", "kind", "attempts", "culprit", "common_cause", "failed_set_size")
    # Up to this many components a failed set is counted as a 64-bit mask (vectorised); wider
    # models count tuples one by one.
    _mask_limit = 63

    def __init__(self, columns: Columns, component_names: list[str], *, requests: int,
                 failures: int, kind_names: list[str], event_names: list[str],
                 dense: Requests | None = None):
        n = len(component_names)
        valid = {"request": (0, requests - 1), "kind": (0, len(kind_names) - 1),
                 "attempts": (1, None), "culprit": (0, n - 1),
                 "common_cause": (-1, len(event_names) - 1), "failed_set_size": (1, n)}
        self._category_names = {"kind": (kind_names, None), "culprit": (component_names, "success"),
                                "common_cause": (event_names, "none")}
        # Dense files from format minor version 2 keep request, kind, attempts, culprit and
        # common_cause only in /requests (`dense`): those columns are read from there.
        derived = dense is not None and "request" not in columns
        for key in self.COLUMNS:
            if derived and key == "request":
                # Read in blocks of 65,536 failures, the chunk of the stored /failures columns.
                self.request = FailedRequestIndex(dense.culprit, failures, chunk=1 << 16)
            elif derived and key != "failed_set_size":
                setattr(self, key, GatheredArray(getattr(dense, key), self.request,
                                                 f"/failures/{key}"))
            else:
                setattr(self, key, LazyArray(
                    columns.dataset(key, length=failures, per="failed request"), columns.path,
                    valid=valid[key]))
        self.flat_sets = LazyArray(columns.dataset("failed_set"), columns.path, valid=(0, n - 1))
        # From 0.3: the set of common-cause events that fired, as a bit set (bit e = event e).
        self.common_causes = (LazyArray(columns.dataset("common_causes", length=failures,
                                                        per="failed request"), columns.path)
                              if "common_causes" in columns else None)
        self.path = columns.path
        self._names = component_names
        self._offsets: np.ndarray | None = None

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
                raise DamagedFileError(
                    self.path, f"/failures/failed_set_size adds up to {offsets[-1]:,} but "
                    f"/failures/failed_set has {len(self.flat_sets):,} entries")
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
        return with_names(frame, self._category_names)


    def iter_chunks(self, chunk: int | None = None
                    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(request indices, primary culprits) blocks of at most `chunk` failures: the same
        shape as a v1 run's Failures.iter_chunks, so convergence and pareto code works on both.
        Checks that the request indices increase."""
        return failure_blocks(self.request, self.culprit, chunk)

    iter_failures = iter_chunks

    def __repr__(self) -> str:
        return f"<StructureFailures: {len(self)} failed requests (lazy)>"


class StructureRun(Run):
    """An opened structure run file (format_version 2). Shares metadata, summary, lifetime and
    the running-failure machinery with Run; adds kinds, components (replicas), common causes,
    importance measures and the culprit matrices."""

    _kind = "nines structure run file"

    # -- loading -------------------------------------------------------------------------------

    def _read_summary(self) -> StructureSummary:
        a = self._attrs
        return StructureSummary(
            **self._summary_fields(),
            verdict_tests=a.integer("verdict_tests", 0, minimum=0),
            verdict_test_alpha=a.real("verdict_test_alpha", math.nan),
            analytic_method=a.string("analytic_method", ""),
            bdd_nodes=a.integer("bdd_nodes", 0, minimum=0),
        )

    def _columns(self, name: str) -> Columns:
        return Columns(self._file, name, self.path, self._kind)

    def _check_sum(self, what: str, counted: int, attribute: str, stored: int) -> None:
        if counted != stored:
            raise DamagedFileError(self.path, f"{what} adds up to {counted:,} but the root "
                                   f"attribute '{attribute}' says {stored:,}")

    def _read_layout(self) -> None:
        p = self.path
        requests = self.metadata.requests
        total = self.summary.failures

        # /components: one row per replica.
        g = self._columns("components")
        names = g.strings("name")
        n_components = len(names)
        one = dict(length=n_components, per="component")
        frame = pd.DataFrame({
            "name": names,
            "declaration": g.strings("declaration", **one),
            "replica": g.numbers("replica", np.int64, **one),
            "reliability": g.numbers("reliability", np.float64, **one),
            "retries": g.numbers("retries", np.int64, **one),
            "effective_reliability": g.numbers("effective_reliability", np.float64, **one),
            "culprit_failures": g.numbers("culprit_failures", np.int64, **one),
            "expected_culprit_failures":
                g.numbers("expected_culprit_failures", np.float64, **one),
            "culprit_probability": g.numbers("culprit_probability", np.float64, **one),
        })
        self._check_sum("/components/culprit_failures", int(frame["culprit_failures"].sum()),
                        "failures", total)
        frame["share"] = frame["culprit_failures"] / total if total > 0 else np.nan
        frame.index.name = "component"
        self.components = frame
        self._names = names

        # /kinds: one row per request kind, and the kinds x components culprit matrices.
        g = self._columns("kinds")
        kind_names = g.strings("name")
        n_kinds = len(kind_names)
        one = dict(length=n_kinds, per="request kind")
        kinds = pd.DataFrame({"name": kind_names, "path": g.strings("path", **one)})
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
            kinds[key] = g.numbers(key, dtype, **one)
        self._check_sum("/kinds/requests", int(kinds["requests"].sum()), "requests", requests)
        self._check_sum("/kinds/failures", int(kinds["failures"].sum()), "failures", total)
        # Files from before nines 0.2 lack the exact test: computed here the engine's way.
        stored = g.numbers("reliability_p_value", np.float64, optional=True, **one)
        kinds.insert(kinds.columns.get_loc("z_p_value") + 1, "reliability_p_value",
                     stored if stored is not None else
                     [verdicts.exact_p_value(r, f, u) for r, f, u in
                      zip(kinds["requests"], kinds["failures"], kinds["unreliability_analytic"])])
        weight_total = kinds["weight"].sum()
        kinds.insert(3, "traffic_share", kinds["weight"] / weight_total if weight_total > 0
                     else np.nan)
        kinds["failure_share"] = kinds["failures"] / total if total > 0 else np.nan
        kinds.index.name = "kind"
        self.kinds = kinds
        self._culprit = {}
        for key in ("culprit_failures", "culprit_probability"):
            data = g.matrix(key, np.int64 if key == "culprit_failures" else np.float64,
                            (n_kinds, n_components), per="(request kind, component) pair",
                            what="kinds x components")
            self._culprit[key] = pd.DataFrame(data,
                                              index=pd.Index(kind_names, name="kind"),
                                              columns=pd.Index(names, name="component"))
        per_kind = self._culprit["culprit_failures"].sum(axis=1).to_numpy()
        wrong = np.flatnonzero(per_kind != kinds["failures"].to_numpy())
        if wrong.size:
            k = int(wrong[0])
            raise DamagedFileError(p, f"/kinds/culprit_failures counts {per_kind[k]:,} failures "
                                   f"for kind {kind_names[k]!r} but /kinds/failures says "
                                   f"{kinds['failures'].iloc[k]:,}")

        # /common_cause: one row per event.
        g = self._columns("common_cause")
        events = g.strings("name")
        n_events = len(events)
        one = dict(length=n_events, per="common-cause event")
        counts = g.numbers("takes_down_count", np.int64, **one)
        targets = g.numbers("takes_down", np.int64)
        if counts.sum() != targets.size or (counts < 0).any():
            raise DamagedFileError(p, f"/common_cause/takes_down_count adds up to "
                                   f"{counts.sum():,} but /common_cause/takes_down has "
                                   f"{targets.size:,} entries")
        if targets.size and (targets.min() < 0 or targets.max() >= n_components):
            raise DamagedFileError(p, "/common_cause/takes_down names a component outside "
                                   f"0..{n_components - 1}")
        bounds = np.concatenate([[0], np.cumsum(counts)])
        self.common_cause = pd.DataFrame({
            "name": events,
            "probability": g.numbers("probability", np.float64, **one),
            "takes_down": [tuple(names[t] for t in targets[bounds[e]:bounds[e + 1]])
                           for e in range(n_events)],
            "takes_down_count": counts,
            # Failed requests in which the event fired (from 0.3 every event that took part;
            # 0.2 credited a failure to the first event in file order only).
            "failures": g.numbers("failures", np.int64, **one),
        })
        expected = g.numbers("expected_failures", np.float64, optional=True, **one)
        if expected is not None:
            self.common_cause["expected_failures"] = expected
        self.common_cause["share"] = (self.common_cause["failures"] / total if total > 0
                                      else np.nan)
        self.common_cause.index.name = "event"
        if (self.common_cause["failures"] > total).any():
            raise DamagedFileError(p, "/common_cause/failures counts more failures for an event "
                                   f"than the run's {total:,}")

        # /common_cause_sets (from 0.3): failed requests by the exact set of events that fired.
        self.common_cause_sets = pd.DataFrame(
            {"events": pd.Series([], dtype=object), "failures": pd.Series([], dtype=np.int64),
             "expected_failures": pd.Series([], dtype=np.float64)})
        if "common_cause_sets" in self._file:
            g = self._columns("common_cause_sets")
            masks = g.numbers("events", np.uint64)
            one = dict(length=len(masks), per="set of events")
            if n_events < 64 and masks.size and (masks >> np.uint64(n_events)).any():
                raise DamagedFileError(p, "/common_cause_sets/events names an event outside "
                                       f"0..{n_events - 1}")
            set_failures = g.numbers("failures", np.int64, **one)
            if set_failures.sum() > total:
                raise DamagedFileError(p, f"/common_cause_sets/failures adds up to "
                                       f"{set_failures.sum():,}, more than the run's {total:,}")
            self.common_cause_sets = pd.DataFrame({
                "events": [tuple(events[e] for e in range(n_events) if (int(m) >> e) & 1)
                           for m in masks],
                "failures": set_failures,
                "expected_failures": g.numbers("expected_failures", np.float64, **one),
            })

        # /importance: analytic and simulated, ranked by improvement potential.
        g = self._columns("importance/components")
        one = dict(length=n_components, per="component")
        imp = pd.DataFrame({"name": names, "declaration": frame["declaration"]})
        for m in MEASURES:
            imp[m.name] = g.numbers(m.name, np.float64, **one)
        for m in MEASURES:
            for column in m.columns()[1:]:
                values = g.numbers(column, np.float64, optional=True, **one)
                if values is not None:
                    imp[column] = values
        for key in ("fail_if_perfect", "fail_if_failed"):
            values = g.numbers(key, np.int64, optional=True, **one)
            if values is not None:
                imp[key] = values
        imp.index.name = "component"
        self.importance = self._ranked(imp)
        events_importance = pd.DataFrame({"name": events})
        if n_events or "common_cause" in self._columns("importance"):
            g = self._columns("importance/common_cause")
            for m in MEASURES:
                values = g.numbers(m.name, np.float64, optional=True, length=n_events,
                                   per="common-cause event")
                if values is not None:
                    events_importance[m.name] = values
        events_importance.index.name = "event"
        self.common_cause_importance = self._ranked(events_importance)

        # Per-request records.
        record = self._check_record()
        self._outcomes = None
        self._failures = None
        self._requests = None
        if record == "dense":
            self._requests = Requests(
                Columns(self._file, "requests", p, f"{self._kind} (record=dense)"), requests,
                kind_names, names, events)
        if record in ("dense", "failures"):
            self._failures = StructureFailures(
                Columns(self._file, "failures", p, f"{self._kind} (record={record})"), names,
                requests=requests, failures=total, kind_names=kind_names, event_names=events,
                dense=self._requests)

    @staticmethod
    def _ranked(frame: pd.DataFrame) -> pd.DataFrame:
        """Sorted by analytic improvement potential, largest first (ties keep model order),
        with a 1-based rank column."""
        if RANKING_MEASURE not in frame:
            frame["rank"] = np.arange(1, len(frame) + 1)
            return frame
        ranked = frame.sort_values(RANKING_MEASURE, ascending=False, kind="mergesort")
        ranked.insert(1, "rank", np.arange(1, len(ranked) + 1))
        return ranked

    def importance_ranking(self, *, common_cause: bool = True) -> pd.DataFrame:
        """Components (and, with common_cause=True, common-cause events) in one table ranked by
        analytic improvement potential: columns rank, element ("component" or "common
        cause"), name, the analytic measures and, for components, the simulated ones with
        their intervals (NaN for events). The table behind the report's "what to fix first"
        and plots.importance()."""
        parts = [self.importance.assign(element="component")]
        if common_cause and len(self.common_cause_importance):
            parts.append(self.common_cause_importance.assign(element="common cause"))
        table = pd.concat([p.drop(columns=["rank", "declaration"], errors="ignore")
                           for p in parts], ignore_index=True)
        table = table.sort_values(RANKING_MEASURE, ascending=False, kind="mergesort")
        table.insert(0, "rank", np.arange(1, len(table) + 1))
        return table.reset_index(drop=True)

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
        structure_summary.cpp does it, verdict text included (see nines.stats.structure)."""
        rows = self._compared()
        mix = rows[-1]
        verdict = verdicts.structure_verdict(rows[:-1], mix)
        s = self.summary
        return StructureSummary(
            requests=int(mix["requests"]), failures=int(mix["failures"]),
            reliability_empirical=mix["reliability_empirical"],
            reliability_analytic=s.reliability_analytic,
            unreliability_empirical=mix["unreliability_empirical"],
            unreliability_analytic=s.unreliability_analytic,
            reliability_ci_low=mix["reliability_ci_low"],
            reliability_ci_high=mix["reliability_ci_high"], ci_level=s.ci_level,
            z_score=mix["z_score"], z_p_value=mix["z_p_value"],
            reliability_p_value=mix["reliability_p_value"],
            attribution_chi2=mix["attribution_chi2"],
            attribution_dof=int(mix["attribution_dof"]),
            attribution_p_value=mix["attribution_p_value"],
            agrees=verdict.agrees, verdict=verdict.text, verdict_tests=verdict.tests,
            verdict_test_alpha=verdict.alpha, analytic_method=s.analytic_method,
            bdd_nodes=s.bdd_nodes)

    def recompute_kinds(self) -> pd.DataFrame:
        """Each kind's and the mix's statistics recomputed from their counts and the stored
        exact probabilities: reliability_empirical, the Wilson interval, z and its p-value and
        the attribution chi-square (with the engine's pooling). Indexed by kind name, the mix
        last (named "mix")."""
        return pd.DataFrame(self._compared()).set_index("name")

    def _compared(self) -> list[dict]:
        """stats.structure.compare_kind of every kind, then of the mix."""
        level = self.summary.ci_level
        matrix = self._culprit
        rows = [verdicts.compare_kind(row["name"], int(row["requests"]), int(row["failures"]),
                                      float(row["unreliability_analytic"]),
                                      matrix["culprit_failures"].iloc[k].to_numpy(),
                                      matrix["culprit_probability"].iloc[k].to_numpy(), level)
                for k, row in self.kinds.iterrows()]
        rows.append(verdicts.compare_kind(
            "mix", self.metadata.requests, self.summary.failures,
            self.summary.unreliability_analytic, self.components["culprit_failures"].to_numpy(),
            self.components["culprit_probability"].to_numpy(), level))
        return rows

    def __repr__(self) -> str:
        m, s = self.metadata, self.summary
        return (f"<nines.StructureRun {m.scenario_name!r}: {len(self.kinds)} kinds, "
                f"{len(self.components)} components, {len(self.common_cause)} common causes, "
                f"{m.requests} requests, {s.failures} failures, record={m.record}, "
                f"R={s.reliability_empirical:.6g} (analytic {s.reliability_analytic:.6g})>")
