"""The /alerting group of a time run (layout 3; present only when the scenario declares
`time.alerting`): alert policies, their rules' results, every firing and the slice counts
around early firings. TimeRun (time_run.py) opens it and answers through its alert_*
methods; this module knows the group's layout and checks it.

    /alerting                 attribute missed_firing_bound: an upper bound on the expected
                              firings the engine's evaluation skipped over the whole run
    /alerting/policies/*      one row per policy: name, scope (a kind's name or "mix"), needs
                              and delivery (comma-joined component names, "" for none),
                              slice_seconds, outages (of the scope, all histories),
                              outages_per_year
    /alerting/rules/*         one row per rule, in policy order, each policy's rules followed
                              by one combined row ("any page": its page rules together):
                              policy, name, severity, combined, the counts firings, delivered,
                              noise, outages_paged, and RULE_REALS (NaN where undefined);
                              noise_by_hour_per_year is rows x 24 (2-D; flat in older files)
    /alerting/firings/*       record outages or requests: one row per firing of a rule:
                              history, policy, rule (within the policy), fired, delivered
                              (NaN: never), outage_start (NaN: noise), budget (NaN: no SLO)
    /alerting/series/*        record outages or requests: the exact counts of the slices
                              around each policy's first firing about an outage in histories
                              0 .. SERIES_HISTORIES - 1: history, policy, slice, requests,
                              errors; a (history, policy)'s rows are consecutive slices

Opening checks the small tables against each other (the combined rows add up the page
rules, per-year figures and shares follow from the counts, thresholds from burn rates and
the SLO) and the firings table's length against the rules' firings; verify() reads the
firings and the series once and checks them row by row against the rules.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import DamagedFileError
from ..stats import alerting as rules_math
from .hdf5 import Attributes, Columns, reading
from .records import Column, Records

__all__ = ["AlertTables", "SEVERITIES", "COMBINED_RULE", "RULE_COUNTS", "RULE_REALS",
           "SERIES_HISTORIES"]

SEVERITIES = ("page", "ticket")
COMBINED_RULE = "any page"  # the name the engine gives each policy's combined row
SERIES_HISTORIES = 4  # /alerting/series covers histories 0..3
DAY = 86400.0

RULE_COUNTS = ("firings", "delivered", "noise", "outages_paged")
RULE_REALS = ("burn_rate", "threshold", "long_seconds", "short_seconds", "firings_per_year",
              "firings_per_year_ci_low", "firings_per_year_ci_high", "delivered_share",
              "noise_per_year", "precision", "precision_ci_low", "precision_ci_high", "recall",
              "recall_ci_low", "recall_ci_high", "time_to_page_mean", "time_to_page_p50",
              "time_to_page_p95", "budget_at_firing_mean", "budget_at_firing_p50",
              "budget_at_firing_p95", "outages_per_year")
# What the comparison of policies shows of each policy's combined row.
COMPARED = ("firings_per_year", "firings_per_year_ci_low", "firings_per_year_ci_high",
            "delivered_share", "noise_per_year", "precision", "precision_ci_low",
            "precision_ci_high", "recall", "recall_ci_low", "recall_ci_high",
            "time_to_page_mean", "time_to_page_p50", "time_to_page_p95",
            "budget_at_firing_mean", "budget_at_firing_p50", "budget_at_firing_p95",
            "firings", "delivered", "noise", "outages_paged")


def _close(a, b, rtol: float = 1e-9, atol: float = 0.0) -> np.ndarray:
    """Element-wise agreement, NaN agreeing with NaN."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)


def _split(names: str) -> tuple[str, ...]:
    return tuple(names.split(",")) if names else ()


