"""Reading an uncertainty file (`nines uncertainty`: format = "nines-uncertainty",
format_version = 1; engine/nines/uncertainty/uncertainty_writer.hpp).

The engine draws the scenario's uncertain inputs (a reliability known from observed failures
is a Beta posterior, an outage rate from observed outages a Gamma posterior, or either given as
a distribution) and computes the service's exact value for every draw. The layout:

    root attributes   provenance (nines_version, scenario_name, scenario_yaml,
                      scenario_sha256, scenario_format 2 or 3), measure ("reliability" for
                      format 2, "availability" for 3), design ("latin-hypercube" | "plain"),
                      draws, seed, sobol (int8), bootstrap_resamples, evaluations, target (NaN
                      without one), point_value and point_shortfall: the value at the inputs'
                      means, which is what `nines run` uses
    /summary          attributes only: the value's distribution over the draws
                      (nines.stats.uncertainty.SUMMARY_FIELDS)
    /factors/*        one row per factor, a factor being one uncertain input or a population
                      of them sharing one draw: name, quantity ("reliability": the factor's
                      value is the unreliability 1 - r; "outage_rate": per second),
                      distribution (beta | gamma | lognormal | uniform) with parameters a, b,
                      mean, sd, origin (text), members (comma-separated declarations), and the
                      Sobol indices first_order, total with their bootstrap standard deviations
                      first_order_error, total_error (NaN without --sobol)
    /draws/*          one row per draw: value, shortfall (1 - value, computed directly) and
                      factor_value (draws x factors)

Opening reads the root attributes, /summary and /factors and checks them against each other and
the draws' lengths; the draws are read on first use.
"""
from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np
import pandas as pd

from ..errors import DamagedFileError
from ..stats.uncertainty import SUMMARY_FIELDS, UncertaintySummary, summarize_draws
from .export import ToXarray
from .hdf5 import Attributes, Columns, OpenedFile, reading

__all__ = ["UNCERTAINTY_FORMAT", "UNCERTAINTY_FORMAT_VERSION", "UncertaintyMetadata",
           "UncertaintyRun", "QUANTITIES", "DISTRIBUTIONS", "DESIGNS"]

UNCERTAINTY_FORMAT = "nines-uncertainty"
UNCERTAINTY_FORMAT_VERSION = 1

QUANTITIES = ("reliability", "outage_rate")
DISTRIBUTIONS = ("beta", "gamma", "lognormal", "uniform")
DESIGNS = ("latin-hypercube", "plain")
# The measure a scenario format's service value is: the exact reliability per request
# (structures, format 2) or the steady-state availability (outages over time, format 3).
MEASURES = {2: "reliability", 3: "availability"}
_SOBOL = ("first_order", "first_order_error", "total", "total_error")
_KIND = "nines uncertainty file"


@dataclasses.dataclass(frozen=True)
class UncertaintyMetadata:
    """What was analysed, by which engine, with how many draws of which design."""
    path: str
    format: str
    format_version: int
    format_minor_version: int
    nines_version: str
    scenario_name: str
    scenario_yaml: str
    scenario_sha256: str
    scenario_format: int
    measure: str
    design: str
    draws: int
    seed: int
    sobol: bool
    bootstrap_resamples: int
    evaluations: int
    target: float | None      # None: the analysis had no --target
    point_value: float        # the value at the inputs' means: what `nines run` uses
    point_shortfall: float    # 1 - point_value, computed directly


def _labels(names: list[str], quantities: list[str]) -> list[str]:
    """A column name per factor for the draws table: its name, or where two factors share
    a name (a format-3 component with an uncertain reliability and an uncertain outage
    rate) the name and the quantity, "db (outage_rate)"; never "value" or "shortfall"."""
    labels = [n if names.count(n) == 1 else f"{n} ({q})" for n, q in zip(names, quantities)]
    return [f"{x} (factor)" if x in ("value", "shortfall") else x for x in labels]


