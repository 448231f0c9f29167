"""Reading a sweep file (HDF5, root attribute format = "nines-sweep", format_version 1).

`nines sweep FILE.sweep.yaml -o out.h5` runs many variations of one chain and writes them all
to one file: the points table (/points, one 1-D dataset per column), and for every finished
point its per-component counts (/point/NNNNNN/components) and, with --record-requests, its
failed requests (/point/NNNNNN/failures). Opening reads the root attributes only; the points
table is read in one go the first time it is asked for, and a point's group only when that
point is asked for.

Every read is checked: each column of the points table one entry per point, the done column
adding up to points_done, each point's component datasets one entry per component of the
point and its failed-request record as long as its failures. Anything wrong raises
DamagedFileError naming the file.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Iterator

import h5py
import numpy as np
import pandas as pd

from ..errors import DamagedFileError, RecordError
from ..stats import analytic
from ..stats.sweep import SWEEP_POINT_TAIL, SWEEP_Z_LIMIT, SweepAgreement, sweep_agreement
from .hdf5 import Attributes, Columns, open_file, reading
from .run_file import Failures

SWEEP_FORMAT = "nines-sweep"
SWEEP_FORMAT_VERSION = 1

__all__ = ["Sweep", "SweepMetadata", "SweepPoint", "SweepAgreement", "SWEEP_FORMAT",
           "SWEEP_FORMAT_VERSION", "SWEEP_Z_LIMIT", "SWEEP_POINT_TAIL"]

# The points table's columns besides the swept parameters, in the engine's order.
_FIXED_COLUMNS = ("point", "replication", "n_components", "requests", "seed", "sampler", "done",
                  "failures", "reliability_empirical", "reliability_analytic", "ci_low",
                  "ci_high", "z_score", "z_p_value", "reliability_p_value", "attribution_chi2",
                  "attribution_dof", "attribution_p_value", "agrees")

# Columns that files written by older engines may lack.
_ADDED_COLUMNS = ("reliability_p_value",)


@dataclasses.dataclass(frozen=True)
class SweepMetadata:
    """What was swept, by which engine, when, and how far it got."""
    path: str
    format: str
    format_version: int
    nines_version: str
    created: str
    sweep_name: str
    sweep_path: str
    sweep_yaml: str
    sweep_sha256: str
    base_kind: str
    base_scenario_yaml: str
    base_scenario_sha256: str
    parameters: tuple[str, ...]
    replications: int
    points: int
    points_done: int
    complete: bool
    chunk_requests: int
    ci_level: float
    sampler: str
    record_requests: bool


class SweepPoint:
    """One finished point of a sweep: its row of the points table, its stored attributes and,
    read on first use, its per-component counts and (with --record-requests) failed requests."""

    def __init__(self, sweep: "Sweep", index: int, group: h5py.Group, row: pd.Series):
        self.sweep = sweep
        self.index = int(index)
        self.name = group.name
        self._group = group
        self.row = row
        a = Attributes(group, sweep.path, "attribute", of=self.name)
        self.requests = a.integer("requests", minimum=1)
        self.seed = a.integer("seed", minimum=0)
        self.replication = a.integer("replication", minimum=0)
        self.sampler = a.string("sampler")
        self.failures_count = a.integer("failures", minimum=0)
        if self.failures_count > self.requests:
            raise DamagedFileError(sweep.path, f"{self.name} has {self.failures_count:,} "
                                   f"failures, more than its {self.requests:,} requests")
        self.reliability_empirical = a.real("reliability_empirical")
        self.reliability_analytic = a.real("reliability_analytic")
        self.z_score = a.real("z_score")
        self.verdict = a.string("verdict")
        self._components = None

    @property
    def values(self) -> dict:
        """The swept parameters' values at this point: {path: value}."""
        return {p: self.row[p] for p in self.sweep.parameters}

    @property
    def components(self) -> pd.DataFrame:
        """name, reliability, failures, expected_failures, first_failure_probability, share
        (as Run.components), read on first use."""
        if self._components is None:
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
                frame = pd.DataFrame({
                    "name": names,
                    "reliability": g.numbers("reliability", np.float64, **one),
                    "failures": g.numbers("failures", np.int64, **one),
                    "expected_failures": g.numbers("expected_failures", np.float64, **one),
                    "first_failure_probability":
                        g.numbers("first_failure_probability", np.float64, **one),
                })
            total = self.failures_count
            counted = int(frame["failures"].sum())
            if counted != total:
                raise DamagedFileError(self.sweep.path, f"{g.name}/failures adds up to "
                                       f"{counted:,} but {self.name} says {total:,} failures")
            frame["share"] = frame["failures"] / total if total > 0 else np.nan
            frame.index.name = "component"
            frame.attrs["requests"] = self.requests
            frame.attrs["ci_level"] = self.sweep.metadata.ci_level
            self._components = frame
        return self._components

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
                        n_components=len(self.components))

    def recompute_summary(self) -> analytic.Summary:
        """The point's summary recomputed in Python from its components (see nines.analytic);
        it agrees with the points table to 1e-12."""
        c = self.components
        return analytic.summarize(c["reliability"].to_numpy(), self.requests,
                                  c["failures"].to_numpy(), self.sweep.metadata.ci_level)

    def __repr__(self) -> str:
        values = ", ".join(f"{k}={v}" for k, v in self.values.items())
        return (f"<nines.SweepPoint {self.index} ({values}): {self.requests} requests, "
                f"{self.failures_count} failures, R={self.reliability_empirical:.6g} "
                f"(analytic {self.reliability_analytic:.6g})>")


