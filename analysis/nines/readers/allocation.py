"""Reading an allocation file (`nines allocate FILE --target 99.95% -o ALLOC.h5`; format =
"nines-allocation", format_version = 1; README "Reliability allocation" -> "Output").

    root attributes   format, format_version, nines_version, scenario_name, scenario_yaml,
                      scenario_sha256, target, today_reliability, today_unreliability,
                      ceiling_reliability, already_met
    /teams/           one row per team (component declaration): name, today_reliability,
                      improvement_cost (NaN: none), retries, copies
    /methods/         one row per method (equal, proportional, cost): name, available,
                      reason, solver, parameter, service_reliability, service_unreliability,
                      met, cost, optimality_gap
    /allocation/      one row per available method and team: team, method (row indices into
                      /teams and /methods), reliability (the target), extra_nines

Allocation(path) reads all of it (a few dozen rows) and checks the indices; anything wrong
raises DamagedFileError naming the file, a file of another kind FormatError.
"""
from __future__ import annotations

import dataclasses
import os

import numpy as np
import pandas as pd

from ..errors import DamagedFileError, FormatError
from .hdf5 import Attributes, Columns, OpenedFile, text

__all__ = ["ALLOCATION_FORMAT", "ALLOCATION_FORMAT_VERSION", "Allocation", "AllocationSummary",
           "open_allocation"]

ALLOCATION_FORMAT = "nines-allocation"
ALLOCATION_FORMAT_VERSION = 1
METHODS = ("equal", "proportional", "cost")


@dataclasses.dataclass(frozen=True)
class AllocationSummary:
    path: str
    nines_version: str
    scenario_name: str
    scenario_sha256: str
    target: float                 # the service reliability the allocation is for
    today_reliability: float      # the service's exact reliability today
    today_unreliability: float
    ceiling_reliability: float    # with every team perfect
    already_met: bool


class Allocation(OpenedFile):
    """An opened allocation file: `summary` (AllocationSummary), `teams` (one row per team),
    `methods` (one row per method) and `allocation` (one row per available method and team,
    with the team's and the method's names). Use as a context manager or call close()."""

    _kind = "nines allocation file"
    _summary = "the allocation's summary"

    def _load(self) -> None:
        p = self.path
        a = Attributes(self._file, p, of=f"a {self._kind}")
        kind = a.string("format", "")
        if kind != ALLOCATION_FORMAT:
            raise FormatError(f"{p} is not a nines allocation file (format is {kind!r}; "
                              f"`nines allocate` writes {ALLOCATION_FORMAT!r})")
        version = a.integer("format_version")
        if version != ALLOCATION_FORMAT_VERSION:
            raise FormatError(f"{p} has format_version {version}; this nines package reads "
                              f"allocation files of version {ALLOCATION_FORMAT_VERSION}")
        self.summary = AllocationSummary(
            path=p, nines_version=a.string("nines_version", ""),
            scenario_name=a.string("scenario_name"),
            scenario_sha256=a.string("scenario_sha256", ""),
            target=a.real("target"), today_reliability=a.real("today_reliability"),
            today_unreliability=a.real("today_unreliability"),
            ceiling_reliability=a.real("ceiling_reliability"),
            already_met=a.flag("already_met"))

        g = Columns(self._file, "teams", p, self._kind)
        names = g.strings("name")
        one = dict(length=len(names), per="team")
        teams = pd.DataFrame({
            "name": names,
            "today_reliability": g.numbers("today_reliability", np.float64, **one),
            "improvement_cost": g.numbers("improvement_cost", np.float64, **one),
            "retries": g.numbers("retries", np.int64, **one),
            "copies": g.numbers("copies", np.int64, **one),
        })
        teams.index.name = "team"
        self.teams = teams

        g = Columns(self._file, "methods", p, self._kind)
        method_names = g.strings("name")
        one = dict(length=len(method_names), per="method")
        methods = pd.DataFrame({
            "name": method_names,
            "available": g.numbers("available", np.int64, **one).astype(bool),
            "reason": g.strings("reason", **one),
            "solver": g.strings("solver", **one),
        })
        for key in ("parameter", "service_reliability", "service_unreliability"):
            methods[key] = g.numbers(key, np.float64, **one)
        methods["met"] = g.numbers("met", np.int64, **one).astype(bool)
        for key in ("cost", "optimality_gap"):
            methods[key] = g.numbers(key, np.float64, **one)
        methods.index.name = "method"
        self.methods = methods

        g = Columns(self._file, "allocation", p, self._kind)
        team = g.numbers("team", np.int64)
        one = dict(length=len(team), per="(method, team) pair")
        method = g.numbers("method", np.int64, **one)
        if team.size and (team.min() < 0 or team.max() >= len(teams)):
            raise DamagedFileError(p, f"/allocation/team names a team outside 0..{len(teams) - 1}")
        if method.size and (method.min() < 0 or method.max() >= len(methods)):
            raise DamagedFileError(p, "/allocation/method names a method outside "
                                   f"0..{len(methods) - 1}")
        self.allocation = pd.DataFrame({
            "method": [method_names[m] for m in method],
            "team": [names[t] for t in team],
            "reliability": g.numbers("reliability", np.float64, **one),
            "extra_nines": g.numbers("extra_nines", np.float64, **one),
        })

    def targets(self) -> pd.DataFrame:
        """One row per team (index: the team's name), columns today_reliability, then per
        method `target_<method>` (the allocated per-call reliability) and
        `extra_nines_<method>`; NaN for a method the file has no result of."""
        table = self.teams.set_index("name")[["today_reliability"]].copy()
        for method in METHODS:
            rows = self.allocation[self.allocation["method"] == method].set_index("team")
            table[f"target_{method}"] = rows["reliability"].reindex(table.index)
            table[f"extra_nines_{method}"] = rows["extra_nines"].reindex(table.index)
        return table

    def __repr__(self) -> str:
        s = self.summary
        return (f"<nines.Allocation {os.path.basename(self.path)!r}: {s.scenario_name!r}, "
                f"target {text(s.target)}, {len(self.teams)} teams>")


def open_allocation(path: str | os.PathLike) -> Allocation:
    """Open an allocation file written by `nines allocate` (FileNotFoundError when missing,
    FormatError for another kind of file, DamagedFileError when broken)."""
    return Allocation(path)