class UncertaintyRun(ToXarray, OpenedFile):
    """An opened uncertainty file (nines-uncertainty v1). Use as a context manager or call
    close().

    metadata   UncertaintyMetadata: the scenario, the design, the target, the point value
    summary    UncertaintySummary as the engine wrote it (mean, sd, p05/p50/p95, ...);
               recomputed_summary() computes it again from the draws
    factors    DataFrame, one row per factor in file order (name, label, quantity,
               distribution, a, b, mean, sd, origin, members, first_order, ..., total_error)
    draws      DataFrame, one row per draw: value, shortfall and one column per factor (its
               label: the factor's name unless two share it), read on first use
    """

    _summary = "the uncertainty file's summary"

    def _load(self) -> None:
        p = self.path
        attrs = Attributes(self._file, p)
        target = attrs.real("target")
        scenario_format = attrs.integer("scenario_format")
        self.metadata = m = UncertaintyMetadata(
            path=p, format=attrs.string("format"),
            format_version=attrs.integer("format_version"),
            format_minor_version=attrs.integer("format_minor_version", 0),
            nines_version=attrs.string("nines_version"),
            scenario_name=attrs.string("scenario_name"),
            scenario_yaml=attrs.string("scenario_yaml"),
            scenario_sha256=attrs.string("scenario_sha256"),
            scenario_format=scenario_format, measure=attrs.string("measure"),
            design=attrs.string("design"), draws=attrs.integer("draws", minimum=2),
            seed=attrs.integer("seed"), sobol=attrs.flag("sobol"),
            bootstrap_resamples=attrs.integer("bootstrap_resamples", minimum=0),
            evaluations=attrs.integer("evaluations", minimum=0),
            target=None if math.isnan(target) else target,
            point_value=attrs.real("point_value"),
            point_shortfall=attrs.real("point_shortfall"))
        self._check_metadata(m)
        self.factors = self._read_factors()
        self._check_draws_shape()  # before the summary: a wrong count of draws says so first
        self.summary = self._read_summary()

    # -- what opening reads and checks ---------------------------------------------------------

    def _check_metadata(self, m: UncertaintyMetadata) -> None:
        p = self.path
        if MEASURES.get(m.scenario_format) != m.measure:
            raise DamagedFileError(p, f"the root attributes say scenario format "
                                   f"{m.scenario_format} and measure {m.measure!r}; format 2 is "
                                   "analysed for its reliability, format 3 for its availability")
        if m.design not in DESIGNS:
            raise DamagedFileError(p, f"the root attribute 'design' is {m.design!r}; expected "
                                   f"{' or '.join(DESIGNS)}")
        if m.target is not None and not 0 < m.target <= 1:
            raise DamagedFileError(p, f"the root attribute 'target' is {m.target}; a target "
                                   "lies in (0, 1], or is NaN for none")
        if not (0 <= m.point_value <= 1 and
                math.isclose(m.point_shortfall, 1 - m.point_value, rel_tol=0, abs_tol=1e-12)):
            raise DamagedFileError(p, f"the root attributes 'point_value' {m.point_value} and "
                                   f"'point_shortfall' {m.point_shortfall} do not add up to 1")

    def _read_summary(self) -> UncertaintySummary:
        p = self.path
        with reading(p, "the group /summary"):
            if "summary" not in self._file:
                raise DamagedFileError(p, f"the {_KIND}'s group /summary is missing")
            attrs = Attributes(self._file["summary"], p, where="attribute", of="/summary")
        values = {key: attrs.integer(key, minimum=0) if key == "meets" else attrs.real(key)
                  for key in SUMMARY_FIELDS}
        s = UncertaintySummary(**values)
        draws = self.metadata.draws
        if not s.min <= s.p05 <= s.p50 <= s.p95 <= s.max:
            raise DamagedFileError(p, f"/summary has min {s.min}, p05 {s.p05}, p50 {s.p50}, "
                                   f"p95 {s.p95}, max {s.max}: not in increasing order")
        if s.meets > draws:
            raise DamagedFileError(p, f"/summary counts {s.meets:,} draws meeting the target "
                                   f"of {draws:,}")
        has_target = self.metadata.target is not None
        if has_target == math.isnan(s.meet_probability) or (
                has_target and not math.isclose(s.meet_probability, s.meets / draws,
                                                rel_tol=1e-12, abs_tol=1e-15)):
            raise DamagedFileError(p, f"/summary has meet_probability {s.meet_probability} for "
                                   f"{s.meets:,} of {draws:,} draws; it is their share with a "
                                   "target and NaN without one")
        return s

    def _read_factors(self) -> pd.DataFrame:
        p = self.path
        g = Columns(self._file, "factors", p, _KIND)
        names = g.strings("name")
        if not names:
            raise DamagedFileError(p, "/factors is empty: an uncertainty file has at least one "
                                   "uncertain input")
        one = dict(length=len(names), per="factor")
        frame = pd.DataFrame({"name": names})
        for key, allowed in (("quantity", QUANTITIES), ("distribution", DISTRIBUTIONS)):
            frame[key] = g.strings(key, **one)
            odd = [x for x in frame[key] if x not in allowed]
            if odd:
                raise DamagedFileError(p, f"/factors/{key} holds {odd[0]!r}; expected "
                                       f"{', '.join(allowed[:-1])} or {allowed[-1]}")
        frame.insert(1, "label", _labels(names, list(frame["quantity"])))
        for key in ("a", "b", "mean", "sd"):
            frame[key] = g.numbers(key, np.float64, **one)
        frame["origin"] = g.strings("origin", **one)
        frame["members"] = [tuple(x.split(",")) if x else () for x in
                            g.strings("members", **one)]
        for key in _SOBOL:
            frame[key] = g.numbers(key, np.float64, **one)
        if not self.metadata.sobol and not np.isnan(frame[list(_SOBOL)].to_numpy()).all():
            raise DamagedFileError(p, "/factors holds Sobol indices, but the root attribute "
                                   "'sobol' says they were not computed (--no-sobol)")
        frame.index.name = "factor"
        return frame

    def _check_draws_shape(self) -> None:
        p = self.path
        g = Columns(self._file, "draws", p, _KIND)
        n = self.metadata.draws
        for key in ("value", "shortfall"):
            g.dataset(key, length=n, per="draw (the root attribute 'draws')")
        g.matrix_dataset("factor_value", (n, len(self.factors)), what="draws x factors")
        self._draws_group = g

    # -- what is read on first use -------------------------------------------------------------

    @functools.cached_property
    def draws(self) -> pd.DataFrame:
        """One row per draw: value, shortfall and each factor's value (columns named by the
        factors' labels), read whole on first use."""
        g = self._draws_group
        n = self.metadata.draws
        columns = {key: g.numbers(key, np.float64, length=n) for key in ("value", "shortfall")}
        values = g.matrix("factor_value", np.float64, (n, len(self.factors)),
                          what="draws x factors")
        frame = pd.DataFrame(columns)
        for j, label in enumerate(self.factors["label"]):
            frame[label] = values[:, j]
        frame.index.name = "draw"
        return frame

    def recomputed_summary(self) -> UncertaintySummary:
        """The summary computed again from the draws (nines.stats.uncertainty), to compare
        with `summary`, which the engine wrote."""
        d = self.draws
        return summarize_draws(d["value"].to_numpy(), d["shortfall"].to_numpy(),
                               self.metadata.target)

    @property
    def measure(self) -> str:
        """"reliability" (format 2) or "availability" (format 3)."""
        return self.metadata.measure

    @property
    def has_sobol(self) -> bool:
        return self.metadata.sobol

    def __repr__(self) -> str:
        m = self.metadata
        return (f"<nines.UncertaintyRun {m.scenario_name!r}: {m.measure} over {m.draws:,} "
                f"draws ({m.design}), {len(self.factors)} factors>")
