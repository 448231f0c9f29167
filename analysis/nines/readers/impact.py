"""Service impact per component: impact_table(run, allocation=None), the numbers of
`python3 -m nines impact` (README "Service impact per component"), one row per component of a
chain (format 1), structure (format 2) or time run (format 3), and per common-cause event
(common_cause=True, the default), most important first.

What each column is, and where it comes from:

    component, team     the component (replicas one by one: api[2]) and its team, the
                        declaration it expands from (api); a chain's component is its own team.
                        For a common-cause event: its name, and no team ("")
    element             "component" or "common cause". An event's row: format 2 its
                        per-request quiet probability 1 - probability as reliability_exact,
                        failures = /common_cause/failures (the failed requests in which it
                        fired, which overlap the components': their culprit is a component),
                        its exact share expected_failures / (n U), improvement potential from
                        /importance/common_cause; format 3 (events with a process) the share
                        of time it is not going on (quiet_simulated with its interval over
                        histories, quiet_exact) and the failed requests and downtime it was
                        charged, exclusive of the components' as below
    reliability_per_call, retries
                        the file's /components/reliability: the probability that one attempt
                        of a call works (format 3: one request while the component is up; its
                        transient failures), and the component's own retries (format 2)
    reliability_measure what reliability_exact, _measured, _low and _high measure: "reliability
                        per call" (formats 1, 2: the probability that one call of the
                        component works, its own retries included) or "time availability"
                        (format 3: the share of the horizon the component is up); for events
                        "quiet per request" (format 2) or "time quiet" (format 3)
    reliability_exact   the exact value the file states: format 1 /components/reliability,
                        format 2 /components/effective_reliability, format 3
                        /components/availability_exact (NaN where no closed form exists)
    reliability_measured, reliability_low, reliability_high
                        the simulated value and its interval at the run's ci_level.
                        Format 1: a chain evaluates component k only for the requests that got
                        past components 0..k-1, m_k = n - sum_{j<k} f_j of them, and f_k of
                        those failed at k, so r^_k = 1 - f_k / m_k, with the Wilson interval
                        of the m_k - f_k successes. Format 2: NaN, because a structure run
                        records each failed request's culprit, not the state of every
                        component on every request, so its per-call reliability is not
                        observed (the exact value is the one the run simulated). Format 3:
                        /components/availability_simulated, with the interval of the mean over
                        histories (normal, as the engine's) of each history's own downtime,
                        summed from /outages (NaN with --record none)
    failures            failed requests attributed to it: format 1 /components/failures (the
                        first component that failed), format 2 /components/culprit_failures
                        (the primary culprit: the first component down on the path), format 3
                        the requests failed by the outages it triggered
                        (/components/budget_requests_per_year x history-years)
    failure_share, failure_share_low, failure_share_high
                        failures / all the service's failed requests, with the Wilson interval
                        (formats 1, 2). Format 3: failed requests come in outages, not one by
                        one, so the interval is over histories (the ratio estimator's, from
                        the delta method), and only --record requests keeps the per-history
                        split (/requests); NaN otherwise. Its transient per-request failures
                        (failed - failed_outage) are attributed to no component
                        (attrs["unattributed_failures"])
    failure_share_exact the model's share: expected_failures / sum (format 1),
                        culprit_probability / the mix's exact unreliability (format 2)
    improvement_potential
                        how much of the service's unreliability goes away if the component
                        never failed: U - U(component perfect). Exact where the file allows:
                        format 1 prod_{j != k} r_j (1 - r_k) = q_k prod_{j>k} r_j (from its
                        reliabilities), format 2 /importance/components/improvement_potential.
                        Format 3: the share of all requests that its outages failed
                        (failures / requests), the simulated attribution
    improvement_potential_source   "exact" or "simulated"
    improvement_potential_simulated, _low, _high
                        format 1 (f_k / n) prod_{j>k} r^_j with the Wilson interval of f_k / n
                        times the same product; format 2 the counterfactual counts of
                        --importance simulated (NaN without); format 3 as above, with the
                        ratio interval over histories with --record requests
    downtime_caused_per_year   format 3: service downtime it triggered, own plus through
                        detection delays (s per history-year)
    budget_requests_consumed, budget_time_consumed
                        format 3 with an SLO target (time.slo, else a time.slos SLO of the
                        whole mix): the share of the SLO's error budget over the horizon that
                        its outages used, by requests, failures / ((1 - target) x requests),
                        and by time, downtime caused / ((1 - target) x horizon); 1.0 is the
                        whole budget. NaN otherwise. budget_requests_consumed_low, _high: its
                        interval over histories (--record requests only)
    allocation_today, target_<method>, extra_nines_<method>   with an allocation file: its
                        team's per-call reliability today and per method (equal, proportional,
                        cost) the allocated target and the extra nines log10(u0 / u) it needs;
                        NaN for a team the allocation does not name or a method it did not
                        compute
    rank                1 = most important: by improvement_potential, largest first (ties:
                        larger failure_share, then file order); sort_by="failure_share"
                        ranks by the share of failures instead

The table's `attrs` hold the service's side: scenario, path, format_version, requests,
failures, unattributed_failures, ci_level, sorted_by, common_cause, slo_target,
service_reliability (simulated; time runs: request availability) with
service_reliability_exact (formats 1, 2) or service_time_availability (format 3) and, with an
allocation, allocation_target, allocation_today, allocation_scenario, allocation_matches (same
scenario text), allocation_methods (one dict per method: name, available, reason, ...) and
unmatched_teams (teams the run has no component of).
"""
from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd

