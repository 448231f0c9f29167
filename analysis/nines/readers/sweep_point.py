"""One finished point of a sweep: its row of the points table, its components, (structures) its
request kinds and importance ranking, and (--record-requests) its failed requests.

The same SweepPoint serves both sweep-file layouts: layout 1 (nines 0.2) kept each point in a
group /point/NNNNNN with its own attributes and datasets (GroupPoint); layout 2 keeps every
point's rows in tables shared by all points (TablePoint, reading through
readers/sweep_tables.py). Sweep.point(i) picks the right one.
"""
from __future__ import annotations

import math
import re

import h5py
import numpy as np
import pandas as pd

from ..errors import DamagedFileError, RecordError
from ..stats import analytic
from ..stats import structure as verdicts
from .hdf5 import Attributes, Columns, reading
from .importance import IMPORTANCE_MEASURES, RANKING_MEASURE
from .run_file import Failures
from .structure import StructureSummary

__all__ = ["SweepPoint", "GroupPoint", "TablePoint", "finish_components", "finish_kinds"]

# "api[2]": replica 2 of the declaration api (names never hold brackets otherwise).
_REPLICA = re.compile(r"^(.*)\[(\d+)\]$")


def split_replicas(names) -> tuple[list[str], np.ndarray]:
    """(declarations, replica numbers) of expanded component names: api[2] -> (api, 2), a
    component without replicas -> (its name, 0)."""
    declarations, replicas = [], []
    for name in names:
        match = _REPLICA.match(name)
        declarations.append(match.group(1) if match else name)
        replicas.append(int(match.group(2)) if match else 0)
    return declarations, np.array(replicas, dtype=np.int64)