class Sweep:
    """An opened sweep file. Use as a context manager or call close()."""

    def __init__(self, path: str | os.PathLike, file: h5py.File | None = None):
        self.path = os.fspath(path)
        self._file = file if file is not None else open_file(self.path)
        try:
            with reading(self.path, "the sweep's summary"):
                self.metadata = self._read_metadata()
                Columns(self._file, "points", self.path, "nines sweep file")
        except BaseException:
            self.close()
            raise
        self._points = None

    def _read_metadata(self) -> SweepMetadata:
        a = Attributes(self._file, self.path, of="a nines sweep file")
        parameters = a.string("parameters")
        points = a.integer("points", minimum=0)
        points_done = a.integer("points_done", minimum=0)
        complete = a.flag("complete")
        if points_done > points or (complete and points_done != points):
            raise DamagedFileError(self.path, f"the root attributes say {points_done:,} of "
                                   f"{points:,} points are done"
                                   + (" and the sweep is complete" if complete else ""))
        return SweepMetadata(
            path=self.path,
            format=a.string("format"),
            format_version=a.integer("format_version"),
            nines_version=a.string("nines_version"),
            created=a.string("created"),
            sweep_name=a.string("sweep_name"),
            sweep_path=a.string("sweep_path", ""),
            sweep_yaml=a.string("sweep_yaml"),
            sweep_sha256=a.string("sweep_sha256"),
            base_kind=a.string("base_kind", ""),
            base_scenario_yaml=a.string("base_scenario_yaml", ""),
            base_scenario_sha256=a.string("base_scenario_sha256", ""),
            parameters=tuple(q for q in parameters.split(",") if q),
            replications=a.integer("replications", minimum=1),
            points=points,
            points_done=points_done,
            complete=complete,
            chunk_requests=a.integer("chunk_requests", 0, minimum=0),
            ci_level=a.real("ci_level", 0.95),
            sampler=a.string("sampler", "auto"),
            record_requests=a.flag("record_requests", False),
        )

    # -- the points table ---------------------------------------------------------------------

    @property
    def parameters(self) -> list[str]:
        """The swept parameter paths, in the sweep file's order (e.g. chain.count)."""
        return list(self.metadata.parameters)

    @property
    def complete(self) -> bool:
        """False for a sweep that was interrupted: only points_done of its points have results
        (rerun the same `nines sweep` command to finish it)."""
        return self.metadata.complete

    @property
    def points_done(self) -> int:
        return self.metadata.points_done

    def __len__(self) -> int:
        return self.metadata.points

    @property
    def points(self) -> pd.DataFrame:
        """One row per point, indexed by point number, in the file's column order: point, the
        swept parameters, replication, n_components, requests, seed, sampler, done (bool),
        failures, reliability_empirical, reliability_analytic, ci_low, ci_high, z_score,
        z_p_value, reliability_p_value (exact binomial test; absent from files of nines before
        0.2), attribution_chi2, attribution_dof, attribution_p_value, agrees (bool).
        Unfinished points (done False) have NaN statistics and failures 0. Read once."""
        if self._points is None:
            with reading(self.path, "the points table /points"):
                self._points = self._read_points()
        return self._points

    def _read_points(self) -> pd.DataFrame:
        g = Columns(self._file, "points", self.path, "nines sweep file")
        a = Attributes(g.group, self.path, "attribute", of="/points")
        order = a.string("columns").split(",") if "columns" in a else list(g.group)
        missing = [c for c in (*_FIXED_COLUMNS, *self.parameters)
                   if c not in g and c not in _ADDED_COLUMNS]
        if missing:
            raise DamagedFileError(self.path, f"the points table lacks {', '.join(missing)}")
        n = self.metadata.points
        columns = {}
        for name in order:
            dataset = g.dataset(name, length=n, per="point")
            if h5py.check_string_dtype(dataset.dtype) is not None or \
                    dataset.dtype.kind in "OSU":
                values = np.array(g.strings(name, length=n), dtype=object)
            elif name in ("done", "agrees"):
                values = g.numbers(name, bool, length=n)
            else:
                values = g.numbers(name, dataset.dtype, length=n)
                if values.dtype == np.uint64 and (values.size == 0 or values.max() < 2 ** 63):
                    values = values.astype(np.int64)  # plain ints; huge seeds stay uint64
            columns[name] = values
        done = int(np.count_nonzero(columns["done"]))
        if done != self.metadata.points_done:
            raise DamagedFileError(self.path, f"/points/done marks {done:,} points done but "
                                   f"the root attribute 'points_done' says "
                                   f"{self.metadata.points_done:,}")
        frame = pd.DataFrame(columns)
        frame.index = pd.Index(frame["point"].to_numpy(), name="point_index")
        frame.attrs["ci_level"] = self.metadata.ci_level
        frame.attrs["sweep"] = self.metadata.sweep_name
        return frame

    @property
    def done_points(self) -> pd.DataFrame:
        """The rows of the finished points."""
        return self.points[self.points["done"]]

    def pivot(self, value: str = "reliability_empirical", index: str | list[str] | None = None,
              columns: str | list[str] | None = None, aggfunc="mean",
              done_only: bool | None = None) -> pd.DataFrame:
        """The points table as a grid: `value` by `index` (rows) and `columns`.

        Defaults: the first swept parameter down, the second across (for the essay's
        spreadsheet: chain.count down, chain.reliability across). Points that share a cell
        (replications, or parameters in neither index nor columns) are combined with `aggfunc`
        (default mean). Cells of unfinished points are NaN; the grid keeps every value of the
        sweep. `done_only` (default: True unless value is a planned column such as
        reliability_analytic, requests or seed) leaves unfinished points out.
        """
        frame = self.points
        if value not in frame.columns:
            raise KeyError(f"no column {value!r} in the points table")
        parameters = self.parameters
        if index is None:
            index = parameters[0] if parameters else "point"
        if columns is None and len(parameters) > 1 and index == parameters[0]:
            columns = parameters[1]
        rows = [index] if isinstance(index, str) else list(index)
        cols = [] if columns is None else ([columns] if isinstance(columns, str)
                                           else list(columns))
        for key in rows + cols:
            if key not in frame.columns:
                raise KeyError(f"no column {key!r} in the points table")
        if done_only is None:
            done_only = value not in ("reliability_analytic", "requests", "seed",
                                      "n_components", "replication", "point", "done", *parameters)
        keys = rows + cols
        used = frame[frame["done"]] if done_only else frame
        grouped = used.groupby(keys, sort=True)[value].agg(aggfunc)
        full = frame.groupby(keys, sort=True).size().index  # every cell of the sweep
        grouped = grouped.reindex(full)
        if cols:
            table = grouped.unstack(cols)
            table.columns.name = cols[0] if len(cols) == 1 else table.columns.name
        else:
            table = grouped.to_frame(value)
        table.attrs["value"] = value
        return table

    def is_two_way(self) -> bool:
        """Two swept parameters over their full product, each cell once (no replications): the
        sweeps the engine prints as a grid, like the essay's spreadsheet."""
        if len(self.parameters) != 2 or self.metadata.replications != 1:
            return False
        p = self.points
        a, b = self.parameters
        return (p[a].nunique() * p[b].nunique() == len(p)
                and not p.duplicated([a, b]).any())

    def identical_parts(self) -> pd.DataFrame | None:
        """For sweeps whose every point is a chain of identical parts (chain: sweeps, or
        components[*].reliability swept over a base): the points table with a
        component_reliability column, the frame plots.essay_curves takes. None otherwise."""
        p = self.points
        if any(q.startswith("components[") and q != "components[*].reliability"
               for q in self.parameters):
            return None  # one part varies on its own: the parts differ
        if "chain.reliability" in p.columns:
            r = p["chain.reliability"].astype(np.float64)
        elif "components[*].reliability" in p.columns:
            r = p["components[*].reliability"].astype(np.float64)
        elif self.metadata.base_kind == "chain":
            # The chain's reliability is fixed for the whole sweep: read it from a finished
            # point.
            done = np.flatnonzero(p["done"].to_numpy())
            if not len(done):
                return None
            r = float(self.point(int(done[0])).components["reliability"].iloc[0])
        else:
            return None
        return p.assign(component_reliability=r)

    # -- single points ------------------------------------------------------------------------

    def _group_name(self, i: int) -> str:
        width = 6
        limit = 1_000_000
        while self.metadata.points > limit and width < 20:
            width += 1
            limit *= 10
        return f"point/{i:0{width}d}"

    def point(self, i: int) -> SweepPoint:
        """The finished point i (its number in the points table; negative counts from the
        end). An unfinished point raises RecordError."""
        n = self.metadata.points
        i = int(i)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"point {i} out of range: the sweep has {n} points")
        name = self._group_name(i)
        row = self.points.iloc[i]
        with reading(self.path, f"/{name}"):
            if name not in self._file:
                if bool(row["done"]):
                    raise DamagedFileError(self.path, f"point {i} is done but its group /{name} "
                                           "is missing")
                raise RecordError(f"{self.path}: point {i} has not been simulated yet (the "
                                  f"sweep is incomplete: {self.points_done} of {n} points "
                                  "done; rerun `nines sweep` to finish it)")
            return SweepPoint(self, i, self._file[name], row)

    def iter_points(self) -> Iterator[SweepPoint]:
        """Every finished point, in order."""
        for i in np.flatnonzero(self.points["done"].to_numpy()):
            yield self.point(int(i))

    # -- checks -------------------------------------------------------------------------------

    def agreement(self) -> SweepAgreement:
        """The engine's closing check: the largest |z| over the finished points and how many
        have an exact binomial p-value below SWEEP_POINT_TAIL (see nines.stats.sweep)."""
        done = self.done_points
        if "reliability_p_value" in done:
            exact_p = done["reliability_p_value"].to_numpy()
        else:  # a file from before nines 0.2: the same test, recomputed per point
            exact_p = np.array([p.recompute_summary().reliability_p_value
                                for p in self.iter_points()])
        return sweep_agreement(done["point"].to_numpy(), done["z_score"].to_numpy(), exact_p)

    def recompute_points(self) -> pd.DataFrame:
        """Every finished point's summary recomputed in Python from its components: a frame
        indexed like done_points with the points table's statistic columns."""
        rows = {}
        for point in self.iter_points():
            s = point.recompute_summary()
            rows[point.index] = dict(
                failures=s.failures, reliability_empirical=s.reliability_empirical,
                reliability_analytic=s.reliability_analytic, ci_low=s.reliability_ci_low,
                ci_high=s.reliability_ci_high, z_score=s.z_score, z_p_value=s.z_p_value,
                reliability_p_value=s.reliability_p_value,
                attribution_chi2=s.attribution_chi2, attribution_dof=float(s.attribution_dof),
                attribution_p_value=s.attribution_p_value, agrees=s.agrees)
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "point_index"
        return frame

    # -- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        with reading(self.path, "the file while closing it"):
            self._file.close()

    def __enter__(self) -> "Sweep":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        m = self.metadata
        state = "complete" if m.complete else f"INCOMPLETE, {m.points_done} done"
        return (f"<nines.Sweep {m.sweep_name!r}: {m.points} points ({state}) over "
                f"{', '.join(m.parameters) or 'no parameters'}, {m.replications} "
                f"replication{'s' if m.replications != 1 else ''}>")