from ..errors import FormatError
from ..stats import analytic
from .allocation import METHODS, Allocation, open_allocation
from .files import open as open_file
from .run_file import Run
from .structure import StructureRun
from .sweep import Sweep
from .time_run import SECONDS_PER_YEAR, TimeRun

__all__ = ["impact_table", "SORT_KEYS"]

SORT_KEYS = ("improvement_potential", "failure_share")


def _wilson(successes, trials, level) -> tuple[float, float]:
    if trials <= 0:
        return math.nan, math.nan
    interval = analytic.wilson_interval(int(successes), int(trials), level)
    return interval.low, interval.high


def _chain(run) -> pd.DataFrame:
    c = run.components
    s = run.summary
    n, total, level = s.requests, s.failures, s.ci_level
    r = c["reliability"].to_numpy(np.float64)
    f = c["failures"].to_numpy(np.int64)
    reached = n - np.concatenate([[0], np.cumsum(f)[:-1]])
    measured = np.where(reached > 0, 1 - f / np.maximum(reached, 1), np.nan)
    rel_interval = [_wilson(m - k, m, level) for m, k in zip(reached, f)]
    # q_k prod_{j>k} r_j: the requests k fails first that would then pass everything after it.
    after = np.concatenate([np.cumprod(r[::-1])[::-1][1:], [1.0]])
    after_measured = np.concatenate([np.cumprod(np.nan_to_num(measured, nan=1.0)[::-1])[::-1][1:],
                                     [1.0]])
    q = c["first_failure_probability"].to_numpy(np.float64)
    share_interval = [_wilson(k, total, level) for k in f]
    ip_interval = [_wilson(k, n, level) for k in f]
    expected = c["expected_failures"].to_numpy(np.float64)
    return pd.DataFrame({
        "component": c["name"], "team": c["name"], "element": "component",
        "reliability_measure": "reliability per call",
        "reliability_per_call": r, "retries": 0,
        "reliability_exact": r, "reliability_measured": measured,
        "reliability_low": [i[0] for i in rel_interval],
        "reliability_high": [i[1] for i in rel_interval],
        "failures": f,
        "failure_share": f / total if total else np.nan,
        "failure_share_low": [i[0] for i in share_interval],
        "failure_share_high": [i[1] for i in share_interval],
        "failure_share_exact": expected / expected.sum() if expected.sum() > 0 else np.nan,
        "improvement_potential": q * after,
        "improvement_potential_source": "exact",
        "improvement_potential_simulated": f / n * after_measured,
        "improvement_potential_low": np.array([i[0] for i in ip_interval]) * after_measured,
        "improvement_potential_high": np.array([i[1] for i in ip_interval]) * after_measured,
    })


