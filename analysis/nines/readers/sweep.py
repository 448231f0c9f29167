"""Reading a sweep file (HDF5, root attribute format = "nines-sweep", format_version 1, 2 or 3).

`nines sweep FILE.sweep.yaml -o out.h5` runs many variations of one base (a chain, or a
structure of scenario format 2) and writes them all to one file. Both layouts start with the
points table (/points, one 1-D dataset per column, one row per point); they keep each point's
details differently:

    layout 2 (nines 0.3, format_version 2): tables shared by all points, /point_components,
        /point_kinds (structures) and /point_failures (--record-requests), with
        /offsets/TABLE giving each point's rows (readers/sweep_tables.py)
    layout 1 (nines 0.2, format_version 1, chains only): a group /point/NNNNNN per finished
        point with its summary as attributes, /components and /failures
    layout 3 (format_version 3, bases with outages over time, scenario format 3): layout 2's
        tables with the time summary's columns: /points (per point its settings and, per
        metric m of a time run's /summary, m, m_ci_low, m_ci_high, m_p05, m_p50, m_p95; the
        SLO shares; the verdict), /point_components, /point_kinds and /point_events (as a
        time run's /components, /kinds and /events). Read as DataFrames: Sweep.points,
        point_components, point_kinds, point_events

Opening reads the root attributes only; the points table is read in one go the first time it
is asked for, and a point's details only when that point is asked for (layout 2: in blocks of
rows shared by neighbouring points, so that walking every point reads each chunk once).

Every read is checked: each column of the points table one entry per point, the done column
adding up to points_done, each point's components one row per component of the point and
adding up to its failures, its failed-request record as long as its failures. Anything wrong
raises DamagedFileError naming the file.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Iterator

import h5py
import numpy as np
import pandas as pd

from ..errors import DamagedFileError, FormatError, RecordError
from ..stats.sweep import SWEEP_POINT_TAIL, SWEEP_Z_LIMIT, SweepAgreement, sweep_agreement
from .export import ToXarray
from .hdf5 import Attributes, Columns, open_file, reading
from .sweep_point import GroupPoint, SweepPoint, TablePoint, finish_components, finish_kinds
from .sweep_tables import (COMPONENT_COLUMNS, FAILURE_COLUMNS, KIND_COLUMNS, PointTable,
                           SweepFailures)

SWEEP_FORMAT = "nines-sweep"
SWEEP_FORMAT_VERSION = 2           # the layout nines writes for chains and structures
TIME_SWEEP_FORMAT_VERSION = 3      # ... and for bases with outages over time
SWEEP_FORMAT_VERSIONS = (1, 2, 3)  # the layouts this package reads

__all__ = ["Sweep", "SweepMetadata", "SweepPoint", "SweepFailures", "SweepAgreement",
           "SWEEP_FORMAT", "SWEEP_FORMAT_VERSION", "TIME_SWEEP_FORMAT_VERSION",
           "SWEEP_FORMAT_VERSIONS", "SWEEP_Z_LIMIT", "SWEEP_POINT_TAIL", "TIME_METRICS"]

# The points table's columns besides the swept parameters, in the engine's order: layout 1,
# what layout 2 adds, and what it adds for structures.
_FIXED_COLUMNS = ("point", "replication", "n_components", "requests", "seed", "sampler", "done",
                  "failures", "reliability_empirical", "reliability_analytic", "ci_low",
                  "ci_high", "z_score", "z_p_value", "reliability_p_value", "attribution_chi2",
                  "attribution_dof", "attribution_p_value", "agrees")
_LAYOUT_2_COLUMNS = ("kernel", "unreliability_analytic")
_STRUCTURE_COLUMNS = ("verdict_tests", "expected_attempts")

# Columns that files written by older engines may lack.
_ADDED_COLUMNS = ("reliability_p_value",)

# Layout 3 (time bases): the metrics of a time run's /summary, each in /points as m, m_ci_low,
# m_ci_high, m_p05, m_p50, m_p95, and the other columns besides the swept parameters.
TIME_METRICS = ("time_availability", "request_availability", "downtime_per_year",
                "outages_per_year", "mean_time_to_detect", "mean_time_to_repair",
                "failed_requests_per_year")
_METRIC_SUFFIXES = ("", "_ci_low", "_ci_high", "_p05", "_p50", "_p95")
_TIME_COLUMNS = ("point", "replication", "n_components", "n_kinds", "n_events", "histories", "seed", "kernel", "done",
                 "horizon_seconds", "traffic_rate", "crews", "requests", "failed",
                 "failed_outage", "outages",
                 *(m + x for m in TIME_METRICS for x in _METRIC_SUFFIXES),
                 "time_availability_exact", "exact_method", "slo_target", "slo_window_seconds",
                 "slo_share_met_time", "slo_share_met_time_low", "slo_share_met_time_high",
                 "slo_share_met_requests", "slo_share_met_requests_low",
                 "slo_share_met_requests_high", "slo_first_window_met_time",
                 "slo_first_window_met_time_exact", "agrees", "verdict_tests", "verdict")
_TIME_TABLE_COLUMNS = {
    "point_components": ("point", "component", "name", "outages", "outages_per_year",
                         "downtime_per_year", "mean_time_to_detect",
                         "mean_time_to_detect_exact", "mean_time_to_repair",
                         "budget_seconds_per_year", "budget_detection_seconds_per_year",
                         "budget_requests_per_year", "availability_simulated",
                         "availability_exact", "z_score"),
    "point_kinds": ("point", "kind", "name", "weight", "requests", "failed", "failed_outage",
                    "time_availability", "time_availability_ci_low",
                    "time_availability_ci_high", "request_availability", "downtime_per_year",
                    "availability_exact", "z_score"),
    "point_events": ("point", "event", "name", "occurrences", "outages_per_year",
                     "downtime_per_year", "budget_seconds_per_year", "budget_requests_per_year",
                     "quiet_simulated", "quiet_exact"),
}

# Base formats: the scenario format of the swept base.
CHAIN_BASE, STRUCTURE_BASE, TIME_BASE = 1, 2, 3


@dataclasses.dataclass(frozen=True)
class SweepMetadata:
    """What was swept, by which engine, when, and how far it got. `base_format` is the swept
    base's scenario format (1 chain, 2 structure; always 1 in layout-1 files); `importance`
    is "exact" for structure sweeps (their components carry the exact importance measures)."""
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
    base_format: int = CHAIN_BASE
    importance: str = ""


class Sweep(ToXarray):
    """An opened sweep file (either layout). Use as a context manager or call close()."""

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
        self._tables: dict[str, PointTable] = {}

    def _read_metadata(self) -> SweepMetadata:
        a = Attributes(self._file, self.path, of="a nines sweep file")
        parameters = a.string("parameters")
        points = a.integer("points", minimum=0)
        points_done = a.integer("points_done", minimum=0)
        complete = a.flag("complete")
        version = a.integer("format_version")
        if version not in SWEEP_FORMAT_VERSIONS:
            raise FormatError(f"{self.path} has format_version {version}; this nines package "
                              "reads versions " + " and ".join(map(str, SWEEP_FORMAT_VERSIONS)))
        # Layout 1 swept chains only and did not say so; layout 2 always says which.
        base_format = a.integer("base_format") if version >= 2 else CHAIN_BASE
        if base_format not in (CHAIN_BASE, STRUCTURE_BASE, TIME_BASE):
            raise DamagedFileError(self.path, f"the root attribute 'base_format' is "
                                   f"{base_format}; nines sweeps chains (1), structures (2) and "
                                   "structures with outages over time (3)")
        # The layout names the kind of model: 3 exactly for time bases.
        if (version == TIME_SWEEP_FORMAT_VERSION) != (base_format == TIME_BASE):
            raise DamagedFileError(self.path, f"format_version {version} with base_format "
                                   f"{base_format}: a sweep of a time base (3) is layout 3, "
                                   "any other layout 1 or 2")
        if points_done > points or (complete and points_done != points):
            raise DamagedFileError(self.path, f"the root attributes say {points_done:,} of "
                                   f"{points:,} points are done"
                                   + (" and the sweep is complete" if complete else ""))
        return SweepMetadata(
            path=self.path,
            format=a.string("format"),
            format_version=version,
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
            base_format=base_format,
            importance=a.string("importance", ""),
        )

    # -- the points table ---------------------------------------------------------------------

    @property
    def layout(self) -> int:
        """The file's layout: 1 (nines 0.2, a group per point) or 2 (nines 0.3, tables)."""
        return self.metadata.format_version

    @property
    def is_structure(self) -> bool:
        """Whether the swept base is a structure (scenario format 2): its points have request
        kinds, replicas and exact importance measures."""
        return self.metadata.base_format == STRUCTURE_BASE

    @property
    def is_time(self) -> bool:
        """Whether the swept base has outages over time (scenario format 3, layout 3): its
        points are time runs of `histories` histories, whose rows hold the time summary
        (time_availability, downtime_per_year, ... with their intervals and quantiles over
        histories) instead of request counts."""
        return self.metadata.base_format == TIME_BASE

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
        swept parameters, replication, n_components, requests, seed, sampler, kernel (layout
        2), done (bool), failures, reliability_empirical, reliability_analytic,
        unreliability_analytic (layout 2), ci_low, ci_high, z_score, z_p_value,
        reliability_p_value (exact binomial test; absent from files of nines before 0.2),
        attribution_chi2, attribution_dof, attribution_p_value, agrees (bool); structure
        sweeps also verdict_tests and expected_attempts. For a structure the row is the mix of
        its request kinds and n_components counts replicas (api[0], api[1], ...). Unfinished
        points (done False) have NaN statistics and failures 0. Read once."""
        if self._points is None:
            with reading(self.path, "the points table /points"):
                self._points = self._read_points()
        return self._points

    def _read_points(self) -> pd.DataFrame:
        g = Columns(self._file, "points", self.path, "nines sweep file")
        a = Attributes(g.group, self.path, "attribute", of="/points")
        order = a.string("columns").split(",") if "columns" in a else list(g.group)
        if self.is_time:
            required = list(_TIME_COLUMNS)
        else:
            required = list(_FIXED_COLUMNS)
            if self.layout >= 2:
                required += _LAYOUT_2_COLUMNS
            if self.is_structure:
                required += _STRUCTURE_COLUMNS
        missing = [c for c in (*required, *self.parameters)
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
        if not np.array_equal(columns["point"], np.arange(n)):
            i = int(np.flatnonzero(columns["point"] != np.arange(n))[0])
            raise DamagedFileError(self.path, f"/points/point[{i}] is {columns['point'][i]}, "
                                   "not its row number")
        counted = "failed" if self.is_time else "failures"
        over = np.flatnonzero(columns[counted].astype(np.float64) >
                              columns["requests"].astype(np.float64))
        if over.size:
            i = int(over[0])
            raise DamagedFileError(self.path, f"point {i} has {columns[counted][i]:,} "
                                   f"failures, more than its {columns['requests'][i]:,} "
                                   "requests")
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

    def pivot(self, value: str | None = None, index: str | list[str] | None = None,
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
        if value is None:
            value = "time_availability" if self.is_time else "reliability_empirical"
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
            done_only = value not in ("reliability_analytic", "unreliability_analytic",
                                      "requests", "seed", "histories",
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
        component_reliability column, the frame plots.essay_curves takes. None otherwise
        (always for sweeps of a structure or a time base)."""
        if self.is_structure or self.is_time:
            return None
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
        """Layout 1: the group of point i (six digits, more beyond a million points)."""
        width = 6
        limit = 1_000_000
        while self.metadata.points > limit and width < 20:
            width += 1
            limit *= 10
        return f"point/{i:0{width}d}"

    def _not_simulated(self, i: int) -> RecordError:
        return RecordError(f"{self.path}: point {i} has not been simulated yet (the sweep is "
                           f"incomplete: {self.points_done} of {self.metadata.points} points "
                           "done; rerun `nines sweep` to finish it)")

    def point(self, i: int) -> SweepPoint:
        """The finished point i (its number in the points table; negative counts from the
        end). An unfinished point raises RecordError."""
        n = self.metadata.points
        i = int(i)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"point {i} out of range: the sweep has {n} points")
        row = self.points.iloc[i]
        if self.is_time:
            raise RecordError(f"{self.path}: the points of a time sweep are rows of its tables, "
                              "not runs with requests: read Sweep.points, point_components, "
                              "point_kinds and point_events (one row per point and component, "
                              "kind or event)")
        if self.layout >= 2:
            if not bool(row["done"]):
                raise self._not_simulated(i)
            return TablePoint(self, i, row)
        name = self._group_name(i)
        with reading(self.path, f"/{name}"):
            if name not in self._file:
                if bool(row["done"]):
                    raise DamagedFileError(self.path, f"point {i} is done but its group /{name} "
                                           "is missing")
                raise self._not_simulated(i)
            return GroupPoint(self, i, row, self._file[name])

    def iter_points(self) -> Iterator[SweepPoint]:
        """Every finished point, in order (layout 2 reads the tables in blocks as it goes, each
        chunk once)."""
        for i in np.flatnonzero(self.points["done"].to_numpy()):
            yield self.point(int(i))

    # -- the per-point tables (layout 2) -------------------------------------------------------

    def _table(self, name: str) -> PointTable:
        """The per-point table `name` of a layout-2 file, checked against the points table when
        first used."""
        if name not in self._tables:
            structure = self.metadata.base_format
            p = self.points
            if self.is_time:
                rows = {"point_components": ("component", p["n_components"]),
                        "point_kinds": ("kind", p["n_kinds"]),
                        "point_events": ("event", p["n_events"])}
                if name not in rows:
                    raise RecordError(f"{self.path}: a time sweep has no /{name}")
                index, counts = rows[name][0], rows[name][1].to_numpy(np.int64)
                self._tables[name] = PointTable(
                    self._file, name, self.path, p, _TIME_TABLE_COLUMNS[name],
                    per=f"{index} of a point", index=index, rows_per_point=counts)
                return self._tables[name]
            if name == "point_components":
                table = PointTable(self._file, name, self.path, p, COMPONENT_COLUMNS[structure],
                                   per="component of a point", index="component",
                                   rows_per_point=p["n_components"].to_numpy(dtype=np.int64))
            elif name == "point_kinds":
                table = PointTable(self._file, name, self.path, p, KIND_COLUMNS,
                                   per="request kind of a point", index="kind")
            else:
                table = PointTable(self._file, name, self.path, p, FAILURE_COLUMNS[structure],
                                   per="failed request of a point", index=None,
                                   rows_per_point=p["failures"].to_numpy(dtype=np.int64))
            self._tables[name] = table
        return self._tables[name]

    def _point_rows(self, table: str, i: int) -> dict[str, np.ndarray]:
        return self._table(table).point_rows(i)

    def _point_failures(self, i: int) -> SweepFailures:
        point = self.points.iloc[i]
        kinds = int(self._table("point_kinds").counts[i]) if self.is_structure else None
        return SweepFailures(self._table("point_failures"), structure=self.is_structure,
                             point=i, requests=int(point["requests"]),
                             components=int(point["n_components"]), kinds=kinds,
                             component_names=list(self.point(i).components["name"]))

    def _whole(self, name: str) -> pd.DataFrame:
        table = self._table(name)
        with reading(self.path, f"/{name}"):
            return pd.DataFrame(table.read())

    @property
    def point_components(self) -> pd.DataFrame:
        """Every finished point's components in one long table, points in order and components
        in model order: point, component (its number in the point) and the columns of
        SweepPoint.components (share is of the point's failures). Join with `points` on the
        point column. Read whole on each call (layout 1: point by point). A time sweep's have
        the columns of a time run's /components (outages, outages_per_year,
        downtime_per_year, mean_time_to_detect[_exact], mean_time_to_repair, budget_*,
        availability_simulated, availability_exact, z_score), a row per expanded component."""
        if self.is_time:
            return self._whole("point_components")
        if self.layout < 2:
            frames = []
            for point in self.iter_points():
                frame = point.components.reset_index()
                frame.insert(0, "point", point.index)
                frames.append(frame)
            if frames:
                return pd.concat(frames, ignore_index=True)
            names = ("point", "component", *COMPONENT_COLUMNS[CHAIN_BASE][2:], "share")
            return pd.DataFrame({c: [] for c in names})
        frame = self._whole("point_components")
        failures = self.points["failures"].to_numpy(dtype=np.int64)
        table = self._table("point_components")
        counted = table.sums({"point": frame["point"].to_numpy(),
                              "failures": frame["failures"].to_numpy()}, "failures")
        done = self.points["done"].to_numpy(dtype=bool)
        wrong = np.flatnonzero(done & (counted != failures))
        if wrong.size:
            i = int(wrong[0])
            raise DamagedFileError(self.path, f"the component failures of point {i} "
                                   f"(/point_components/failures) add up to {counted[i]:,}, but "
                                   f"the point has {failures[i]:,} failures")
        return finish_components(frame, failures[frame["point"].to_numpy()], self.is_structure)

    @property
    def point_kinds(self) -> pd.DataFrame:
        """Structure sweeps: every finished point's request kinds in one long table: point,
        kind and the columns of SweepPoint.kinds. Read whole on each call."""
        if self.is_time:
            return self._whole("point_kinds")
        if not self.is_structure:
            raise RecordError(f"{self.path}: a sweep of a chain has no request kinds (they "
                              "belong to sweeps of a structure, format 2, base)")
        frame = self._whole("point_kinds")
        return finish_kinds(frame, frame["point"].to_numpy(), self.metadata.ci_level)

    @property
    def point_events(self) -> pd.DataFrame:
        """Time sweeps: every finished point's common-cause events in one long table, as a time
        run's /events: point, event, name, occurrences, outages_per_year, downtime_per_year,
        budget_seconds_per_year, budget_requests_per_year, quiet_simulated, quiet_exact (an
        event with a per-request probability has no occurrences). Read whole on each call."""
        if not self.is_time:
            raise RecordError(f"{self.path}: only sweeps of a base with outages over time "
                              "(format 3) have events over time")
        return self._whole("point_events")

    @property
    def point_failures(self) -> SweepFailures:
        """Layout 2 with --record-requests: every point's failed requests, lazy (columns point,
        request, component; structures also kind, attempts, common_cause). Slice it
        (failures[a:b] is a DataFrame) or walk it with iter_blocks()."""
        if self.is_time:
            raise RecordError(f"{self.path}: a time sweep keeps summaries only (its points "
                              "ran with --record none)")
        if not self.metadata.record_requests:
            raise RecordError(f"{self.path}: the sweep has no failed-request record (run it "
                              "with --record-requests to keep them)")
        if self.layout < 2:
            raise RecordError(f"{self.path}: a layout-1 sweep file (nines 0.2) keeps each "
                              "point's failed requests apart: use sweep.point(i).failures")
        p = self.points
        kinds = int(self._table("point_kinds").counts.max(initial=0)) \
            if self.is_structure else None
        most = dict(requests=int(p["requests"].to_numpy().max(initial=1)),
                    components=int(p["n_components"].to_numpy().max(initial=1)))
        return SweepFailures(self._table("point_failures"), structure=self.is_structure,
                             point=None, kinds=kinds, **most)

    # -- checks -------------------------------------------------------------------------------

    def agreement(self) -> SweepAgreement:
        """The engine's closing check: the largest |z| over the finished points and how many
        have an exact binomial p-value below SWEEP_POINT_TAIL (see nines.stats.sweep)."""
        if self.is_time:
            raise RecordError(f"{self.path}: a time sweep has no per-point z; each point's "
                              "verdict is in Sweep.points (agrees, verdict_tests, verdict)")
        done = self.done_points
        if "reliability_p_value" in done:
            exact_p = done["reliability_p_value"].to_numpy()
        else:  # a file from before nines 0.2: the same test, recomputed per point
            exact_p = np.array([p.recompute_summary().reliability_p_value
                                for p in self.iter_points()])
        return sweep_agreement(done["point"].to_numpy(), done["z_score"].to_numpy(), exact_p)

    def recompute_points(self) -> pd.DataFrame:
        """Every finished point's summary recomputed in Python from its counts
        (SweepPoint.recompute_summary): a frame indexed like done_points with the points
        table's statistic columns (structures also verdict_tests)."""
        if self.is_time:
            raise RecordError(f"{self.path}: a time sweep keeps no counts to recompute from")
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
            if self.is_structure:
                rows[point.index]["verdict_tests"] = s.verdict_tests
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