def finish_components(frame: pd.DataFrame, point_failures: np.ndarray, structure: bool
                      ) -> pd.DataFrame:
    """The derived columns of component rows (one point's or the whole table's): each row's
    share of its point's failures and, for structures, the declaration and replica number
    after the name. `point_failures` is each row's point's failures."""
    total = np.asarray(point_failures, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["share"] = np.where(total > 0, frame["failures"].to_numpy() / total, np.nan)
    if structure:
        declarations, replicas = split_replicas(frame["name"])
        at = frame.columns.get_loc("name") + 1
        frame.insert(at, "declaration", declarations)
        frame.insert(at + 1, "replica", replicas)
    return frame


def finish_kinds(frame: pd.DataFrame, group: np.ndarray | None, level: float) -> pd.DataFrame:
    """The derived columns of request-kind rows: traffic_share (the kind's weight over its
    point's total), the Wilson interval of each kind's reliability (reliability_ci_low/high,
    NaN for a kind without requests) and failure_share (of the point's failures). `group` is
    each row's point (None: the rows are one point's)."""
    keys = np.zeros(len(frame), dtype=np.int64) if group is None else np.asarray(group)
    weights = frame["weight"].groupby(keys).transform("sum").to_numpy()
    failures = frame["failures"].groupby(keys).transform("sum").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        frame.insert(frame.columns.get_loc("weight") + 1, "traffic_share",
                     np.where(weights > 0, frame["weight"].to_numpy() / weights, np.nan))
        frame["failure_share"] = np.where(failures > 0, frame["failures"] / failures, np.nan)
    low, high = [], []
    for requests, failed in zip(frame["requests"].to_numpy(), frame["failures"].to_numpy()):
        if requests > 0:
            interval = analytic.wilson_interval(int(requests - failed), int(requests), level)
            low.append(interval.low)
            high.append(interval.high)
        else:
            low.append(math.nan)
            high.append(math.nan)
    at = frame.columns.get_loc("reliability_empirical") + 1
    frame.insert(at, "reliability_ci_low", low)
    frame.insert(at + 1, "reliability_ci_high", high)
    return frame


class SweepPoint:
    """One finished point of a sweep. Its row of the points table (`row`), its values, seed,
    requests and statistics (for a structure: the mix); read on first use, its components
    and, for structures, its request kinds and importance ranking; with --record-requests its
    failed requests."""

    def __init__(self, sweep, index: int, row: pd.Series):
        self.sweep = sweep
        self.index = int(index)
        self.row = row
        self.is_structure = sweep.is_structure
        self._components = None
        self._kinds = None

    # Set by the layouts: name, requests, seed, replication, sampler, kernel, failures_count,
    # reliability_empirical, reliability_analytic, z_score, agrees.

    @property
    def values(self) -> dict:
        """The swept parameters' values at this point: {path: value}."""
        return {p: self.row[p] for p in self.sweep.parameters}

    @property
    def components(self) -> pd.DataFrame:
        """One row per component, indexed by component number. Chains: name, reliability,
        failures (first failures), expected_failures, first_failure_probability, share (as
        Run.components). Structures (one row per replica, e.g. api[2]): name, declaration,
        replica, reliability, failures (primary-culprit failures of the mix),
        expected_failures, effective_reliability, culprit_probability, the exact importance
        measures (nines.MEASURES) and share. Read on first use."""
        if self._components is None:
            frame = self._read_components()
            counted = int(frame["failures"].sum())
            if counted != self.failures_count:
                raise DamagedFileError(self.sweep.path, f"the component failures of point "
                                       f"{self.index} ({self._components_where}) add up to "
                                       f"{counted:,}, but the point has "
                                       f"{self.failures_count:,} failures")
            frame = finish_components(frame, np.full(len(frame), self.failures_count),
                                      self.is_structure)
            frame.index.name = "component"
            frame.attrs["requests"] = self.requests
            frame.attrs["ci_level"] = self.sweep.metadata.ci_level
            self._components = frame
        return self._components

    @property
    def kinds(self) -> pd.DataFrame:
        """Structures: one row per request kind, indexed by kind number: name, weight,
        traffic_share, requests, failures, attempts, reliability_empirical,
        reliability_ci_low/high (Wilson), reliability_analytic, unreliability_analytic,
        z_score, reliability_p_value, attribution_chi2/dof/p_value, failure_share."""
        if not self.is_structure:
            raise RecordError(f"{self.sweep.path}: point {self.index} is a chain; request kinds "
                              "belong to sweeps of a structure (format 2) base")
        if self._kinds is None:
            frame = self._read_kinds()
            for column, total in (("requests", self.requests),
                                  ("failures", self.failures_count)):
                counted = int(frame[column].sum())
                if counted != total:
                    raise DamagedFileError(self.sweep.path, f"the {column} of point "
                                           f"{self.index}'s request kinds add up to "
                                           f"{counted:,}, but the point has {total:,}")
            frame = finish_kinds(frame, None, self.sweep.metadata.ci_level)
            frame.index.name = "kind"
            self._kinds = frame
        return self._kinds

    @property
    def importance(self) -> pd.DataFrame:
        """Structures: the components ranked by exact improvement potential (largest first,
        ties in model order) with a 1-based rank column: name, declaration, rank and the
        measures, as StructureRun.importance without the simulated columns."""
        if not self.is_structure:
            raise RecordError(f"{self.sweep.path}: point {self.index} is a chain; importance "
                              "measures belong to sweeps of a structure (format 2) base")
        c = self.components
        frame = c[["name", "declaration", *IMPORTANCE_MEASURES]]
        ranked = frame.sort_values(RANKING_MEASURE, ascending=False, kind="mergesort").copy()
        ranked.insert(2, "rank", np.arange(1, len(ranked) + 1))
        return ranked

    def recompute_summary(self) -> analytic.Summary:
        """The point's summary recomputed in Python from its counts; it agrees with the points
        table to 1e-12. Chains: from the components (nines.analytic.summarize). Structures: the
        mix from its requests, failures, exact unreliability and the components' culprit counts
        and probabilities; each kind's reliability test from its counts; the kinds' attribution
        tests (whose per-kind culprit counts a sweep does not keep) as stored; the verdict over
        them all (a StructureSummary)."""
        c = self.components
        level = self.sweep.metadata.ci_level
        if not self.is_structure:
            return analytic.summarize(c["reliability"].to_numpy(), self.requests,
                                      c["failures"].to_numpy(), level)
        kinds = []
        for _, k in self.kinds.iterrows():
            row = verdicts.compare_kind(k["name"], int(k["requests"]), int(k["failures"]),
                                        float(k["unreliability_analytic"]), [], [], level)
            row.update(attribution_chi2=float(k["attribution_chi2"]),
                       attribution_dof=int(k["attribution_dof"]),
                       attribution_p_value=float(k["attribution_p_value"]))
            kinds.append(row)
        u = float(self.row["unreliability_analytic"])
        mix = verdicts.compare_kind("mix", self.requests, self.failures_count, u,
                                    c["failures"].to_numpy(), c["culprit_probability"].to_numpy(),
                                    level)
        # The verdict's family counts a test a sweep file keeps no numbers for (the common-cause
        # sets chi-square); where the point had it, its outcome is the engine's.
        stored_tests = int(self.row["verdict_tests"])
        tests = verdicts.verdict_tests(kinds, mix)
        alpha = analytic.VERDICT_ALPHA / max(1, stored_tests, len(tests))
        passes = all(p >= alpha for _, p in tests)
        unstored = stored_tests > len(tests)
        verdict = verdicts.stored_verdict(kinds, mix, stored_tests,
                                          passes and (self.agrees if unstored else True))
        return StructureSummary(
            requests=self.requests, failures=self.failures_count,
            reliability_empirical=mix["reliability_empirical"],
            reliability_analytic=float(self.row["reliability_analytic"]),
            unreliability_empirical=mix["unreliability_empirical"], unreliability_analytic=u,
            reliability_ci_low=mix["reliability_ci_low"],
            reliability_ci_high=mix["reliability_ci_high"], ci_level=level,
            z_score=mix["z_score"], z_p_value=mix["z_p_value"],
            reliability_p_value=mix["reliability_p_value"],
            attribution_chi2=mix["attribution_chi2"],
            attribution_dof=int(mix["attribution_dof"]),
            attribution_p_value=mix["attribution_p_value"], agrees=verdict.agrees,
            verdict=verdict.text, verdict_tests=verdict.tests,
            verdict_test_alpha=verdict.alpha)

    def __repr__(self) -> str:
        values = ", ".join(f"{k}={v}" for k, v in self.values.items())
        return (f"<nines.SweepPoint {self.index} ({values}): {self.requests} requests, "
                f"{self.failures_count} failures, R={self.reliability_empirical:.6g} "
                f"(analytic {self.reliability_analytic:.6g})>")


class GroupPoint(SweepPoint):
    """A point of a layout-1 sweep file (nines 0.2): the group /point/NNNNNN, whose attributes
    hold the point's summary and whose datasets its components and failed requests."""

    def __init__(self, sweep, index: int, row: pd.Series, group: h5py.Group):
        super().__init__(sweep, index, row)
        self.name = group.name
        self._group = group
        a = Attributes(group, sweep.path, "attribute", of=self.name)
        self.requests = a.integer("requests", minimum=1)
        self.seed = a.integer("seed", minimum=0)
        self.replication = a.integer("replication", minimum=0)
        self.sampler = a.string("sampler")
        self.kernel = "chain"
        self.failures_count = a.integer("failures", minimum=0)
        if self.failures_count > self.requests:
            raise DamagedFileError(sweep.path, f"{self.name} has {self.failures_count:,} "
                                   f"failures, more than its {self.requests:,} requests")
        self.reliability_empirical = a.real("reliability_empirical")
        self.reliability_analytic = a.real("reliability_analytic")
        self.z_score = a.real("z_score")
        self.verdict = a.string("verdict")
        self.agrees = bool(row["agrees"])
        self._components_where = f"{self.name}/components/failures"

    def _read_components(self) -> pd.DataFrame:
        with reading(self.sweep.path, f"{self.name}/components"):
            g = Columns(self._group, "components", self.sweep.path,
                        f"sweep point {self.index}")
            names = g.strings("name")
            n = len(names)
            expected = self.row.get("n_components")
            if expected is not None and n != int(expected):
                raise DamagedFileError(self.sweep.path, f"{g.name}/name has {n:,} entries "
                                       f"but the points table says point {self.index} has "
                                       f"{int(expected):,} components")
            one = dict(length=n, per="component")
            return pd.DataFrame({
                "name": names,
                "reliability": g.numbers("reliability", np.float64, **one),
                "failures": g.numbers("failures", np.int64, **one),
                "expected_failures": g.numbers("expected_failures", np.float64, **one),
                "first_failure_probability":
                    g.numbers("first_failure_probability", np.float64, **one),
            })

    @property
    def unreliability_analytic(self) -> float:
        """1 - R of the point's chain, without cancellation (layout 1 does not store it)."""
        return analytic.chain_unreliability(self.components["reliability"].to_numpy())

    @property
    def has_request_records(self) -> bool:
        with reading(self.sweep.path, self.name):
            return "failures" in self._group

    @property
    def failures(self) -> Failures:
        """The point's failed requests (sweeps run with --record-requests), lazy: .request,
        .component, [a:b] -> DataFrame, iter_chunks()."""
        if not self.has_request_records:
            raise RecordError(
                f"{self.sweep.path}: point {self.index} has no failed-request record (run the "
                "sweep with --record-requests to keep them)")
        p = self.sweep.path
        g = Columns(self._group, "failures", p, f"sweep point {self.index}")
        length = dict(length=self.failures_count, per="failed request")
        return Failures(g.dataset("request", **length), g.dataset("component", **length),
                        path=p, n_requests=self.requests,
                        n_components=len(self.components),
                        component_names=list(self.components["name"]))


class TablePoint(SweepPoint):
    """A point of a layout-2 sweep file: its row of /points and its rows of /point_components,
    /point_kinds and /point_failures (the rows the offsets give it)."""

    def __init__(self, sweep, index: int, row: pd.Series):
        super().__init__(sweep, index, row)
        self.name = f"/points[{self.index}]"
        self.requests = int(row["requests"])
        self.seed = int(row["seed"])
        self.replication = int(row["replication"])
        self.sampler = str(row["sampler"])
        self.kernel = str(row["kernel"])
        self.failures_count = int(row["failures"])
        self.reliability_empirical = float(row["reliability_empirical"])
        self.reliability_analytic = float(row["reliability_analytic"])
        self.unreliability_analytic = float(row["unreliability_analytic"])
        self.z_score = float(row["z_score"])
        self.agrees = bool(row["agrees"])
        self._components_where = "/point_components/failures"

    def _rows(self, table: str) -> dict[str, np.ndarray]:
        return self.sweep._point_rows(table, self.index)

    def _read_components(self) -> pd.DataFrame:
        values = self._rows("point_components")
        frame = pd.DataFrame({k: v for k, v in values.items() if k not in ("point",
                                                                             "component")})
        return frame

    def _read_kinds(self) -> pd.DataFrame:
        values = self._rows("point_kinds")
        return pd.DataFrame({k: v for k, v in values.items() if k not in ("point", "kind")})

    @property
    def verdict(self) -> str:
        """The point's verdict in the engine's words, from its stored statistics (layout 2
        keeps the numbers, not the text). Chains: the run verdict; structures: the verdict
        over every kind and the mix (Bonferroni)."""
        r = self.row
        if not self.is_structure:
            chi2 = analytic.ChiSquare(float(r["attribution_chi2"]), int(r["attribution_dof"]),
                                      float(r["attribution_p_value"]), 0)
            return analytic.verdict_text(self.z_score, float(r["reliability_p_value"]), chi2)
        kinds = [dict(k, requests=int(k["requests"]), attribution_dof=int(k["attribution_dof"]))
                 for k in self.kinds.to_dict("records")]
        mix = dict(name="mix", requests=self.requests, z_score=self.z_score,
                   reliability_p_value=float(r["reliability_p_value"]),
                   attribution_chi2=float(r["attribution_chi2"]),
                   attribution_dof=int(r["attribution_dof"]),
                   attribution_p_value=float(r["attribution_p_value"]))
        return verdicts.stored_verdict(kinds, mix, int(r["verdict_tests"]), self.agrees).text

    @property
    def has_request_records(self) -> bool:
        return self.sweep.metadata.record_requests

    @property
    def failures(self):
        """The point's failed requests (sweeps run with --record-requests), lazy: .request,
        .component (structures also .kind, .attempts, .common_cause; .culprit =
        .component), [a:b] -> DataFrame, iter_chunks()."""
        if not self.has_request_records:
            raise RecordError(
                f"{self.sweep.path}: point {self.index} has no failed-request record (run the "
                "sweep with --record-requests to keep them)")
        return self.sweep._point_failures(self.index)