def _structure(run) -> pd.DataFrame:
    c = run.components
    s = run.summary
    total, level = s.failures, s.ci_level
    imp = run.importance.sort_index()  # back in file order
    f = c["culprit_failures"].to_numpy(np.int64)
    share_interval = [_wilson(k, total, level) for k in f]
    u = s.unreliability_analytic

    def optional(column):
        return imp[column].to_numpy(np.float64) if column in imp else np.full(len(c), np.nan)

    return pd.DataFrame({
        "component": c["name"], "team": c["declaration"], "element": "component",
        "reliability_measure": "reliability per call",
        "reliability_per_call": c["reliability"].to_numpy(np.float64),
        "retries": c["retries"].to_numpy(np.int64),
        "reliability_exact": c["effective_reliability"].to_numpy(np.float64),
        "reliability_measured": np.nan, "reliability_low": np.nan, "reliability_high": np.nan,
        "failures": f,
        "failure_share": f / total if total else np.nan,
        "failure_share_low": [i[0] for i in share_interval],
        "failure_share_high": [i[1] for i in share_interval],
        "failure_share_exact": (c["culprit_probability"].to_numpy(np.float64) / u
                                if u > 0 else np.nan),
        "improvement_potential": imp["improvement_potential"].to_numpy(np.float64),
        "improvement_potential_source": "exact",
        "improvement_potential_simulated": optional("improvement_potential_simulated"),
        "improvement_potential_low": optional("improvement_potential_simulated_low"),
        "improvement_potential_high": optional("improvement_potential_simulated_high"),
    })


def _structure_events(run) -> pd.DataFrame:
    """A structure's common-cause events as rows of the table (see the module's docstring)."""
    e = run.common_cause
    s = run.summary
    total, level, n = s.failures, s.ci_level, s.requests
    imp = run.common_cause_importance.sort_index()
    f = e["failures"].to_numpy(np.int64)
    share_interval = [_wilson(k, total, level) for k in f]
    u = s.unreliability_analytic
    expected = (e["expected_failures"].to_numpy(np.float64) if "expected_failures" in e
                else np.full(len(e), np.nan))
    ip = (imp["improvement_potential"].to_numpy(np.float64) if "improvement_potential" in imp
          else np.full(len(e), np.nan))
    quiet = 1 - e["probability"].to_numpy(np.float64)
    return pd.DataFrame({
        "component": e["name"], "team": "", "element": "common cause",
        "reliability_measure": "quiet per request",
        "reliability_per_call": quiet, "retries": 0,
        "reliability_exact": quiet,
        "reliability_measured": np.nan, "reliability_low": np.nan, "reliability_high": np.nan,
        "failures": f,
        "failure_share": f / total if total else np.nan,
        "failure_share_low": [i[0] for i in share_interval],
        "failure_share_high": [i[1] for i in share_interval],
        "failure_share_exact": expected / (n * u) if u > 0 else np.nan,
        "improvement_potential": ip,
        "improvement_potential_source": "exact",
        "improvement_potential_simulated": np.nan,
        "improvement_potential_low": np.nan, "improvement_potential_high": np.nan,
    })


def _own_downtime_per_history(run: TimeRun) -> tuple[np.ndarray, np.ndarray] | None:
    """(histories x components, histories x events): each component's own downtime and each
    event's time going on in each history (s), from /outages; None without it (--record
    none)."""
    if not run.has_histories:
        return None
    m = run.metadata
    down = np.zeros((m.histories, len(run.components())))
    going_on = np.zeros((m.histories, len(run.events())))
    for _, block in run.outages().iter_chunks():
        end = block["end"].to_numpy(np.float64)
        end = np.where(np.isnan(end), m.horizon_seconds, end)
        length = end - block["start"].to_numpy(np.float64)
        history = block["history"].to_numpy(np.int64)
        for key, matrix in (("component", down), ("event", going_on)):
            which = block[key].to_numpy(np.int64)
            mine = which >= 0
            np.add.at(matrix, (history[mine], which[mine]), length[mine])
    return down, going_on