class AlertTables:
    """/alerting of an open time run: read and checked when the run is opened (the small
    tables), the firings and the series lazily. `run` is the TimeRun being opened: its
    metadata, components, kinds and SLO are read already."""

    def __init__(self, file, run, why: str):
        self.path = p = run.path
        m = run.metadata
        self._metadata = m
        self._slo_target = m.slo_target
        kind = run._kind
        with reading(p, "the group /alerting"):
            group = file["alerting"]
        self.missed_firing_bound = Attributes(group, p, where="attribute", of="/alerting") \
            .real("missed_firing_bound")
        if not self.missed_firing_bound >= 0:
            raise DamagedFileError(p, f"the attribute 'missed_firing_bound' of /alerting is "
                                   f"{self.missed_firing_bound}; a bound on expected firings "
                                   "is at least 0")
        self._years = m.history_years
        self.policies = self._read_policies(Columns(group, "policies", p, kind),
                                            list(run._kinds["name"]),
                                            set(run._components["name"]))
        rules_group = Columns(group, "rules", p, kind)
        self.rules = self._read_rules(rules_group)
        self.noise_by_hour = self._read_noise_by_hour(rules_group)
        self.firings = self.series = None
        if m.record == "none":
            for name in ("firings", "series"):
                with reading(p, f"the group /alerting/{name}"):
                    if name in group:
                        raise DamagedFileError(p, f"/alerting/{name} is present but the run "
                                               "was recorded with --record none")
            return
        self.firings = self._firings_table(Columns(group, "firings", p, kind + why))
        self.series = self._series_table(Columns(group, "series", p, kind + why))

    # -- the small tables ----------------------------------------------------------------------

    def _read_policies(self, g: Columns, kinds: list[str], components: set[str]
                       ) -> pd.DataFrame:
        p = self.path
        names = g.strings("name")
        one = dict(length=len(names), per="alert policy")
        if not names:
            raise DamagedFileError(p, "/alerting/policies is empty: /alerting exists only "
                                   "for a scenario with alert policies")
        if len(set(names)) != len(names):
            raise DamagedFileError(p, "/alerting/policies/name names a policy twice")
        frame = pd.DataFrame({"name": names})
        frame["scope"] = g.strings("scope", **one)
        odd = [s for s in frame["scope"] if s != "mix" and s not in kinds]
        if odd:
            raise DamagedFileError(p, f"/alerting/policies/scope holds {odd[0]!r}, neither a "
                                   "request kind of /kinds nor 'mix'")
        for key in ("needs", "delivery"):
            lists = [_split(x) for x in g.strings(key, **one)]
            unknown = [c for names_ in lists for c in names_ if c not in components]
            if unknown:
                raise DamagedFileError(p, f"/alerting/policies/{key} names {unknown[0]!r}, "
                                       "not a component of /components")
            frame[key] = lists
        frame["slice_seconds"] = g.numbers("slice_seconds", np.float64, **one)
        slices_a_day = DAY / frame["slice_seconds"].to_numpy()
        bad = np.flatnonzero(~(frame["slice_seconds"].to_numpy() >= 1) |
                             ~_close(slices_a_day, np.round(slices_a_day)))
        if bad.size:
            raise DamagedFileError(p, f"/alerting/policies/slice_seconds of policy "
                                   f"{names[bad[0]]!r} is {frame['slice_seconds'].iat[bad[0]]}; "
                                   "a slice lasts at least 1 s and divides a day")
        frame["outages"] = g.numbers("outages", np.int64, **one)
        frame["outages_per_year"] = g.numbers("outages_per_year", np.float64, **one)
        self._check_per_year(frame["outages"], frame["outages_per_year"],
                             "/alerting/policies/outages_per_year", names)
        frame.index.name = "policy"
        return frame

    def _check_per_year(self, counts, per_year, where: str, labels) -> None:
        expected = np.asarray(counts, dtype=np.float64) / self._years
        bad = np.flatnonzero(~_close(per_year, expected, rtol=1e-9, atol=1e-12))
        if bad.size:
            i = int(bad[0])
            raise DamagedFileError(self.path, f"{where} of {labels[i]} is "
                                   f"{np.asarray(per_year)[i]}, but {np.asarray(counts)[i]:,} "
                                   f"over {self._years:g} history-years is {expected[i]}")

    def _read_rules(self, g: Columns) -> pd.DataFrame:
        p = self.path
        policies = self.policies
        P = len(policies)
        policy = g.numbers("policy", np.int64)
        R = len(policy)
        one = dict(length=R, per="alert rule row")
        frame = pd.DataFrame({"policy": policy})
        if R and (policy.min() < 0 or policy.max() >= P):
            bad = int(np.flatnonzero((policy < 0) | (policy >= P))[0])
            raise DamagedFileError(p, f"/alerting/rules/policy[{bad}] is {policy[bad]}; "
                                   f"/alerting/policies has {P} policies")
        if np.any(np.diff(policy) < 0):
            raise DamagedFileError(p, "/alerting/rules is not in policy order")
        frame["policy_name"] = policies["name"].to_numpy()[policy] if R else []
        frame["name"] = g.strings("name", **one)
        frame["severity"] = g.strings("severity", **one)
        odd = [s for s in frame["severity"] if s not in SEVERITIES]
        if odd:
            raise DamagedFileError(p, f"/alerting/rules/severity holds {odd[0]!r}; severities "
                                   "are page and ticket")
        combined = g.numbers("combined", np.int64, **one)
        if R and not np.isin(combined, (0, 1)).all():
            raise DamagedFileError(p, "/alerting/rules/combined holds values other than 0 "
                                   "and 1")
        frame["combined"] = combined.astype(bool)
        for key in RULE_COUNTS:
            frame[key] = g.numbers(key, np.int64, **one)
        for key in RULE_REALS:
            frame[key] = g.numbers(key, np.float64, **one)
        # Each policy: its rules, then exactly one combined row, last.
        rule_index = np.zeros(R, dtype=np.int64)
        for i, (name, block) in enumerate(zip(policies["name"], self._blocks(policy, P))):
            if not len(block):
                raise DamagedFileError(p, f"/alerting/rules has no rows for policy {name!r}")
            flags = combined[block]
            if flags[-1] != 1 or flags[:-1].any():
                raise DamagedFileError(p, f"/alerting/rules: policy {name!r}'s rows should be "
                                       "its rules followed by one combined row")
            if len(block) < 2:
                raise DamagedFileError(p, f"/alerting/rules: policy {name!r} has no rules")
            rule_index[block] = np.arange(len(block))
            own = frame["name"].to_numpy()[block[:-1]]
            if len(set(own)) != len(own):
                raise DamagedFileError(p, f"/alerting/rules: policy {name!r} names a rule "
                                       "twice")
        frame.insert(1, "rule", rule_index)
        self._check_rule_settings(frame)
        self._check_rule_counts(frame)
        frame.index.name = "row"
        return frame

    @staticmethod
    def _blocks(policy: np.ndarray, P: int) -> list[np.ndarray]:
        return [np.flatnonzero(policy == i) for i in range(P)]

    def _label(self, frame: pd.DataFrame, i: int) -> str:
        return f"rule {frame['name'].iat[i]!r} of policy {frame['policy_name'].iat[i]!r}"

    def _check_rule_settings(self, frame: pd.DataFrame) -> None:
        p = self.path
        combined = frame["combined"].to_numpy()
        slice_ = self.policies["slice_seconds"].to_numpy()[frame["policy"].to_numpy()]
        for i in range(len(frame)):
            r = frame.iloc[i]
            label = self._label(frame, i)
            settings = [r[k] for k in ("burn_rate", "threshold", "long_seconds",
                                       "short_seconds")]
            if combined[i]:
                if r["severity"] != "page" or not all(math.isnan(x) for x in settings):
                    raise DamagedFileError(p, f"/alerting/rules: the combined row of policy "
                                           f"{r['policy_name']!r} should be a page with NaN "
                                           "burn_rate, threshold and windows")
                continue
            burn, threshold, long_, short = settings
            if not 0 < threshold < 1:
                raise DamagedFileError(p, f"/alerting/rules/threshold of {label} is "
                                       f"{threshold}; an error ratio lies between 0 and 1")
            if not math.isnan(burn):
                if self._slo_target is None or not burn > 0:
                    raise DamagedFileError(p, f"/alerting/rules/burn_rate of {label} is {burn}"
                                           + ("" if burn > 0 else "; a burn rate is positive")
                                           + ("; a burn rate needs an SLO, which the run does "
                                              "not declare" if self._slo_target is None
                                              else ""))
                if not _close(threshold, burn * (1 - self._slo_target), rtol=1e-9):
                    raise DamagedFileError(p, f"/alerting/rules/threshold of {label} is "
                                           f"{threshold}, but burn rate {burn} at the SLO's "
                                           f"target {self._slo_target} makes "
                                           f"{burn * (1 - self._slo_target)}")
            whole = [x / slice_[i] for x in (long_, short)]
            if not (long_ > 0 and 0 <= short <= long_ and
                    all(abs(w - round(w)) < 1e-9 for w in whole)):
                raise DamagedFileError(p, f"/alerting/rules: {label} has windows of {long_} "
                                       f"and {short} s; windows are whole slices of "
                                       f"{slice_[i]:g} s, the short one (0: none) no longer "
                                       "than the long one")

    def _check_rule_counts(self, frame: pd.DataFrame) -> None:
        p = self.path
        policies = self.policies
        policy = frame["policy"].to_numpy()
        outages = policies["outages"].to_numpy()[policy]
        f, d, n, paged = (frame[k].to_numpy() for k in RULE_COUNTS)
        bad = np.flatnonzero((d > f) | (n > f) | (paged > outages))
        if bad.size:
            i = int(bad[0])
            raise DamagedFileError(p, f"/alerting/rules: {self._label(frame, i)} counts "
                                   f"{f[i]:,} firings, {d[i]:,} delivered, {n[i]:,} noise and "
                                   f"{paged[i]:,} outages paged of {outages[i]:,}: more "
                                   "delivered or noise than firings, or more outages paged "
                                   "than outages")
        combined = frame["combined"].to_numpy()
        page = (frame["severity"].to_numpy() == "page") & ~combined
        # The combined row counts the union of its page rules' firings (one page while any
        # of them fires): no more firings, noise or outages paged than they have together,
        # and a firing whenever one of them fired.
        for i in np.flatnonzero(combined):
            mine = page & (policy == policy[i])
            for key, values in (("firings", f), ("noise", n), ("outages_paged", paged)):
                total = int(values[mine].sum())
                if values[i] > total:
                    raise DamagedFileError(p, f"/alerting/rules/{key} of policy "
                                           f"{frame['policy_name'].iat[i]!r}'s combined row is "
                                           f"{values[i]:,}, more than its page rules' "
                                           f"{total:,} together")
            if (f[i] == 0) != (int(f[mine].sum()) == 0):
                raise DamagedFileError(p, f"/alerting/rules/firings of policy "
                                       f"{frame['policy_name'].iat[i]!r}'s combined row is "
                                       f"{f[i]:,}, but its page rules fired "
                                       f"{int(f[mine].sum()):,} times")
        labels = [self._label(frame, i) for i in range(len(frame))]
        self._check_per_year(f, frame["firings_per_year"], "/alerting/rules/firings_per_year",
                             labels)
        self._check_per_year(n, frame["noise_per_year"], "/alerting/rules/noise_per_year",
                             labels)
        stated = policies["outages_per_year"].to_numpy()[policy]
        bad = np.flatnonzero(~_close(frame["outages_per_year"], stated))
        if bad.size:
            raise DamagedFileError(p, f"/alerting/rules/outages_per_year of "
                                   f"{labels[bad[0]]} differs from its policy's")
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = (("delivered_share", d / f, f > 0), ("precision", (f - n) / f, f > 0),
                      ("recall", paged / outages, outages > 0))
        for key, value, defined in shares:
            expected = np.where(defined, value, np.nan)
            bad = np.flatnonzero(~_close(frame[key], expected, rtol=1e-9))
            if bad.size:
                i = int(bad[0])
                raise DamagedFileError(p, f"/alerting/rules/{key} of {labels[i]} is "
                                       f"{frame[key].iat[i]}, but its counts make "
                                       f"{expected[i]}")
            for side in ("_ci_low", "_ci_high"):
                if key + side in frame:
                    low = frame[key + "_ci_low"].to_numpy()
                    high = frame[key + "_ci_high"].to_numpy()
                    odd = np.flatnonzero(defined & ~((low <= expected + 1e-12) &
                                                     (expected <= high + 1e-12)))
                    if odd.size:
                        i = int(odd[0])
                        raise DamagedFileError(p, f"/alerting/rules: the interval of {key} "
                                               f"of {labels[i]}, {low[i]} to {high[i]}, "
                                               f"does not hold {expected[i]}")

    def _read_noise_by_hour(self, g: Columns) -> pd.DataFrame:
        p = self.path
        R = len(self.rules)
        values = g.matrix("noise_by_hour_per_year", np.float64, (R, 24),
                          per="(rule row, hour of day) pair",
                          what="rule rows x hours of the day")
        counted = values.sum(axis=1) * self._years
        noise = self.rules["noise"].to_numpy()
        bad = np.flatnonzero(~(values >= 0).all(axis=1) |
                             ~_close(counted, noise, rtol=1e-9, atol=1e-6))
        if bad.size:
            i = int(bad[0])
            raise DamagedFileError(p, f"/alerting/rules/noise_by_hour_per_year of "
                                   f"{self._label(self.rules, i)} adds up to "
                                   f"{counted[i]:g} firings, but its noise is {noise[i]:,}")
        index = pd.MultiIndex.from_arrays([self.rules["policy_name"], self.rules["name"]],
                                          names=["policy", "rule"])
        return pd.DataFrame(values, index=index, columns=pd.RangeIndex(24, name="hour"))

    # -- the big tables ------------------------------------------------------------------------

    def _firings_table(self, g: Columns) -> Records:
        p = self.path
        H = self._metadata.histories
        horizon = self._metadata.horizon_seconds
        P = len(self.policies)
        rules_of = self.rules_per_policy()
        check_rules = self._firing_check(rules_of, horizon)
        table = Records(g, [
            Column("history", (0, H - 1), bounded_by="the root attribute 'histories'"),
            Column("policy", (0, P - 1), bounded_by="/alerting/policies"),
            # A policy's rules, then its page rules together (index: its number of rules).
            Column("rule", (0, int(rules_of.max())), bounded_by="/alerting/rules"),
            Column("fired", real=True), Column("delivered", real=True),
            Column("outage_start", real=True), Column("budget", real=True)],
            per="firing", check=check_rules)
        expected = int(self.rules["firings"].sum())
        if len(table) != expected:
            raise DamagedFileError(p, f"/alerting/firings has {len(table):,} rows but the "
                                   f"rules of /alerting/rules count {expected:,} firings")
        return table

    def rules_per_policy(self) -> np.ndarray:
        """Rules per policy, the combined rows not counted."""
        rules = self.rules[~self.rules["combined"]]
        return np.bincount(rules["policy"].to_numpy(), minlength=len(self.policies))

    def _firing_check(self, rules_of: np.ndarray, horizon: float):
        path = self.path

        def check(frame: pd.DataFrame, start: int) -> None:
            policy = frame["policy"].to_numpy()
            rule = frame["rule"].to_numpy()
            fired = frame["fired"].to_numpy()
            delivered = frame["delivered"].to_numpy()
            about = frame["outage_start"].to_numpy()
            budget = frame["budget"].to_numpy()
            problems = (
                (rule > rules_of[policy], "names a rule beyond its policy's rules"),
                (~((fired > 0) & (fired <= horizon)), "fired outside the horizon"),
                (~(np.isnan(delivered) | ((delivered >= fired) & (delivered <= horizon))),
                 "was delivered before it fired or after the horizon"),
                (~(np.isnan(about) | ((about >= 0) & (about <= fired))),
                 "is about an outage that starts after it fired"),
                (~(np.isnan(budget) | (budget >= 0)), "has a negative budget"),
            )
            for bad, what in problems:
                if bad.any():
                    i = int(np.flatnonzero(bad)[0])
                    raise DamagedFileError(path, f"/alerting/firings[{start + i}] {what} "
                                           f"(policy {policy[i]}, rule {rule[i]}, fired "
                                           f"{fired[i]}, delivered {delivered[i]}, outage "
                                           f"start {about[i]}, budget {budget[i]})")
        return check

    def _series_table(self, g: Columns) -> Records:
        H = min(self._metadata.histories, SERIES_HISTORIES)
        P = len(self.policies)
        slices = np.ceil(self._metadata.horizon_seconds /
                         self.policies["slice_seconds"].to_numpy()).astype(np.int64)
        path = self.path

        def check(frame: pd.DataFrame, start: int) -> None:
            requests = frame["requests"].to_numpy()
            errors = frame["errors"].to_numpy()
            slice_ = frame["slice"].to_numpy()
            bad = (errors > requests) | (slice_ >= slices[frame["policy"].to_numpy()])
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise DamagedFileError(path, f"/alerting/series[{start + i}] counts "
                                       f"{errors[i]:,} errors of {requests[i]:,} requests in "
                                       f"slice {slice_[i]:,}: more errors than requests, or a "
                                       "slice beyond the horizon")
        return Records(g, [
            Column("history", (0, H - 1), bounded_by=f"the series' first {H} histories"),
            Column("policy", (0, P - 1), bounded_by="/alerting/policies"),
            Column("slice", (0, None)), Column("requests", (0, None)),
            Column("errors", (0, None))], per="series slice", check=check)

    def read_series(self) -> pd.DataFrame:
        """The whole series (small: a few histories x policies x at most 1,440 slices), its
        blocks checked: each (history, policy) once, as consecutive slices."""
        frame = self.series[:]
        keys = frame["history"].to_numpy(np.int64) * len(self.policies) + \
            frame["policy"].to_numpy(np.int64)
        change = np.flatnonzero(np.diff(keys)) + 1
        starts = np.concatenate([[0], change]) if len(frame) else np.zeros(0, np.int64)
        if len(np.unique(keys[starts])) != len(starts):
            raise DamagedFileError(self.path, "/alerting/series holds the slices of one "
                                   "history and policy in more than one block")
        slices = frame["slice"].to_numpy(np.int64)
        steps = np.diff(slices)
        inside = np.ones(len(steps), dtype=bool)
        inside[change - 1] = False
        if (steps[inside] != 1).any():
            row = int(np.flatnonzero(inside & (steps != 1))[0]) + 1
            raise DamagedFileError(self.path, f"/alerting/series[{row}]: the slices of one "
                                   "history and policy are not consecutive")
        frame = frame.reset_index(drop=True)
        width = self.policies["slice_seconds"].to_numpy()[frame["policy"].to_numpy()]
        frame.insert(3, "start", slices * width)
        frame.insert(2, "policy_name", self.policies["name"].to_numpy()[
            frame["policy"].to_numpy()] if len(frame) else [])
        return frame

    # -- checking everything ---------------------------------------------------------------------

    def verify(self) -> None:
        """Reads the firings once and checks them against /alerting/rules: sorted by history,
        policy, rule and time; per rule the firings, delivered, noise and outages paged; the
        combined rows' outages paged; noise by hour of day; the mean time to page and budget
        at firing. Then the series against the firings: a block for each of the first
        histories' policies that fired about an outage, around its first such firing."""
        if self.firings is None:
            return
        p = self.path
        rules = self.rules
        rules_of = self.rules_per_policy()
        offset = np.concatenate([[0], np.cumsum(rules_of + 1)])[:-1]  # each policy's first row
        R = len(rules)
        counts = {key: np.zeros(R, dtype=np.int64) for key in ("firings", "delivered",
                                                               "noise")}
        noise_hours = np.zeros((R, 24), dtype=np.int64)
        budget_sum = np.zeros(R)
        budget_count = np.zeros(R, dtype=np.int64)
        paged = []  # (row, history, outage start, first delivery) of delivered firings
        first_about = {}  # (history, policy) -> earliest firing about an outage
        page = (rules["severity"] == "page").to_numpy()
        last = None
        for start, block in self.firings.iter_chunks():
            h = block["history"].to_numpy(np.int64)
            pol = block["policy"].to_numpy(np.int64)
            rule = block["rule"].to_numpy(np.int64)
            fired = block["fired"].to_numpy()
            keys = np.stack([h, pol, rule]).T
            previous = np.concatenate([[last[:3]] if last is not None else [keys[0]],
                                       keys[:-1]])
            prev_fired = np.concatenate([[last[3] if last is not None else -math.inf],
                                         fired[:-1]])
            later = (keys > previous) | (keys < previous)
            first_diff = np.argmax(later, axis=1)
            any_diff = later.any(axis=1)
            rows = np.arange(len(keys))
            backwards = np.where(any_diff, keys[rows, first_diff] < previous[rows, first_diff],
                                 fired <= prev_fired)
            if backwards.any():
                row = start + int(np.flatnonzero(backwards)[0])
                raise DamagedFileError(p, f"/alerting/firings is not sorted by history, policy, "
                                       f"rule and time at row {row:,}")
            last = (h[-1], pol[-1], rule[-1], fired[-1])
            row = offset[pol] + rule
            delivered = block["delivered"].to_numpy()
            about = block["outage_start"].to_numpy()
            budget = block["budget"].to_numpy()
            is_noise = np.isnan(about)
            is_delivered = ~np.isnan(delivered)
            counts["firings"] += np.bincount(row, minlength=R)
            counts["delivered"] += np.bincount(row[is_delivered], minlength=R)
            counts["noise"] += np.bincount(row[is_noise], minlength=R)
            hours = np.minimum((np.fmod(fired, DAY) // 3600).astype(np.int64), 23)
            np.add.at(noise_hours, (row[is_noise], hours[is_noise]), 1)
            with_budget = ~is_noise & ~np.isnan(budget)
            budget_sum += np.bincount(row[with_budget], weights=budget[with_budget],
                                      minlength=R)
            budget_count += np.bincount(row[with_budget], minlength=R)
            both = ~is_noise & is_delivered
            paged.append(np.stack([row[both], h[both], about[both], delivered[both]]).T)
            for i in np.flatnonzero(~is_noise & (h < SERIES_HISTORIES)):
                key = (int(h[i]), int(pol[i]))
                first_about[key] = min(first_about.get(key, math.inf), float(fired[i]))
        # The combined rows' firings are listed too (rule = the policy's number of rules).
        combined = rules["combined"].to_numpy()
        for key in ("firings", "delivered", "noise"):
            self._agree(counts[key], rules[key], key)
        stated_hours = np.rint(self.noise_by_hour.to_numpy() * self._years).astype(np.int64)
        if not np.array_equal(noise_hours, stated_hours):
            i = int(np.flatnonzero((noise_hours != stated_hours).any(axis=1))[0])
            raise DamagedFileError(p, f"/alerting/rules/noise_by_hour_per_year of "
                                   f"{self._label(rules, i)}: the firings table's noise by hour "
                                   f"is {noise_hours[i].tolist()}, the rules say "
                                   f"{stated_hours[i].tolist()}")
        # Outages paged and time to page: per rule (and per policy for its page rules), each
        # outage's first delivered firing.
        paged = np.concatenate(paged) if paged else np.zeros((0, 4))
        outages_paged = np.zeros(R, dtype=np.int64)
        time_to_page = np.full(R, math.nan)
        policy_of_row = rules["policy"].to_numpy()
        for i in range(R):
            mine = paged[:, 0] == i
            frame = pd.DataFrame(paged[mine, 1:], columns=["history", "start", "delivered"])
            first = frame.groupby(["history", "start"])["delivered"].min()
            outages_paged[i] = len(first)
            if len(first):
                starts = first.index.get_level_values("start").to_numpy()
                time_to_page[i] = float(np.mean(first.to_numpy() - starts))
        self._agree(outages_paged, rules["outages_paged"], "outages_paged")
        bad = np.flatnonzero(~_close(time_to_page, rules["time_to_page_mean"], rtol=1e-9,
                                     atol=1e-3))
        if bad.size:
            i = int(bad[0])
            raise DamagedFileError(p, f"/alerting/rules/time_to_page_mean of "
                                   f"{self._label(rules, i)} is "
                                   f"{rules['time_to_page_mean'].iat[i]} s, the firings make "
                                   f"{time_to_page[i]} s")
        with np.errstate(invalid="ignore", divide="ignore"):
            budget_mean = np.where(budget_count > 0, budget_sum / budget_count, np.nan)
        bad = np.flatnonzero(~_close(budget_mean, rules["budget_at_firing_mean"], rtol=1e-6,
                                     atol=1e-8))
        if bad.size:
            i = int(bad[0])
            raise DamagedFileError(p, f"/alerting/rules/budget_at_firing_mean of "
                                   f"{self._label(rules, i)} is "
                                   f"{rules['budget_at_firing_mean'].iat[i]}, the firings make "
                                   f"{budget_mean[i]}")
        self._verify_series(first_about)

    def _verify_series(self, first_about: dict) -> None:
        p = self.path
        series = self.read_series()
        blocks = series.groupby(["history", "policy"])["slice"].agg(["min", "max"])
        if set(blocks.index) != set(first_about):
            extra = sorted(set(blocks.index) ^ set(first_about))[0]
            raise DamagedFileError(p, f"/alerting/series and /alerting/firings disagree on "
                                   f"history {extra[0]}, policy {extra[1]}: a series exists "
                                   "exactly for each of the first histories' policies that "
                                   "fired about an outage")
        width = self.policies["slice_seconds"].to_numpy()
        for (h, pol), (lo, hi) in blocks.iterrows():
            fired = first_about[h, pol] / width[pol]
            if not lo <= fired <= hi + 1:
                raise DamagedFileError(p, f"/alerting/series of history {h}, policy {pol} "
                                       f"covers slices {lo:,} to {hi:,}, not its first firing "
                                       f"about an outage at slice end {fired:g}")

    def _agree(self, counted: np.ndarray, stated, key: str) -> None:
        stated = np.asarray(stated, dtype=np.int64)
        if not np.array_equal(counted, stated):
            i = int(np.flatnonzero(counted != stated)[0])
            raise DamagedFileError(self.path, f"/alerting/rules/{key} of "
                                   f"{self._label(self.rules, i)} is {stated[i]:,}, but "
                                   f"/alerting/firings counts {counted[i]:,}")

    # -- answers -------------------------------------------------------------------------------

    def policy_index(self, policy) -> int:
        names = list(self.policies["name"])
        if isinstance(policy, str):
            if policy not in names:
                raise KeyError(f"no alert policy {policy!r} (policies: {', '.join(names)})")
            return names.index(policy)
        i = int(policy)
        if not 0 <= i < len(names):
            raise IndexError(f"alert policy {policy} out of range for {len(names)} policies")
        return i

    def comparison(self) -> pd.DataFrame:
        combined = self.rules[self.rules["combined"]].set_index("policy")
        frame = self.policies[["name", "scope", "slice_seconds", "outages",
                               "outages_per_year"]].copy()
        frame.insert(3, "rules", self.rules_per_policy())
        pages = self.rules[~self.rules["combined"] & (self.rules["severity"] == "page")]
        frame.insert(4, "page_rules", np.bincount(pages["policy"].to_numpy(),
                                                  minlength=len(frame)))
        for key in COMPARED:
            frame[key] = combined[key].reindex(frame.index).to_numpy()
        return frame.set_index("name")

    def windows(self, history: int, policy: int) -> pd.DataFrame:
        """Each rule's windows at every slice end of one series block (see
        TimeRun.alert_windows)."""
        series = self.read_series()
        block = series[(series["history"] == history) & (series["policy"] == policy)]
        columns = ["rule", "name", "severity", "end_slice", "end", "long_requests",
                   "long_errors", "long_ratio", "short_requests", "short_errors",
                   "short_ratio", "threshold", "complete", "fires", "starts"]
        if not len(block):
            return pd.DataFrame({key: [] for key in columns})
        width = float(self.policies["slice_seconds"].iat[policy])
        first = int(block["slice"].iat[0])
        requests = block["requests"].to_numpy()
        errors = block["errors"].to_numpy()
        ends = np.arange(first + 1, first + len(block) + 1)
        parts = []
        rules = self.rules[(self.rules["policy"] == policy) & ~self.rules["combined"]]
        for _, r in rules.iterrows():
            long_ = int(round(r["long_seconds"] / width))
            short = int(round(r["short_seconds"] / width))
            lr, le, _ = rules_math.window_sums(first, requests, errors, long_, ends)
            if short:
                sr, se, _ = rules_math.window_sums(first, requests, errors, short, ends)
            else:
                sr = se = np.full(len(ends), np.nan)
            fires, complete = rules_math.rule_fires(first, requests, errors, ends,
                                                    r["threshold"], long_, short)
            starts = np.zeros(len(ends), dtype=bool)
            starts[rules_math.firing_starts(fires, complete)] = True
            with np.errstate(invalid="ignore", divide="ignore"):
                parts.append(pd.DataFrame({
                    "rule": r["rule"], "name": r["name"], "severity": r["severity"],
                    "end_slice": ends, "end": ends * width, "long_requests": lr,
                    "long_errors": le, "long_ratio": le / lr, "short_requests": sr,
                    "short_errors": se, "short_ratio": se / sr, "threshold": r["threshold"],
                    "complete": complete, "fires": fires, "starts": starts}))
        return pd.concat(parts, ignore_index=True)
