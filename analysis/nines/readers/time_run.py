"""Reading a time run (HDF5 layout 3, format = "nines-run", format_version = 3).

Time runs simulate scenarios of format version 3: the components of a structure fail and get
repaired over a horizon, in many independent histories (timelines), and requests arrive over
time. The layout (the spec the engine writes; README "Outages over time"):

    root attributes   provenance as layout 2, record (outages | requests | none), verdict,
                      agrees, histories, horizon_seconds, start, crews, traffic_rate,
                      chunk_histories, and slo_target / slo_window_seconds / slo_windows when
                      the scenario declares an SLO
    /histories/*      one row per history (record outages or requests); kind_downtime,
                      kind_requests and kind_failed are histories x kinds matrices (2-D
                      from format minor version 2; flat before, with rows and columns)
    /outages/*        one row per outage or event occurrence (record outages or requests)
    /windows/*        one row per history and SLO window (record outages or requests, SLO);
                      the windows themselves are defined once, by window_first_day and
                      window_days (one entry per window: days [first, first + days))
    /requests/*       one row per request that failed because its kind was down (record
                      requests); transient per-request failures are counted, not listed
    /components/*, /events/*, /kinds/*, /summary/*   small tables (/events: only the
                      common-cause events with a process, every/lasts)
    /slo              attributes only: the SLO and its attainment
    /alerting         only when the scenario declares time.alerting (alert policies):
                      attribute missed_firing_bound; /alerting/policies and /alerting/rules
                      (small tables: one row per policy, one per rule and per policy's page
                      rules together); /alerting/firings, one row per firing of a rule, and
                      /alerting/series, the slice counts around each policy's first firing
                      about an outage in histories 0..3 (record outages or requests). The
                      group's layout and checks are in alerting.py
    /slos             only when the scenario declares time.slos (SLOs as objects):
                      /slos/objectives (one row per SLO), the windows' definitions
                      (window_slo, window_first_day, window_days) and /slos/windows, one row
                      per history, SLO and window (record outages or requests). The group's
                      layout and checks are in slos.py
    root totals       requests, failed, failed_outage, outages, time_availability (+ _ci_low,
                      _ci_high, _exact), request_availability, ci_level, exact_method,
                      verdict_tests, verdict_test_alpha: written when the run has finished

Opening reads the root attributes and the small tables and checks them against each other and
the big tables' lengths (one entry per history, per outage counted in /components and /events,
per window, per failed request counted in /histories/failed_outage); rows of the big tables are
read only when asked for, chunk by chunk, and their values are checked as they are read.
verify() reads everything once and checks the counts row by row. Anything wrong raises
DamagedFileError naming the file.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

from ..errors import DamagedFileError, RecordError
from ..stats import slos as slo_math
from .export import ToXarray
from .hdf5 import Attributes, Columns, OpenedFile, reading
from .lazy import LazyArray
from .alerting import AlertTables
from .records import Column, Records, exactly_one_of
from .slos import SLO_WINDOWS, SloTables

TIME_FORMAT_VERSION = 3
SECONDS_PER_YEAR = 365 * 86400.0  # the scenario's `y` unit

RECORD_MODES = ("outages", "requests", "none")
START_STATES = ("fresh", "steady")
SUMMARY_METRICS = ("time_availability", "request_availability", "downtime_per_year",
                   "outages_per_year", "mean_time_to_detect", "mean_time_to_repair",
                   "failed_requests_per_year")
SUMMARY_UNITS = ("", "s", "1/y")  # fractions and counts, seconds, per year
OUTAGE_CAUSES = {0: "own failure", 1: "common-cause event"}
# /requests lists only the requests an outage failed (transient failures are only counted).
REQUEST_CAUSES = {1: "outage", 2: "outage prolonged by detection"}
# Root attributes written when the run has finished: the totals over every history.
_TOTAL_COUNTS = ("requests", "failed", "failed_outage", "outages")
_TOTAL_REALS = ("time_availability", "time_availability_ci_low", "time_availability_ci_high",
                "time_availability_exact", "request_availability", "ci_level",
                "verdict_test_alpha")

__all__ = ["TimeRun", "TimeMetadata", "TIME_FORMAT_VERSION", "SECONDS_PER_YEAR",
           "SUMMARY_METRICS", "SUMMARY_UNITS", "OUTAGE_CAUSES", "REQUEST_CAUSES"]

# /histories: one value per history.
_HISTORY_COLUMNS = (("downtime", np.float64), ("outages", np.int64), ("requests", np.uint64),
                    ("failed", np.uint64), ("failed_outage", np.uint64),
                    ("time_availability", np.float64), ("request_availability", np.float64),
                    ("mean_time_to_detect", np.float64), ("mean_time_to_repair", np.float64),
                    ("windows_met_time", np.int64), ("windows_met_requests", np.int64))
# /histories: histories x kinds, stored flat (row-major) with attributes rows and columns.
_KIND_MATRICES = (("kind_downtime", np.float64), ("kind_requests", np.uint64),
                  ("kind_failed", np.uint64))

# Names of the cause codes of /outages (0, 1) and of /requests (1, 2), as the files' CF
# flag_meanings spell them.
OUTAGE_CAUSES = ["own_failure", "event"]
REQUEST_CAUSES = ["outage", "outage_prolonged_by_needs"]


@dataclasses.dataclass(frozen=True)
class TimeMetadata:
    """What was run, by which engine, when, over how long."""
    path: str
    format: str
    format_version: int
    nines_version: str
    scenario_name: str
    scenario_yaml: str
    scenario_sha256: str
    seed: int
    record: str
    created: str
    histories: int
    horizon_seconds: float
    start: str
    crews: int              # 0: unlimited (independent repair)
    traffic_rate: float     # requests per second, on average
    chunk_histories: int
    slo_target: float | None = None
    slo_window_seconds: float | None = None
    slo_windows: str | None = None

    @property
    def horizon_years(self) -> float:
        return self.horizon_seconds / SECONDS_PER_YEAR

    @property
    def history_years(self) -> float:
        """All histories together, in years: what per-year figures divide by."""
        return self.histories * self.horizon_years


class TimeRun(ToXarray, OpenedFile):
    """An opened time run file (format_version 3). Use as a context manager or call close().

    Small tables come back as DataFrames: components(), events(), kinds(), summary(); the SLO
    as a dict (slo); one row per history: histories() and kind_histories(); the big tables as
    lazy Records: outages(), windows(), requests() (or a DataFrame of one history's rows with
    history=h). Scenarios with alert policies add the alert_* methods (/alerting), those with
    SLOs as objects the slo_* methods (/slos)."""

    _kind = "nines time run file"

    # -- loading -------------------------------------------------------------------------------

    def _load(self) -> None:
        self._attrs = Attributes(self._file, self.path, of=f"a {self._kind}")
        self.metadata = self._read_metadata()
        a = self._attrs
        self.verdict = a.string("verdict")
        self.agrees = a.flag("agrees")
        self.exact_method = a.string("exact_method")
        totals = {key: a.integer(key, minimum=0) for key in _TOTAL_COUNTS}
        totals.update({key: a.real(key) for key in _TOTAL_REALS})
        totals["verdict_tests"] = a.integer("verdict_tests", minimum=0)
        self._totals = totals
        self._read_tables()
        self._alerting = self._read_alerting()
        self._slos = self._read_slos()

    def _choice(self, key: str, allowed: tuple[str, ...], value: str) -> str:
        if value not in allowed:
            raise DamagedFileError(self.path, f"the root attribute '{key}' is {value!r}; "
                                   f"expected {', '.join(allowed[:-1])} or {allowed[-1]}")
        return value

    def _read_metadata(self) -> TimeMetadata:
        a = self._attrs
        horizon = a.real("horizon_seconds")
        if not (math.isfinite(horizon) and horizon > 0):
            raise DamagedFileError(self.path, f"the root attribute 'horizon_seconds' is "
                                   f"{horizon}; a horizon is a positive number of seconds")
        slo = {}
        if "slo_target" in a:
            target = a.real("slo_target")
            if not 0 < target < 1:
                raise DamagedFileError(self.path, f"the root attribute 'slo_target' is "
                                       f"{target}; a target lies between 0 and 1")
            slo = dict(slo_target=target, slo_window_seconds=a.real("slo_window_seconds"),
                       slo_windows=self._choice("slo_windows", SLO_WINDOWS,
                                                a.string("slo_windows")))
        return TimeMetadata(
            path=self.path,
            format=a.string("format"),
            format_version=a.integer("format_version"),
            nines_version=a.string("nines_version"),
            scenario_name=a.string("scenario_name"),
            scenario_yaml=a.string("scenario_yaml"),
            scenario_sha256=a.string("scenario_sha256"),
            seed=a.integer("seed", minimum=0),
            record=self._choice("record", RECORD_MODES, a.string("record")),
            created=a.string("created"),
            histories=a.integer("histories", minimum=1),
            horizon_seconds=horizon,
            start=self._choice("start", START_STATES, a.string("start")),
            crews=a.integer("crews", minimum=0),
            traffic_rate=a.real("traffic_rate"),
            chunk_histories=a.integer("chunk_histories", minimum=1),
            **slo)

    def _columns(self, name: str, why: str = "") -> Columns:
        return Columns(self._file, name, self.path, self._kind + why)

    def _read_tables(self) -> None:
        p = self.path
        m = self.metadata

        # /components: one row per replica.
        g = self._columns("components")
        names = g.strings("name")
        n_components = len(names)
        one = dict(length=n_components, per="component")
        components = pd.DataFrame({"name": names})
        for key in ("declaration", "failure", "repair", "detection"):
            components[key] = g.strings(key, **one)
        components.insert(2, "replica", g.numbers("replica", np.int64, **one))
        components.insert(3, "reliability", g.numbers("reliability", np.float64, **one))
        components["outages"] = g.numbers("outages", np.int64, **one)
        for key in ("downtime", "outages_per_year", "downtime_per_year", "mean_time_to_detect",
                    "mean_time_to_repair", "budget_seconds_per_year",
                    "budget_detection_seconds_per_year", "budget_requests_per_year",
                    "availability_simulated", "availability_exact",
                    "mean_time_to_detect_exact", "z_score"):
            components[key] = g.numbers(key, np.float64, **one)
        components.index.name = "component"
        self._components = components

        # /events: common-cause events with processes.
        g = self._columns("events")
        events = pd.DataFrame({"name": g.strings("name")})
        one = dict(length=len(events), per="common-cause event")
        for key in ("every", "lasts"):
            events[key] = g.strings(key, **one)
        events["occurrences"] = g.numbers("occurrences", np.int64, **one)
        for key in ("downtime", "budget_seconds_per_year", "budget_requests_per_year",
                    "quiet_simulated", "quiet_exact"):
            events[key] = g.numbers(key, np.float64, **one)
        events.index.name = "event"
        self._events = events
        n_events = len(events)

        # /kinds: one row per request kind.
        g = self._columns("kinds")
        kinds = pd.DataFrame({"name": g.strings("name")})
        one = dict(length=len(kinds), per="request kind")
        for key in ("weight", "time_availability", "time_availability_ci_low",
                    "time_availability_ci_high", "request_availability", "downtime_per_year",
                    "availability_exact", "z_score"):
            kinds[key] = g.numbers(key, np.float64, **one)
        for key in ("requests", "failed", "failed_outage"):
            kinds[key] = g.numbers(key, np.uint64, **one)
        if not len(kinds):
            raise DamagedFileError(p, "/kinds is empty: a run has at least one request kind")
        total_weight = kinds["weight"].sum()
        kinds.insert(2, "traffic_share", kinds["weight"] / total_weight if total_weight > 0
                     else np.nan)
        kinds.index.name = "kind"
        self._kinds = kinds
        n_kinds = len(kinds)
        for key in ("requests", "failed", "failed_outage"):
            total = int(kinds[key].to_numpy().sum(dtype=np.uint64))
            if total != self._totals[key]:
                raise DamagedFileError(p, f"/kinds/{key} adds up to {total:,} but the root "
                                       f"attribute '{key}' says {self._totals[key]:,}")
        if not (kinds["failed_outage"] <= kinds["failed"]).all() or \
                not (kinds["failed"] <= kinds["requests"]).all():
            raise DamagedFileError(p, "/kinds counts more failed requests than requests, or "
                                   "more failed in outages than failed")
        counted = int(components["outages"].sum() + events["occurrences"].sum())
        if counted != self._totals["outages"]:
            raise DamagedFileError(p, f"/components/outages and /events/occurrences add up to "
                                   f"{counted:,} but the root attribute 'outages' says "
                                   f"{self._totals['outages']:,}")

        # /summary: one row per metric.
        g = self._columns("summary")
        metrics = g.strings("metric")
        if len(set(metrics)) != len(metrics):
            raise DamagedFileError(p, "/summary/metric names a metric twice")
        one = dict(length=len(metrics), per="metric")
        units = g.strings("unit", **one)
        odd = [u for u in units if u not in SUMMARY_UNITS]
        if odd:
            raise DamagedFileError(p, f"/summary/unit holds {odd[0]!r}; units are "
                                   + ", ".join(repr(u) for u in SUMMARY_UNITS))
        summary = pd.DataFrame({"unit": units}, index=pd.Index(metrics, name="metric"))
        for key in ("mean", "ci_low", "ci_high", "p05", "p50", "p95"):
            summary[key] = g.numbers(key, np.float64, **one)
        self._summary = summary

        # /slo: attributes, present exactly when the scenario declares an SLO.
        self._slo = self._read_slo()

        # The per-history tables.
        record = m.record
        H = m.histories
        self._outages = self._windows = self._requests = None
        self._window_definitions = None
        if record == "none":
            return
        why = f" (record={record})"
        g = self._columns("histories", why)
        self._history_columns = {key: (g.dataset(key, length=H, per="history"), dtype)
                                 for key, dtype in _HISTORY_COLUMNS}
        self._history_group = g
        self._kind_matrices = {}
        for key, dtype in _KIND_MATRICES:
            # 2-D from format minor version 2; flat before (attributes rows and columns).
            dataset = g.matrix_dataset(key, (H, n_kinds), what="histories x kinds")
            if len(dataset.shape) == 1:
                g.dataset(key, length=H * n_kinds, per="(history, kind) pair")
            self._kind_matrices[key] = dtype
        self._outages = Records(self._columns("outages", why), [
            Column("history", (0, H - 1), bounded_by="the root attribute 'histories'"),
            Column("component", (-1, n_components - 1), bounded_by="/components"),
            Column("event", (-1, n_events - 1), bounded_by="/events"),
            Column("start", real=True), Column("detected", real=True),
            Column("repair_start", real=True), Column("end", real=True),
            Column("detection_paused", real=True),
            Column("cause", (0, 1), bounded_by="the layout")],
            per="outage", check=exactly_one_of(p, "/outages", "component", "event"))
        counted = int(components["outages"].sum() + events["occurrences"].sum())
        if len(self._outages) != counted:
            raise DamagedFileError(p, f"/outages has {len(self._outages):,} rows but "
                                   f"/components/outages and /events/occurrences add up to "
                                   f"{counted:,}")
        if len(self._outages) != self._totals["outages"]:
            raise DamagedFileError(p, f"/outages has {len(self._outages):,} rows but the root "
                                   f"attribute 'outages' says {self._totals['outages']:,}")
        if self._slo:
            per_history = self._slo["windows_per_history"]
            group = self._columns("windows", why + " with an SLO")
            self._window_definitions = self._read_window_definitions(group)
            self._windows = Records(group, [
                Column("history", (0, H - 1), bounded_by="the root attribute 'histories'"),
                Column("window", (0, per_history - 1),
                       bounded_by="/slo windows_per_history"),
                Column("requests", (0, None)), Column("failed", (0, None)),
                Column("downtime", real=True), Column("met_time", (0, 1)),
                Column("met_requests", (0, 1))],
                length=H * per_history, per="history and window")
        if record == "requests":
            failed = self._sum_history_column("failed_outage")
            self._requests = Records(self._columns("requests", why), [
                Column("history", (0, H - 1), bounded_by="the root attribute 'histories'"),
                Column("time", real=True),
                Column("kind", (0, n_kinds - 1), bounded_by="/kinds"),
                Column("culprit", (-1, n_components + n_events - 1),
                       bounded_by="/components and /events"),
                Column("cause", (1, 2), bounded_by="the layout")])
            if len(self._requests) != failed:
                raise DamagedFileError(p, f"/requests has {len(self._requests):,} rows but "
                                       f"/histories/failed_outage adds up to {failed:,} "
                                       "requests failed by outages")

    def _read_alerting(self) -> AlertTables | None:
        with reading(self.path, "the group /alerting"):
            present = "alerting" in self._file
        if not present:
            return None
        return AlertTables(self._file, self, f" (record={self.metadata.record})")

    def _read_slos(self) -> SloTables | None:
        with reading(self.path, "the group /slos"):
            present = "slos" in self._file
        if not present:
            return None
        return SloTables(self._file, self, f" (record={self.metadata.record})")

    def _read_window_definitions(self, group: Columns) -> pd.DataFrame:
        """The SLO's windows, one row per window: first_day, days, and start and length in
        seconds. Checked: whole windows inside the horizon, as many as /slo says."""
        p = self.path
        per_history = self._slo["windows_per_history"]
        one = dict(length=per_history, per="window of /slo windows_per_history")
        first = group.numbers("window_first_day", np.int64, **one)
        days = group.numbers("window_days", np.int64, **one)
        horizon_days = self.metadata.horizon_seconds / 86400.0
        bad = np.flatnonzero((first < 0) | (days < 1) | (first + days > horizon_days + 1e-9))
        if bad.size:
            w = int(bad[0])
            raise DamagedFileError(p, f"/windows defines window {w} as days {first[w]} to "
                                   f"{first[w] + days[w]}, not a whole window inside the "
                                   f"horizon of {horizon_days:g} days")
        if self._slo["windows"] != "calendar-months" and per_history and \
                not (days * 86400.0 == self._slo["window_seconds"]).all():
            raise DamagedFileError(p, f"/windows/window_days holds lengths other than the "
                                   f"SLO's window of {self._slo['window_seconds'] / 86400:g} "
                                   "days")
        frame = pd.DataFrame({"first_day": first, "days": days,
                              "start": first * 86400.0, "length": days * 86400.0},
                             index=pd.RangeIndex(per_history, name="window"))
        return frame

    def _read_slo(self) -> dict:
        p = self.path
        declared = self.metadata.slo_target is not None
        with reading(p, "the group /slo"):
            present = "slo" in self._file
        if not declared:
            if present:
                raise DamagedFileError(p, "/slo is present but the root attributes declare no "
                                       "SLO (slo_target)")
            return {}
        if not present:
            raise DamagedFileError(p, "the root attributes declare an SLO (slo_target) but "
                                   f"the {self._kind}'s group /slo is missing")
        with reading(p, "the group /slo"):
            group = self._file["slo"]
        a = Attributes(group, p, where="attribute", of="/slo")
        slo = {"target": a.real("target"), "window_seconds": a.real("window_seconds"),
               "windows": self._choice("slo_windows", SLO_WINDOWS, a.string("windows")),
               "windows_per_history": a.integer("windows_per_history", minimum=1)}
        for key in ("share_met_time", "share_met_requests", "first_window_met_time"):
            for suffix in ("", "_low", "_high"):
                slo[key + suffix] = a.real(key + suffix)
        slo["first_window_met_time_exact"] = a.real("first_window_met_time_exact")
        slo["first_window_met_requests"] = a.real("first_window_met_requests")
        if slo["target"] != self.metadata.slo_target:
            raise DamagedFileError(p, f"/slo says the target is {slo['target']} but the root "
                                   f"attribute 'slo_target' says {self.metadata.slo_target}")
        return slo

    def _sum_history_column(self, key: str) -> int:
        dataset, _ = self._history_columns[key]
        column = LazyArray(dataset, self.path)
        return sum(int(block.sum(dtype=np.uint64)) for _, block in column.iter_chunks())

    def _need_histories(self) -> None:
        if not self.has_histories:
            self._need(None, "/histories", "run with --record outages or requests to keep them")

    def _need(self, table, what: str, how: str):
        if table is None:
            raise RecordError(f"{self.path} was recorded with --record {self.metadata.record}: "
                              f"it has no {what} ({how})")
        return table

    # -- the small tables ----------------------------------------------------------------------

    def components(self) -> pd.DataFrame:
        """Per component replica: name, declaration, replica, reliability, the failure, repair
        and detection models as text ("" when it has no outages), outages, downtime (s, all
        histories), outages_per_year, downtime_per_year (s), mean_time_to_detect and
        mean_time_to_repair (realised, s), budget_seconds_per_year and
        budget_detection_seconds_per_year (service downtime it caused as the triggering
        outage, and through other outages' detection waiting on it), budget_requests_per_year,
        availability_simulated and availability_exact (NaN without a closed form),
        mean_time_to_detect_exact (NaN without a closed form) and z_score. Components without
        outages have 0 outages and NaN mean_time_to_detect / mean_time_to_repair."""
        return self._components.copy()


    def events(self) -> pd.DataFrame:
        """Per common-cause event with a process: name, every, lasts (text), occurrences,
        downtime (s, all histories), budget_seconds_per_year, budget_requests_per_year,
        quiet_simulated and quiet_exact (the share of time it is not going on). Events given
        by a probability instead (per request) are not listed."""
        return self._events.copy()

    def kinds(self) -> pd.DataFrame:
        """Per request kind: name, weight, traffic_share, time_availability (mean over
        histories) with time_availability_ci_low / _ci_high, request_availability,
        downtime_per_year (s), availability_exact (steady state through the BDD; NaN when
        none), z_score, and the counts requests, failed and failed_outage."""
        return self._kinds.copy()

    def summary(self) -> pd.DataFrame:
        """One row per metric (time_availability, request_availability, downtime_per_year,
        outages_per_year, mean_time_to_detect, mean_time_to_repair, failed_requests_per_year):
        unit ("" for fractions, "s" for durations, "1/y" for rates per year), mean, ci_low,
        ci_high, p05, p50, p95 over histories. The engine's quantiles come from logarithmic
        bins (within 0.5%); a NaN interval means the engine gives none."""
        return self._summary.copy()

    def metric(self, name: str) -> pd.Series:
        """One row of summary() without its unit (mean, ci_low, ci_high, p05, p50, p95, as
        floats); all NaN when the file does not hold that metric."""
        numbers = self._summary.drop(columns="unit")
        if name in numbers.index:
            return numbers.loc[name].astype(np.float64)
        return pd.Series(np.nan, index=numbers.columns, name=name)

    @property
    def totals(self) -> dict:
        """The run's totals over every history (root attributes): requests, failed,
        failed_outage, outages (counts), time_availability with _ci_low, _ci_high (at
        ci_level) and _exact (NaN where none), request_availability, verdict_tests and
        verdict_test_alpha."""
        return dict(self._totals)

    @property
    def slo(self) -> dict:
        """The SLO and its attainment (the /slo attributes): target, window_seconds, windows,
        windows_per_history, share_met_time(_low/_high), share_met_requests(_low/_high),
        first_window_met_time(_low/_high), first_window_met_time_exact,
        first_window_met_requests. Empty when the scenario declares no SLO."""
        return dict(self._slo)

    def budget(self) -> pd.DataFrame:
        """The error budget by culprit, components and events together, largest first: name,
        element ("component" or "common cause"), own (s of service downtime per year as the
        triggering outage), detection (s per year through detection delays it caused; 0 for
        events), total, requests (failed requests per year) and share of the total."""
        c, e = self._components, self._events
        table = pd.concat([
            pd.DataFrame({"name": c["name"], "element": "component",
                          "own": c["budget_seconds_per_year"],
                          "detection": c["budget_detection_seconds_per_year"],
                          "requests": c["budget_requests_per_year"]}),
            pd.DataFrame({"name": e["name"], "element": "common cause",
                          "own": e["budget_seconds_per_year"], "detection": 0.0,
                          "requests": e["budget_requests_per_year"]}),
        ], ignore_index=True)
        table["total"] = table["own"] + table["detection"]
        everything = table["total"].sum()
        table["share"] = table["total"] / everything if everything > 0 else np.nan
        table = table.sort_values("total", ascending=False, kind="mergesort")
        return table.reset_index(drop=True)

    # -- per history ---------------------------------------------------------------------------

    @property
    def has_histories(self) -> bool:
        """Whether the file holds /histories (record outages or requests)."""
        return self.metadata.record != "none"

    def histories(self, columns=None, *, start: int = 0, stop: int | None = None
                  ) -> pd.DataFrame:
        """One row per history (index: history), histories [start, stop): downtime (s),
        outages, requests, failed, failed_outage, time_availability, request_availability,
        mean_time_to_detect, mean_time_to_repair (s; NaN without a detected or repaired
        outage), windows_met_time, windows_met_requests; `columns` picks some of them."""
        self._need_histories()
        start, stop, _ = slice(start, stop).indices(self.metadata.histories)
        stop = max(start, stop)
        keys = [k for k, _ in _HISTORY_COLUMNS] if columns is None else list(columns)
        unknown = [k for k in keys if k not in self._history_columns]
        if unknown:
            raise KeyError(f"no history column {unknown[0]!r} (columns: "
                           f"{', '.join(self._history_columns)})")
        g = self._history_group
        frame = pd.DataFrame({key: g.numbers(key, self._history_columns[key][1],
                                             rows=(start, stop))
                              for key in keys},
                             index=pd.RangeIndex(start, stop, name="history"))
        return frame

    def kind_histories(self, column: str = "kind_downtime", *, start: int = 0,
                       stop: int | None = None) -> pd.DataFrame:
        """A histories x kinds matrix (kind_downtime in s, kind_requests or kind_failed) for
        histories [start, stop): rows by history, columns by kind name."""
        self._need_histories()
        if column not in self._kind_matrices:
            raise KeyError(f"no kind matrix {column!r} (matrices: "
                           f"{', '.join(self._kind_matrices)})")
        start, stop, _ = slice(start, stop).indices(self.metadata.histories)
        stop = max(start, stop)
        n = len(self._kinds)
        values = self._history_group.matrix(column, self._kind_matrices[column],
                                            (self.metadata.histories, n), rows=(start, stop),
                                            what="histories x kinds")
        return pd.DataFrame(values,
                            index=pd.RangeIndex(start, stop, name="history"),
                            columns=pd.Index(self._kinds["name"], name="kind"))

    # -- the big tables ------------------------------------------------------------------------

    def outages(self, history: int | None = None):
        """Every outage and event occurrence: lazy Records with columns history, component (-1
        for an event), event (-1 for a component outage), start, detected, repair_start, end
        (s from the history's start; NaN = not reached within the horizon; for events
        detected = repair_start = start), detection_paused (s the detection clock stood still)
        and cause (0 own failure, 1 common-cause event). With `history`: that history's rows
        as a DataFrame with a `name` column (the component's or event's, categorical) and
        `cause_name` (categorical: own_failure, event)."""
        table = self._need(self._outages, "/outages",
                           "run with --record outages or requests to keep them")
        if history is None:
            return table
        frame = table.where_history(self._history_index(history))
        names = np.where(frame["component"].to_numpy() >= 0,
                         self._components["name"].to_numpy()[
                             np.maximum(frame["component"].to_numpy(), 0)]
                         if len(self._components) else "",
                         self._events["name"].to_numpy()[np.maximum(frame["event"].to_numpy(), 0)]
                         if len(self._events) else "")
        # Named categories beside the codes: the component's or event's name, and the cause.
        frame.insert(3, "name", pd.Categorical(
            names, categories=list(dict.fromkeys([*self._components["name"],
                                                  *self._events["name"]]))))
        frame["cause_name"] = pd.Categorical.from_codes(
            frame["cause"].to_numpy(dtype=np.int64), OUTAGE_CAUSES)
        return frame

    def windows(self, history: int | None = None):
        """Per history and SLO window: lazy Records with columns history, window, requests,
        failed, downtime (s), met_time, met_requests (0/1); when each window begins and how
        long it lasts is in window_definitions(). With `history`: that history's windows as a
        DataFrame, with the window's start and length (s) joined in. RecordError without an
        SLO or with --record none."""
        self._need_slo()
        table = self._need(self._windows, "/windows",
                           "run with --record outages or requests to keep them")
        if history is None:
            return table
        frame = table.where_history(self._history_index(history))
        where = self._window_definitions.loc[frame["window"].to_numpy()]
        frame.insert(2, "start", where["start"].to_numpy())
        frame.insert(3, "length", where["length"].to_numpy())
        return frame

    def window_definitions(self) -> pd.DataFrame:
        """The SLO's windows, the same in every history (index: window): first_day and days
        (the window covers days [first_day, first_day + days) of a history), start and length
        in seconds. Only whole windows inside the horizon exist. RecordError without an SLO or
        with --record none."""
        self._need_slo()
        table = self._need(self._window_definitions, "/windows",
                           "run with --record outages or requests to keep them")
        return table.copy()

    def _need_slo(self) -> None:
        if not self._slo:
            raise RecordError(f"{self.path}: the scenario declares no SLO, so the run has no "
                              "windows (add time.slo to the scenario)")

    def requests(self, history: int | None = None):
        """The requests that failed because their kind was down (--record requests; as many
        as /histories/failed_outage counts: transient per-request failures are counted in
        /histories/failed but not listed): lazy Records with columns history, time (s), kind,
        culprit (component index, or K + event index; -1 unknown) and cause (1 outage, 2
        outage prolonged by detection waiting on its needs). With `history`: that history's
        rows as a DataFrame, with the categorical columns culprit_name (component or event
        name, or "unknown") and cause_name (outage, outage_prolonged_by_needs)."""
        table = self._need(self._requests, "/requests",
                           "run with --record requests to keep the failed requests")
        if history is None:
            return table
        frame = table.where_history(self._history_index(history))
        # Named categories beside the codes: the culprit's name and the cause.
        culprits = [*self._components["name"], *self._events["name"]]
        codes = frame["culprit"].to_numpy(dtype=np.int64)
        frame["culprit_name"] = pd.Categorical.from_codes(
            np.where(codes < 0, len(culprits), codes), [*culprits, "unknown"])
        frame["cause_name"] = pd.Categorical.from_codes(
            frame["cause"].to_numpy(dtype=np.int64) - 1, REQUEST_CAUSES)
        return frame

    def _history_index(self, history: int) -> int:
        h = int(history)
        if h < 0:
            h += self.metadata.histories
        if not 0 <= h < self.metadata.histories:
            raise IndexError(f"history {history} out of range for {self.metadata.histories} "
                             "histories")
        return h

    def culprit_name(self, code: int) -> str:
        """The name behind a culprit code of /requests: a component, an event (K + e), or
        "unknown" (-1)."""
        k = len(self._components)
        if code < 0:
            return "unknown"
        return self._components["name"].iat[code] if code < k else \
            self._events["name"].iat[code - k]

    # -- alert policies (/alerting) --------------------------------------------------------------

    @property
    def has_alerting(self) -> bool:
        """Whether the scenario declares alert policies (time.alerting): the file has
        /alerting. Without them the alert_* tables are empty (alert_policies(), alert_rules(),
        alert_noise_by_hour(), policy_comparison()), alert_missed_firing_bound is None, and
        alert_firings(), alert_series() and alert_windows() raise RecordError."""
        return self._alerting is not None

    @property
    def alert_missed_firing_bound(self) -> float | None:
        """An upper bound on the expected number of firings the engine's evaluation skipped
        over the whole run (quiet slice ends proved by a Chernoff bound); None without alert
        policies."""
        return None if self._alerting is None else self._alerting.missed_firing_bound

    def alert_policies(self) -> pd.DataFrame:
        """One row per alert policy (index: policy, in the scenario's order): name, scope (a
        request kind's name, or "mix"), needs and delivery (tuples of component names: rules
        are evaluated only while the needs work, pages reach people only while delivery
        works), slice_seconds, outages (of the scope, all histories) and outages_per_year.
        Empty without alert policies."""
        if self._alerting is None:
            return pd.DataFrame({key: [] for key in ("name", "scope", "needs", "delivery",
                                                     "slice_seconds", "outages",
                                                     "outages_per_year")}).rename_axis("policy")
        return self._alerting.policies.copy()

    def alert_rules(self, policy=None) -> pd.DataFrame:
        """One row per rule of each policy (index: row of /alerting/rules), each policy's rules
        followed by its combined row ("any page": its page rules together): policy (index),
        rule (index within the policy; the combined row's is the number of rules), policy_name,
        name, severity (page or ticket), combined (bool); the counts over the run firings,
        delivered, noise (firings whose long window saw no outage of the scope),
        outages_paged; the settings burn_rate (NaN for error-ratio rules and combined rows),
        threshold (error ratio), long_seconds, short_seconds (0: none); and firings_per_year
        (with _ci_low, _ci_high), delivered_share, noise_per_year, precision and recall (with
        Wilson intervals), time_to_page_mean/_p50/_p95 (s from the outage's start to its first
        delivered page), budget_at_firing_mean/_p50/_p95 (share of the SLO window's error
        budget spent in the long window when it fired) and the policy's outages_per_year. NaN
        where undefined (no firings: precision; no outages: recall; none paged: time to page).
        `policy` (index or name) picks one policy's rows. Empty without alert policies."""
        if self._alerting is None:
            return pd.DataFrame({key: [] for key in ("policy", "rule", "policy_name", "name",
                                                     "severity", "combined")}).rename_axis("row")
        rules = self._alerting.rules
        if policy is not None:
            rules = rules[rules["policy"] == self._alerting.policy_index(policy)]
        return rules.copy()

    def alert_noise_by_hour(self) -> pd.DataFrame:
        """Noise firings per year by hour of day of the firing: one row per rule row of
        alert_rules() (index: policy name, rule name; the combined rows are "any page"),
        columns the hours 0..23 (of the day as the traffic's hourly profile counts them).
        Empty without alert policies."""
        if self._alerting is None:
            return pd.DataFrame(columns=pd.RangeIndex(24, name="hour"),
                                index=pd.MultiIndex.from_arrays([[], []],
                                                                names=["policy", "rule"]))
        return self._alerting.noise_by_hour.copy()

    def policy_comparison(self) -> pd.DataFrame:
        """The policies side by side on the same histories (common random numbers: each saw
        the same requests), one row per policy (index: name) from its combined row, the page
        rules together: scope, slice_seconds, rules, page_rules, outages, outages_per_year,
        firings_per_year (+ _ci_low, _ci_high), delivered_share, noise_per_year, precision and
        recall (+ intervals), time_to_page_mean/_p50/_p95, budget_at_firing_mean/_p50/_p95,
        and the counts firings, delivered, noise, outages_paged. Empty without alert
        policies."""
        if self._alerting is None:
            return pd.DataFrame().rename_axis("name")
        return self._alerting.comparison()

    def _need_alerting(self, what: str, table: str):
        if self._alerting is None:
            raise RecordError(f"{self.path}: the scenario declares no alert policies, so the "
                              f"run has no {what} (add time.alerting to the scenario)")
        return self._need(getattr(self._alerting, table), f"/alerting/{table}",
                          "run with --record outages or requests to keep them")

    def alert_firings(self, history: int | None = None):
        """Every firing of every rule (--record outages or requests): lazy Records with
        columns history, policy, rule (index within the policy: alert_rules(policy)["rule"]),
        fired (s from the history's start, a slice end), delivered (s; NaN: never reached
        people), outage_start (s; NaN for noise: no outage of the scope in the rule's long
        window) and budget (share of the SLO window's error budget in the long window when it
        fired; NaN without an SLO); sorted by history, policy, rule and time. With `history`:
        that history's rows as a DataFrame with policy_name and rule_name joined in.
        RecordError without alert policies or with --record none."""
        table = self._need_alerting("firings", "firings")
        if history is None:
            return table
        frame = table.where_history(self._history_index(history))
        rules = self._alerting.rules
        offsets = np.concatenate([[0], np.cumsum(self._alerting.rules_per_policy() + 1)])
        rows = offsets[frame["policy"].to_numpy(np.int64)] + frame["rule"].to_numpy(np.int64)
        frame.insert(2, "policy_name", rules["policy_name"].to_numpy()[rows])
        frame.insert(4, "rule_name", rules["name"].to_numpy()[rows])
        return frame

    def alert_series(self, history: int | None = None, policy=None) -> pd.DataFrame:
        """The exact request and error counts of every slice around each policy's first
        firing about an outage, in histories 0..3 (--record outages or requests; a policy
        that never fired about an outage in a history has none there): history, policy,
        policy_name, slice (slice i covers [i, i + 1) x slice_seconds), start (s), requests,
        errors; at most 720 slices each side. `history` and `policy` (index or name) pick
        rows. RecordError without alert policies or with --record none."""
        self._need_alerting("series", "series")
        frame = self._alerting.read_series()
        if history is not None:
            frame = frame[frame["history"] == self._history_index(history)]
        if policy is not None:
            frame = frame[frame["policy"] == self._alerting.policy_index(policy)]
        return frame.reset_index(drop=True)

    def alert_series_keys(self) -> list[tuple[int, int]]:
        """The (history, policy) pairs alert_series() holds, in file order."""
        self._need_alerting("series", "series")
        frame = self._alerting.read_series()
        return list(dict.fromkeys(zip(frame["history"].astype(int),
                                      frame["policy"].astype(int))))

    def alert_windows(self, history: int, policy) -> pd.DataFrame:
        """Each rule's windows over one series of alert_series() (history, policy), recomputed
        from its slice counts, one row per rule and slice end: rule, name, severity,
        end_slice, end (s), long_requests, long_errors, long_ratio, short_* (NaN without a
        short window), threshold, complete (both windows inside the recorded slices, or cut at
        the history's start; sums of incomplete windows are NaN), fires (both error ratios
        above the threshold, as the engine decides), starts (a firing starts: it fires here
        and not at the end before). Burn rates are the ratios / (1 - the SLO's target). Where
        the policy's needs were down the engine did not evaluate, so `fires` may say more than
        the engine's firings. Empty when the series has no such block."""
        self._need_alerting("series", "series")
        return self._alerting.windows(self._history_index(history),
                                      self._alerting.policy_index(policy))

    # -- SLOs as objects (/slos) ------------------------------------------------------------------

    @property
    def has_slos(self) -> bool:
        """Whether the scenario declares SLOs as objects (time.slos): the file has /slos.
        Without them slo_objectives() is empty and the other slo_* methods raise
        RecordError."""
        return self._slos is not None

    def _need_slos(self, what: str) -> SloTables:
        if self._slos is None:
            raise RecordError(f"{self.path}: the scenario declares no SLOs as objects, so the "
                              f"run has no {what} (add time.slos to the scenario)")
        return self._slos

    def _need_slo_windows(self) -> SloTables:
        slos = self._need_slos("SLO windows")
        self._need(slos.windows, "/slos/windows",
                   "run with --record outages or requests to keep them")
        return slos

    def slo_objectives(self) -> pd.DataFrame:
        """One row per SLO of time.slos (index: slo, in the scenario's order): name, scope (a
        request kind's name, or "mix"), budgeting_method (occurrences: failed requests
        against requests; timeslices: bad slices against slices), windows (rolling, tumbling
        or calendar-months), target, window_seconds, time_slice_target and
        time_slice_window_seconds (NaN for occurrences), windows_per_history, share_met (the
        share of windows that met it, over all histories) with share_met_low / _high (its
        interval over histories), first_window_met (P(a history's first window meets it))
        with _low / _high (Wilson), good_share (1 - bad / total events over all windows) and
        budget_fraction (1 - target: the share of a window's events that may be bad). Empty
        without SLOs."""
        if self._slos is None:
            return pd.DataFrame({key: [] for key in (
                "name", "scope", "budgeting_method", "windows", "target", "window_seconds",
                "share_met", "first_window_met", "good_share")}).rename_axis("slo")
        return self._slos.objectives.copy()

    def slo_window_definitions(self, slo=None) -> pd.DataFrame:
        """Each SLO's windows, the same in every history: first_day and days (the window
        covers days [first_day, first_day + days) of a history), start and length in seconds.
        Index (slo, window) for all SLOs; with `slo` (index or name) that SLO's windows,
        index window. RecordError without SLOs."""
        slos = self._need_slos("SLO windows")
        table = slos.definitions
        if slo is None:
            return table.set_index(["slo", "window"])
        return table[table["slo"] == slos.index(slo)].drop(columns="slo") \
            .set_index("window")

    def slo_windows(self, slo=None, history: int | None = None):
        """Per history, SLO and window (--record outages or requests): lazy Records with
        columns history, slo, window, bad (failed requests, or bad time slices), total
        (requests, or time slices) and met (0/1: bad <= (1 - target) x total), rows by
        history, then SLO, then window. With `history` and/or `slo` (index or name): those
        rows as a DataFrame, with slo_name, start and length (s) joined in. RecordError
        without SLOs or with --record none."""
        slos = self._need_slo_windows()
        if slo is None and history is None:
            return slos.windows
        if history is not None:
            frame = slos.history_rows(self._history_index(history))
            if slo is not None:
                frame = frame[frame["slo"] == slos.index(slo)]
        else:
            frame = slos.slo_rows(slos.index(slo))
        at = slos.offsets[frame["slo"].to_numpy(np.int64)] + frame["window"].to_numpy(np.int64)
        defs = slos.definitions
        frame.insert(2, "slo_name", slos.objectives["name"].to_numpy()[
            frame["slo"].to_numpy(np.int64)] if len(frame) else [])
        frame.insert(4, "start", defs["start"].to_numpy()[at])
        frame.insert(5, "length", defs["length"].to_numpy()[at])
        return frame

    def slo_budget_consumed(self, slo) -> np.ndarray:
        """The share of its error budget each window of one SLO (index or name) consumed in
        every history (history by history): bad / ((1 - target) x total); 1.0 is the whole
        budget, above it the window missed the SLO; NaN for a window without events.
        --record outages or requests (the first call reads /slos/windows once for every
        SLO)."""
        slos = self._need_slo_windows()
        return slos.consumed()[slos.index(slo)].copy()

    def slo_budget_summary(self) -> pd.DataFrame:
        """Per SLO (index: slo) the distribution of budget consumed per window, over every
        window of every history: name, windows, mean, p05, p25, p50, p75, p95, p99, max (1.0
        is the whole budget) and exhausted (the share of windows over their budget)."""
        slos = self._need_slo_windows()
        rows = [{"name": name, **slo_math.consumed_summary(values)}
                for name, values in zip(slos.objectives["name"], slos.consumed())]
        return pd.DataFrame(rows).rename_axis("slo")

    # -- checking everything ---------------------------------------------------------------------

    def verify(self) -> None:
        """Reads every row of the big tables once, chunk by chunk, and checks that they add
        up: /outages per history against /histories/outages, per component and per event
        against /components/outages and /events/occurrences, rows sorted by history and start;
        /windows per history against windows_met_time / windows_met_requests; /requests per
        history against failed_outage and per kind against /kinds/failed_outage; the
        histories' sums against the root totals; with alert policies, /alerting/firings and
        /alerting/series against /alerting/rules (see AlertTables.verify); with SLOs,
        /slos/windows against /slos/objectives (see SloTables.verify). Raises
        DamagedFileError at the first disagreement; returns None when everything agrees (also
        for --record none, where opening checked all there is)."""
        if not self.has_histories:
            return
        if self._alerting is not None:
            self._alerting.verify()
        if self._slos is not None:
            self._slos.verify(self._totals["ci_level"])
        p = self.path
        H = self.metadata.histories
        h = self.histories(["outages", "requests", "failed", "failed_outage",
                            "windows_met_time", "windows_met_requests"])
        for key in ("requests", "failed", "failed_outage"):
            total = int(h[key].to_numpy().sum(dtype=np.uint64))
            if total != self._totals[key]:
                raise DamagedFileError(p, f"/histories/{key} adds up to {total:,} but the root "
                                       f"attribute '{key}' says {self._totals[key]:,}")
        for key in ("kind_requests", "kind_failed"):
            per_history = self.kind_histories(key).sum(axis=1).to_numpy(dtype=np.uint64)
            column = h[key.removeprefix("kind_")].to_numpy(dtype=np.uint64)
            if not np.array_equal(per_history, column):
                row = int(np.flatnonzero(per_history != column)[0])
                raise DamagedFileError(p, f"/histories/{key} for history {row} adds up to "
                                       f"{per_history[row]:,}, /histories/"
                                       f"{key.removeprefix('kind_')} says {column[row]:,}")
        K, E = len(self._components), len(self._events)
        per_history = np.zeros(H, dtype=np.int64)
        per_component = np.zeros(K, dtype=np.int64)
        per_event = np.zeros(E, dtype=np.int64)
        last = (-1, -math.inf)
        for start, block in self._outages.iter_chunks():
            history = block["history"].to_numpy(dtype=np.int64)
            begins = block["start"].to_numpy()
            order = np.lexsort((begins, history))
            previous = np.concatenate([[last[0]], history[:-1]]), \
                np.concatenate([[last[1]], begins[:-1]])
            unsorted = (history < previous[0]) | ((history == previous[0]) &
                                                  (begins < previous[1]))
            if unsorted.any() or not np.array_equal(order, np.arange(len(block))):
                row = start + int(np.flatnonzero(unsorted)[0]) if unsorted.any() else start
                raise DamagedFileError(p, f"/outages is not sorted by history, then start, "
                                       f"at row {row:,}")
            last = (int(history[-1]), float(begins[-1]))
            per_history += np.bincount(history, minlength=H)
            component = block["component"].to_numpy()
            event = block["event"].to_numpy()
            per_component += np.bincount(component[component >= 0], minlength=K)
            per_event += np.bincount(event[event >= 0], minlength=E)
        self._agree(per_history, h["outages"], "/outages rows of history",
                    "/histories/outages")
        self._agree(per_component, self._components["outages"], "/outages rows of component",
                    "/components/outages")
        self._agree(per_event, self._events["occurrences"], "/outages rows of event",
                    "/events/occurrences")
        if self._windows is not None:
            met_time = np.zeros(H, dtype=np.int64)
            met_requests = np.zeros(H, dtype=np.int64)
            for _, block in self._windows.iter_chunks():
                history = block["history"].to_numpy(dtype=np.int64)
                met_time += np.bincount(history, weights=block["met_time"],
                                        minlength=H).astype(np.int64)
                met_requests += np.bincount(history, weights=block["met_requests"],
                                            minlength=H).astype(np.int64)
            self._agree(met_time, h["windows_met_time"], "windows met by time in history",
                        "/histories/windows_met_time")
            self._agree(met_requests, h["windows_met_requests"],
                        "windows met by requests in history", "/histories/windows_met_requests")
        if self._requests is not None:
            per_history = np.zeros(H, dtype=np.int64)
            per_kind = np.zeros(len(self._kinds), dtype=np.int64)
            for _, block in self._requests.iter_chunks():
                per_history += np.bincount(block["history"].to_numpy(dtype=np.int64),
                                           minlength=H)
                per_kind += np.bincount(block["kind"].to_numpy(dtype=np.int64),
                                        minlength=len(self._kinds))
            self._agree(per_history, h["failed_outage"], "/requests rows of history",
                        "/histories/failed_outage")
            self._agree(per_kind, self._kinds["failed_outage"], "/requests rows of kind",
                        "/kinds/failed_outage")

    def _agree(self, counted: np.ndarray, stated, what: str, where: str) -> None:
        stated = np.asarray(stated, dtype=np.int64)
        if not np.array_equal(counted, stated):
            i = int(np.flatnonzero(counted != stated)[0])
            raise DamagedFileError(self.path, f"{what} {i}: {counted[i]:,} counted, {where} "
                                   f"says {stated[i]:,}")

    # -- lifetime ------------------------------------------------------------------------------

    def __repr__(self) -> str:
        m = self.metadata
        availability = self.metric("time_availability")["mean"]
        return (f"<nines.TimeRun {m.scenario_name!r}: {m.histories:,} histories of "
                f"{m.horizon_seconds / 86400:g} days, {len(self._components)} components, "
                f"{len(self._events)} events, record={m.record}, time availability "
                f"{availability:.6g}>")