def _mean_interval(per_history: np.ndarray, horizon: float, level: float
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The interval of 1 - mean(per_history) / horizon: the mean over histories with its
    normal interval (histories are independent), as the engine gives the summary's."""
    H = per_history.shape[0]
    if H < 2:
        nan = np.full(per_history.shape[1], np.nan)
        return nan, nan
    z = analytic.two_sided_normal_quantile(level)
    mean = per_history.mean(axis=0)
    se = per_history.std(axis=0, ddof=1) / math.sqrt(H)
    return (np.maximum(0.0, 1 - (mean + z * se) / horizon),
            np.minimum(1.0, 1 - (mean - z * se) / horizon))


def _charged_per_history(run: TimeRun) -> np.ndarray | None:
    """histories x (components + events): the failed requests charged to each, history by
    history, counted from /requests (its culprit codes: component index, or K + event index);
    None without it (only --record requests lists them)."""
    if run.metadata.record != "requests":
        return None
    K, E = len(run.components()), len(run.events())
    counts = np.zeros((run.metadata.histories, K + E))
    for _, block in run.requests().iter_chunks():
        np.add.at(counts, (block["history"].to_numpy(np.int64),
                           block["culprit"].to_numpy(np.int64)), 1)
    return counts


def _ratio_interval(x: np.ndarray, y: np.ndarray, level: float
                    ) -> tuple[np.ndarray, np.ndarray]:
    """The interval of sum_h x_h / sum_h y_h over independent histories h (x: histories x
    elements, y: one per history): the ratio estimator's normal interval, its standard error
    from the delta method, sqrt(sum_h (x_h - R y_h)^2 / (H (H - 1))) / mean(y)."""
    H = x.shape[0]
    total = float(y.sum())
    if H < 2 or total <= 0:
        nan = np.full(x.shape[1], np.nan)
        return nan, nan
    ratio = x.sum(axis=0) / total
    residual = x - np.outer(y, ratio)
    se = np.sqrt((residual ** 2).sum(axis=0) / (H * (H - 1))) / (total / H)
    z = analytic.two_sided_normal_quantile(level)
    return np.maximum(0.0, ratio - z * se), ratio + z * se


def _slo_target(run: TimeRun) -> float:
    if run.metadata.slo_target is not None:
        return float(run.metadata.slo_target)
    if run.has_slos:
        o = run.slo_objectives()
        mix = o[(o["scope"] == "mix") & (o["budgeting_method"] == "occurrences")]
        if len(mix):
            return float(mix["target"].iat[0])
    return math.nan


def _time(run: TimeRun) -> pd.DataFrame:
    c = run.components()
    m = run.metadata
    totals = run.totals
    level = totals["ci_level"]
    years = m.history_years
    failed, requests = totals["failed"], totals["requests"]
    charged = np.rint(c["budget_requests_per_year"].to_numpy(np.float64) * years)
    caused = (c["budget_seconds_per_year"] + c["budget_detection_seconds_per_year"]
              ).to_numpy(np.float64)
    e = run.events()
    e = e[e["every"] != ""]  # events with a process (per-request ones have no outages)
    events_charged = np.rint(e["budget_requests_per_year"].to_numpy(np.float64) * years)
    low = high = np.full(len(c), np.nan)
    event_low = event_high = np.full(len(e), np.nan)
    measured = _own_downtime_per_history(run)
    if measured is not None:
        down, going_on = measured
        low, high = _mean_interval(down, m.horizon_seconds, level)
        event_low, event_high = _mean_interval(going_on[:, e.index.to_numpy()],
                                               m.horizon_seconds, level)
    target = _slo_target(run)
    budget = 1 - target
    nan = np.full(len(c) + len(e), np.nan)
    share_low = share_high = ip_low = ip_high = budget_low = budget_high = nan
    per_history = _charged_per_history(run)
    if per_history is not None:
        per_history = per_history[:, np.concatenate([np.arange(len(c)),
                                                     len(c) + e.index.to_numpy()])]
        h = run.histories(["failed", "requests"])
        failed_h = h["failed"].to_numpy(np.float64)
        requests_h = h["requests"].to_numpy(np.float64)
        share_low, share_high = _ratio_interval(per_history, failed_h, level)
        share_high = np.minimum(1.0, share_high)
        ip_low, ip_high = _ratio_interval(per_history, requests_h, level)
        if budget == budget:
            budget_low, budget_high = ip_low / budget, ip_high / budget

    def rows(names, team, element, measure, per_call, exact, simulated, low, high, charged,
             caused, part):
        per_request = charged / requests if requests else np.full(len(names), np.nan)
        return pd.DataFrame({
            "component": names, "team": team, "element": element,
            "reliability_measure": measure,
            "reliability_per_call": per_call, "retries": 0,
            "reliability_exact": exact, "reliability_measured": simulated,
            "reliability_low": low, "reliability_high": high,
            "failures": charged.astype(np.int64),
            "failure_share": charged / failed if failed else np.nan,
            "failure_share_low": share_low[part], "failure_share_high": share_high[part],
            "failure_share_exact": np.nan,
            "improvement_potential": per_request,
            "improvement_potential_source": "simulated",
            "improvement_potential_simulated": per_request,
            "improvement_potential_low": ip_low[part],
            "improvement_potential_high": ip_high[part],
            "downtime_caused_per_year": caused,
            "budget_requests_consumed": (charged / (budget * requests)
                                         if requests and budget == budget else np.nan),
            "budget_requests_consumed_low": budget_low[part],
            "budget_requests_consumed_high": budget_high[part],
            "budget_time_consumed": caused / (budget * SECONDS_PER_YEAR),
        })

    components = rows(c["name"], c["declaration"], "component", "time availability",
                      c["reliability"].to_numpy(np.float64),
                      c["availability_exact"].to_numpy(np.float64),
                      c["availability_simulated"].to_numpy(np.float64), low, high, charged,
                      caused, slice(0, len(c)))
    if not len(e):
        return components
    events = rows(e["name"].to_numpy(), "", "common cause", "time quiet", np.nan,
                  e["quiet_exact"].to_numpy(np.float64),
                  e["quiet_simulated"].to_numpy(np.float64), event_low, event_high,
                  events_charged, e["budget_seconds_per_year"].to_numpy(np.float64),
                  slice(len(c), len(c) + len(e)))
    return pd.concat([components, events], ignore_index=True)


def _ranked(table: pd.DataFrame, sort_by: str) -> pd.DataFrame:
    other = "failure_share" if sort_by == "improvement_potential" else "improvement_potential"
    # Rounded to 12 significant digits, so that equal exact values (two 99.5% parts in series)
    # tie whatever their last bits, and the tie goes to the other measure, then file order.
    key = table[sort_by].to_numpy(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rounded = np.where(key > 0, np.round(key / 10.0 ** np.floor(np.log10(np.abs(key))), 11)
                           * 10.0 ** np.floor(np.log10(np.abs(key))), key)
    order = np.lexsort((np.arange(len(table)),
                        -np.nan_to_num(table[other].to_numpy(np.float64), nan=-np.inf),
                        -np.nan_to_num(rounded, nan=-np.inf)))
    ranked = table.iloc[order].reset_index(drop=True)
    ranked.insert(0, "rank", np.arange(1, len(ranked) + 1))
    return ranked


def _join_allocation(table: pd.DataFrame, allocation: Allocation, attrs: dict,
                     scenario_sha256: str) -> pd.DataFrame:
    s = allocation.summary
    if s.scenario_name != attrs["scenario"]:
        raise FormatError(f"{allocation.path} is the allocation of the scenario "
                          f"{s.scenario_name!r}, but the run is of {attrs['scenario']!r}")
    targets = allocation.targets()
    matched = table["team"].isin(targets.index)
    if len(table) and not matched.any():
        raise FormatError(f"{allocation.path} allocates the teams "
                          f"{', '.join(targets.index)}, none of which is a component of the "
                          "run; is it the allocation of another scenario?")
    joined = targets.rename(columns={"today_reliability": "allocation_today"})
    table = table.join(joined, on="team")
    for method in METHODS:
        table[f"target_{method}"] = table[f"target_{method}"].astype(np.float64)
    attrs.update(allocation_target=s.target, allocation_scenario=s.scenario_name,
                 allocation_today=s.today_reliability,
                 allocation_matches=s.scenario_sha256 == scenario_sha256,
                 allocation_methods=allocation.methods.to_dict("records"),
                 unmatched_teams=[t for t in targets.index if t not in set(table["team"])])
    return table


def impact_table(run, allocation=None, *, sort_by: str = "improvement_potential",
                 common_cause: bool = True) -> pd.DataFrame:
    """One row per component of `run` (an open Run, StructureRun or TimeRun, or a path), most
    important first: its reliability (exact and measured, with an interval), its share of the
    service's failed requests, its improvement potential, for time runs the SLO error budget
    its outages used, and with `allocation` (an allocation file's path or an open
    Allocation, from `nines allocate`) its team's targets. The module's docstring
    (nines.readers.impact) defines every column; `attrs` hold the service's side."""
    if sort_by not in SORT_KEYS:
        raise ValueError(f"sort_by must be one of {', '.join(SORT_KEYS)}, got {sort_by!r}")
    if isinstance(run, (str, os.PathLike)):
        with open_file(run) as opened:
            return impact_table(opened, allocation, sort_by=sort_by,
                                common_cause=common_cause)
    if isinstance(allocation, (str, os.PathLike)):
        with open_allocation(allocation) as opened:
            return impact_table(run, opened, sort_by=sort_by, common_cause=common_cause)
    if isinstance(run, TimeRun):
        table = _time(run)
        totals = run.totals
        attrs = dict(format_version=3, requests=totals["requests"], failures=totals["failed"],
                     ci_level=totals["ci_level"], slo_target=_slo_target(run),
                     service_reliability=totals["request_availability"],
                     service_time_availability=totals["time_availability"])
    elif isinstance(run, StructureRun):
        table = _structure(run)
        if common_cause and len(run.common_cause):
            table = pd.concat([table, _structure_events(run)], ignore_index=True)
    elif isinstance(run, Run):
        table = _chain(run)
    elif isinstance(run, Sweep):
        raise FormatError(f"{run.path} is a sweep file: the impact per component is of one "
                          "run (`nines run`); open one point's scenario as a run instead")
    else:
        raise TypeError("impact_table reads a run (nines.open of a `nines run` file), not "
                        f"{type(run).__name__}")
    if not isinstance(run, TimeRun):
        s = run.summary
        attrs = dict(format_version=2 if isinstance(run, StructureRun) else 1,
                     requests=s.requests, failures=s.failures, ci_level=s.ci_level,
                     slo_target=math.nan, service_reliability=s.reliability_empirical,
                     service_reliability_exact=s.reliability_analytic)
        for column in ("downtime_caused_per_year", "budget_requests_consumed",
                       "budget_requests_consumed_low", "budget_requests_consumed_high",
                       "budget_time_consumed"):
            table[column] = np.nan
    if not common_cause:
        table = table[table["element"] == "component"].reset_index(drop=True)
    m = run.metadata
    # Structures: an event's failures overlap its components' (their culprit is a component),
    # so only components count towards what is attributed.
    attributed = table.loc[(table["element"] == "component") | (attrs["format_version"] == 3),
                           "failures"].sum()
    attrs.update(scenario=m.scenario_name, path=m.path, sorted_by=sort_by,
                 common_cause=common_cause,
                 unattributed_failures=int(attrs["failures"] - attributed))
    if allocation is not None:
        if not isinstance(allocation, Allocation):
            raise TypeError("allocation is the path of an allocation file or an open "
                            f"nines.Allocation, not {type(allocation).__name__}")
        table = _join_allocation(table, allocation, attrs, m.scenario_sha256)
    table = _ranked(table, sort_by)
    table.attrs.update(attrs)
    return table
