"""The /slos group of a time run (layout 3; present only when the scenario declares
`time.slos`): SLOs as objects, their windows and, with --record outages or requests, every
window of every history. TimeRun (time_run.py) opens it and answers through its slo_*
methods; this module knows the group's layout and checks it.

    /slos/objectives/*    one row per SLO, in the scenario's order: name, scope (a kind's
                          name or "mix"), budgeting_method (occurrences | timeslices),
                          windows (rolling | tumbling | calendar-months), target,
                          window_seconds, time_slice_target and time_slice_window_seconds
                          (NaN for occurrences), windows_per_history, share_met (_low,
                          _high: its interval over histories), first_window_met (_low,
                          _high: Wilson), good_share, budget_fraction (1 - target)
    /slos/window_slo, window_first_day, window_days
                          every SLO's windows, SLO by SLO: window w of SLO s is the w-th
                          row with window_slo = s and covers days [first, first + days)
    /slos/windows/*       record outages or requests: one row per history, SLO and window,
                          in that order (history h's rows are [h T, (h + 1) T) with T the
                          windows of all SLOs together): history, slo, window, bad (failed
                          requests, or bad slices), total (requests, or slices), met (int8)

Opening checks the objectives (unique names, known scopes and methods, time-slice fields
NaN exactly for occurrences, shares and intervals inside [0, 1]), the windows' definitions
against windows_per_history and the horizon, and the length of /slos/windows; its rows are
checked as they are read (each at its place, bad <= total, a timeslice window counting its
slices, met decided as the engine decides it). verify() reads the windows once and recounts
each SLO's share met with its interval, P(first window met) with its interval and the share
of good events.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import DamagedFileError
from ..stats import analytic
from ..stats import slos as slo_math
from .hdf5 import Columns, reading
from .records import Column, Records

__all__ = ["SloTables", "BUDGETING_METHODS", "SLO_WINDOWS", "OBJECTIVE_REALS"]

BUDGETING_METHODS = ("occurrences", "timeslices")
SLO_WINDOWS = ("rolling", "tumbling", "calendar-months")
DAY = 86400.0
OBJECTIVE_REALS = ("target", "window_seconds", "time_slice_target",
                   "time_slice_window_seconds", "share_met", "share_met_low",
                   "share_met_high", "first_window_met", "first_window_met_low",
                   "first_window_met_high", "good_share", "budget_fraction")
# Objective columns that are shares: [0, 1], or NaN where undefined.
_SHARES = ("share_met", "share_met_low", "share_met_high", "first_window_met",
           "first_window_met_low", "first_window_met_high", "good_share")


def _close(a, b, rtol: float = 1e-9, atol: float = 1e-12) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)


class SloTables:
    """/slos of an open time run: the objectives and the windows' definitions read and checked
    when the run is opened, /slos/windows lazily. `run` is the TimeRun being opened: its
    metadata and kinds are read already."""

    def __init__(self, file, run, why: str):
        self.path = p = run.path
        m = run.metadata
        self._histories = m.histories
        self._horizon_days = m.horizon_seconds / DAY
        kind = run._kind
        group = Columns(file, "slos", p, kind)
        self.objectives = self._read_objectives(Columns(group.group, "objectives", p, kind),
                                                list(run._kinds["name"]))
        per_history = self.objectives["windows_per_history"].to_numpy()
        self.windows_per_history = int(per_history.sum())
        # Row of each SLO's first window within one history's block of /slos/windows.
        self.offsets = np.concatenate([[0], np.cumsum(per_history)])[:-1].astype(np.int64)
        self.definitions = self._read_definitions(group)
        self._consumed = None
        self.windows = None
        if m.record == "none":
            with reading(p, "the group /slos"):
                if "windows" in group.group:
                    raise DamagedFileError(p, "/slos/windows is present but the run was "
                                           "recorded with --record none")
            return
        self.windows = self._windows_table(Columns(group.group, "windows", p, kind + why))

    # -- the small tables ----------------------------------------------------------------------

    def _read_objectives(self, g: Columns, kinds: list[str]) -> pd.DataFrame:
        p = self.path
        names = g.strings("name")
        one = dict(length=len(names), per="SLO")
        if not names:
            raise DamagedFileError(p, "/slos/objectives is empty: /slos exists only for a "
                                   "scenario with SLOs (time.slos)")
        if len(set(names)) != len(names):
            twice = next(n for n in names if names.count(n) > 1)
            raise DamagedFileError(p, f"/slos/objectives/name names SLO {twice!r} twice")
        frame = pd.DataFrame({"name": names})
        frame["scope"] = g.strings("scope", **one)
        odd = [s for s in frame["scope"] if s != "mix" and s not in kinds]
        if odd:
            raise DamagedFileError(p, f"/slos/objectives/scope holds {odd[0]!r}, neither a "
                                   "request kind of /kinds nor 'mix'")
        for key, allowed in (("budgeting_method", BUDGETING_METHODS), ("windows", SLO_WINDOWS)):
            frame[key] = g.strings(key, **one)
            odd = [s for s in frame[key] if s not in allowed]
            if odd:
                raise DamagedFileError(p, f"/slos/objectives/{key} holds {odd[0]!r}; expected "
                                       f"{', '.join(allowed[:-1])} or {allowed[-1]}")
        for key in OBJECTIVE_REALS:
            frame[key] = g.numbers(key, np.float64, **one)
        frame.insert(list(frame.columns).index("time_slice_window_seconds") + 1,
                     "windows_per_history", g.numbers("windows_per_history", np.int64, **one))
        for i in range(len(frame)):
            self._check_objective(frame.iloc[i])
        frame.index.name = "slo"
        return frame

    def _check_objective(self, o) -> None:
        p = self.path
        label = f"SLO {o['name']!r}"
        if not 0 < o["target"] < 1:
            raise DamagedFileError(p, f"/slos/objectives/target of {label} is {o['target']}; "
                                   "a target lies strictly between 0 and 1")
        if not _close(o["budget_fraction"], 1 - o["target"], rtol=0, atol=1e-15):
            raise DamagedFileError(p, f"/slos/objectives/budget_fraction of {label} is "
                                   f"{o['budget_fraction']}, but its target {o['target']} "
                                   f"makes {1 - o['target']}")
        days = o["window_seconds"] / DAY
        if not (days >= 1 and days == math.floor(days) and days <= self._horizon_days + 1e-9):
            raise DamagedFileError(p, f"/slos/objectives/window_seconds of {label} is "
                                   f"{o['window_seconds']}; a window is whole days, at most "
                                   f"the horizon of {self._horizon_days:g} days")
        slice_target, slice_seconds = o["time_slice_target"], o["time_slice_window_seconds"]
        if o["budgeting_method"] == "occurrences":
            if not (math.isnan(slice_target) and math.isnan(slice_seconds)):
                raise DamagedFileError(p, f"/slos/objectives: {label} is budgeted by "
                                       f"occurrences but has time_slice_target {slice_target} "
                                       f"and time_slice_window_seconds {slice_seconds}; both "
                                       "are NaN for occurrences")
        else:
            per_day = DAY / slice_seconds if slice_seconds > 0 else math.nan
            if not (0 < slice_target < 1 and slice_seconds >= 1 and
                    per_day == math.floor(per_day)):
                raise DamagedFileError(p, f"/slos/objectives: {label} is budgeted by "
                                       f"timeslices with time_slice_target {slice_target} and "
                                       f"time_slice_window_seconds {slice_seconds}; a slice "
                                       "target lies strictly between 0 and 1 and a slice is "
                                       "at least 1 s and divides a day")
        if o["windows_per_history"] < 0:
            raise DamagedFileError(p, f"/slos/objectives/windows_per_history of {label} is "
                                   f"{o['windows_per_history']}")
        for key in _SHARES:
            x = o[key]
            if not (math.isnan(x) or 0 <= x <= 1):
                raise DamagedFileError(p, f"/slos/objectives/{key} of {label} is {x}; a share "
                                       "lies in [0, 1]")
        for key in ("share_met", "first_window_met"):
            x, low, high = o[key], o[key + "_low"], o[key + "_high"]
            if (o["windows_per_history"] == 0) != math.isnan(x):
                raise DamagedFileError(p, f"/slos/objectives/{key} of {label} is {x} with "
                                       f"{o['windows_per_history']} windows per history; it is "
                                       "NaN exactly when the SLO has no whole window in the "
                                       "horizon")
            if not math.isnan(x) and not low - 1e-12 <= x <= high + 1e-12:
                raise DamagedFileError(p, f"/slos/objectives: the interval of {key} of {label} "
                                       f"is [{low}, {high}], which does not hold {x}")

    def _read_definitions(self, g: Columns) -> pd.DataFrame:
        p = self.path
        objectives = self.objectives
        T = self.windows_per_history
        one = dict(length=T, per="window of an SLO (the sum of "
                   "/slos/objectives/windows_per_history)")
        slo = g.numbers("window_slo", np.int64, **one)
        first = g.numbers("window_first_day", np.int64, **one)
        days = g.numbers("window_days", np.int64, **one)
        S = len(objectives)
        expected = np.repeat(np.arange(S), objectives["windows_per_history"].to_numpy())
        if not np.array_equal(slo, expected):
            row = int(np.flatnonzero(slo != expected)[0])
            raise DamagedFileError(p, f"/slos/window_slo[{row}] is {slo[row]}, expected "
                                   f"{expected[row]}: the windows are listed SLO by SLO, as many "
                                   "as /slos/objectives/windows_per_history says")
        bad = np.flatnonzero((first < 0) | (days < 1) |
                             (first + days > self._horizon_days + 1e-9))
        if bad.size:
            w = int(bad[0])
            raise DamagedFileError(p, f"/slos defines window {w - self.offsets[slo[w]]} of SLO "
                                   f"{objectives['name'].iat[slo[w]]!r} as days {first[w]} to "
                                   f"{first[w] + days[w]}, not a whole window inside the "
                                   f"horizon of {self._horizon_days:g} days")
        fixed = (objectives["windows"] != "calendar-months").to_numpy()[slo]
        length = objectives["window_seconds"].to_numpy()[slo]
        bad = np.flatnonzero(fixed & (days * DAY != length))
        if bad.size:
            w = int(bad[0])
            raise DamagedFileError(p, f"/slos/window_days: SLO "
                                   f"{objectives['name'].iat[slo[w]]!r} has a window of "
                                   f"{days[w]} days, not its window of {length[w] / DAY:g} days")
        window = np.arange(T, dtype=np.int64) - self.offsets[slo] if T else slo
        return pd.DataFrame({"slo": slo, "window": window, "first_day": first, "days": days,
                             "start": first * DAY, "length": days * DAY})

    # -- /slos/windows -------------------------------------------------------------------------

    def _windows_table(self, g: Columns) -> Records:
        H, S, T = self._histories, len(self.objectives), self.windows_per_history
        defs = self.definitions
        expected_slo = defs["slo"].to_numpy()
        expected_window = defs["window"].to_numpy()
        fraction = self.objectives["budget_fraction"].to_numpy()
        # The slices of each timeslice window (every slice counts: an empty one is good).
        slice_seconds = self.objectives["time_slice_window_seconds"].to_numpy()[expected_slo]
        slices = np.where(np.isnan(slice_seconds), -1,
                          np.rint(defs["length"].to_numpy() / np.nan_to_num(slice_seconds,
                                                                            nan=1.0)))
        path = self.path
        names = self.objectives["name"].to_numpy()

        def check(frame: pd.DataFrame, start: int) -> None:
            rows = frame.index.to_numpy(np.int64)
            history = frame["history"].to_numpy(np.int64)
            slo = frame["slo"].to_numpy(np.int64)
            window = frame["window"].to_numpy(np.int64)
            at = rows % T
            misplaced = (history != rows // T) | (slo != expected_slo[at]) | \
                (window != expected_window[at])
            if misplaced.any():
                i = int(np.flatnonzero(misplaced)[0])
                raise DamagedFileError(path, f"/slos/windows[{rows[i]:,}] is history "
                                       f"{history[i]:,}, SLO {slo[i]}, window {window[i]}; "
                                       f"that row holds history {rows[i] // T:,}, SLO "
                                       f"{expected_slo[at[i]]}, window {expected_window[at[i]]} "
                                       "(rows by history, SLO and window)")
            bad = frame["bad"].to_numpy(np.uint64)
            total = frame["total"].to_numpy(np.uint64)
            wrong = (bad > total) | ((slices[at] >= 0) & (total != slices[at]))
            if wrong.any():
                i = int(np.flatnonzero(wrong)[0])
                raise DamagedFileError(path, f"/slos/windows[{rows[i]:,}] counts {bad[i]:,} bad "
                                       f"of {total[i]:,} for SLO {names[slo[i]]!r}: more bad "
                                       "than all, or not the window's number of time slices")
            met = frame["met"].to_numpy() == 1
            decided = slo_math.met_windows(bad, total, fraction[slo])
            if (met != decided).any():
                i = int(np.flatnonzero(met != decided)[0])
                raise DamagedFileError(path, f"/slos/windows[{rows[i]:,}] says met = "
                                       f"{int(met[i])} for {bad[i]:,} bad of {total[i]:,}, but "
                                       f"SLO {names[slo[i]]!r} allows "
                                       f"{fraction[slo[i]] * float(total[i]):.6g}")

        width = int(self.objectives["windows_per_history"].max())
        return Records(g, [
            Column("history", (0, H - 1), bounded_by="the root attribute 'histories'"),
            Column("slo", (0, S - 1), bounded_by="/slos/objectives"),
            Column("window", (0, width - 1), bounded_by="/slos/objectives/windows_per_history"),
            Column("bad", (0, None)), Column("total", (0, None)), Column("met", (0, 1))],
            length=H * T, per="history, SLO and window", check=check)

    def history_rows(self, history: int) -> pd.DataFrame:
        """One history's rows of /slos/windows (they are consecutive: no search)."""
        T = self.windows_per_history
        return self.windows[history * T:(history + 1) * T]

    def slo_rows(self, slo: int) -> pd.DataFrame:
        """One SLO's rows of every history, read chunk by chunk."""
        parts = [block[block["slo"].to_numpy() == slo]
                 for _, block in self.windows.iter_chunks()]
        return pd.concat(parts) if parts else self.windows[0:0]

    def consumed(self) -> list[np.ndarray]:
        """Per SLO, the budget each window of every history consumed (history by history),
        read once and kept."""
        if self._consumed is None:
            fraction = self.objectives["budget_fraction"].to_numpy()
            S = len(self.objectives)
            parts = [[] for _ in range(S)]
            for _, block in self.windows.iter_chunks():
                slo = block["slo"].to_numpy(np.int64)
                values = slo_math.budget_consumed(block["bad"].to_numpy(),
                                                  block["total"].to_numpy(), fraction[slo])
                for s in np.unique(slo):
                    parts[s].append(values[slo == s])
            self._consumed = [np.concatenate(x) if x else np.zeros(0) for x in parts]
        return self._consumed

    # -- checking everything ---------------------------------------------------------------------

    def verify(self, ci_level: float) -> None:
        """Reads /slos/windows once (each row checked as it is read) and recounts, per SLO,
        share_met (windows met / windows, over all histories) with its interval over
        histories, first_window_met with its Wilson interval, and good_share (1 - bad / total
        over all windows), against /slos/objectives."""
        if self.windows is None:
            return
        p = self.path
        o = self.objectives
        H, S = self._histories, len(o)
        met_per_history = np.zeros(H * S, dtype=np.int64)
        first_met = np.zeros(S, dtype=np.int64)
        bad = [0] * S
        total = [0] * S
        for _, block in self.windows.iter_chunks():
            h = block["history"].to_numpy(np.int64)
            slo = block["slo"].to_numpy(np.int64)
            met = block["met"].to_numpy(np.int64)
            met_per_history += np.bincount(h * S + slo, weights=met,
                                           minlength=H * S).astype(np.int64)
            first = (block["window"].to_numpy() == 0) & (met == 1)
            first_met += np.bincount(slo[first], minlength=S)
            b = block["bad"].to_numpy(np.uint64)
            t = block["total"].to_numpy(np.uint64)
            for s in np.unique(slo):
                mine = slo == s
                bad[s] += int(b[mine].sum(dtype=np.uint64))
                total[s] += int(t[mine].sum(dtype=np.uint64))
        met_per_history = met_per_history.reshape(H, S)
        z = analytic.two_sided_normal_quantile(ci_level)
        per_history = o["windows_per_history"].to_numpy()
        for s in range(S):
            name = o["name"].iat[s]
            W = int(per_history[s])
            found = {"good_share": 1 - bad[s] / total[s] if total[s] else math.nan}
            if W:
                shares = met_per_history[:, s] / W
                mean = float(shares.mean())
                found["share_met"] = mean
                if H >= 2:
                    se = float(shares.std(ddof=1)) / math.sqrt(H)
                    found["share_met_low"] = max(0.0, mean - z * se)
                    found["share_met_high"] = min(1.0, mean + z * se)
                found["first_window_met"] = first_met[s] / H
                interval = analytic.wilson_interval(int(first_met[s]), H, ci_level)
                found["first_window_met_low"] = interval.low
                found["first_window_met_high"] = interval.high
            for key, value in found.items():
                if not _close(value, o[key].iat[s], rtol=1e-9, atol=1e-9):
                    raise DamagedFileError(p, f"/slos/objectives/{key} of SLO {name!r} is "
                                           f"{o[key].iat[s]}, but /slos/windows makes {value}")

    # -- answers -------------------------------------------------------------------------------

    def index(self, slo) -> int:
        names = list(self.objectives["name"])
        if isinstance(slo, str):
            if slo not in names:
                raise KeyError(f"no SLO {slo!r} (SLOs: {', '.join(names)})")
            return names.index(slo)
        i = int(slo)
        if not 0 <= i < len(names):
            raise IndexError(f"SLO {slo} out of range for {len(names)} SLOs")
        return i
