"""The pictures of a run. Each function returns a matplotlib Figure built with the object API
(no pyplot state, no show()), so they work under any backend, headless included. Each takes
ax=: the axes to draw into (one Axes; plots of several panels take one Axes per panel, in
order), returning the figure they belong to; without it a new Figure of figsize.

    pareto(run)       failures per component, worst first, against the model's expectation
                      (structure runs: primary culprits, for the mix or one request kind)
    convergence(run)  the running reliability estimate closing in on the analytic value, from
                      where the interval is meaningful (the model expects z^2 failures)
    essay_curves()    the essay's picture: effective reliability against component count,
                      with simulated points from a DataFrame or a sweep
    sweep_z(sweep)    every point's z inside the ±5 band, and their histogram against N(0, 1)
    sweep_points(sweep)  any sweep point by point: simulated DPMO with interval vs analytic
    importance(run)   structure runs: components (and common causes) ranked by improvement
                      potential, with simulated intervals, Birnbaum, RAW and RRW
    kind_reliability(run)  structure runs: each request kind and the mix, simulated with its
                      interval against the exact analytic value
    timeline(run, h)  time runs: one history's outages as a Gantt chart, detection marked
    downtime_distribution(run)  time runs: yearly downtime over histories, mean and 5/50/95%
    slo_attainment(run)  time runs: share of windows met per history, and one history's
                      downtime per window against the budget
    error_budget(run) time runs: service downtime per year each component caused, own and
                      through detection delays
    alert_burn_rates(run)  time runs with alert policies: each rule's burn rate around an
                      outage, thresholds, firings and the page marked
    alert_noise_by_hour(run)  noise firings per year by hour of day, per policy (or rule)
    alert_policy_comparison(run)  time to page against noise pages per year, per policy
    slo_share_met(run)  time runs with SLOs as objects: the share of windows that met each
                      SLO with its interval, and P(the first window meets it)
    slo_budget_consumed(run)  the error budget consumed per window, per SLO, against 100%
    value_distribution(run)  uncertainty files: the service value over the draws of the
                      uncertain inputs, the point value, 5/50/95% and the target marked
    sobol_indices(run)  uncertainty files: first-order and total Sobol index per input, with
                      ±2 bootstrap SD
    impact(run)       any run: each component's share of the failed requests and its
                      improvement potential, most important first (nines.impact_table)

Modules: style (palette, axes), run (pareto, convergence), essay (essay_curves), sweep
(sweep_z, sweep_points), structure (importance, kind_reliability), time (timeline,
downtime_distribution, slo_attainment, error_budget), alerting (alert_*), slos (slo_share_met,
slo_budget_consumed), uncertainty (value_distribution, sobol_indices), impact (impact). Plots read through
nines.readers and compute intervals with nines.stats; the report draws them.
"""
from .alerting import (alert_burn_rates, alert_noise_by_hour, alert_policy_comparison,
                       first_alert_series)
from .essay import ESSAY_RELIABILITIES, essay_curves
from .impact import impact
from .run import convergence, geometric_points, meaningful_start, pareto
from .slos import slo_budget_consumed, slo_label, slo_share_met
from .structure import importance, importance_ranking, kind_reliability
from .style import PALETTE
from .sweep import sweep_points, sweep_z
from .time import downtime_distribution, error_budget, slo_attainment, timeline, worst_history
from .uncertainty import sobol_indices, value_distribution

__all__ = ["pareto", "convergence", "essay_curves", "sweep_z", "sweep_points", "importance",
           "importance_ranking", "kind_reliability", "geometric_points", "meaningful_start",
           "ESSAY_RELIABILITIES", "PALETTE", "timeline", "downtime_distribution",
           "slo_attainment", "error_budget", "worst_history", "alert_burn_rates",
           "alert_noise_by_hour", "alert_policy_comparison", "first_alert_series", "slo_share_met",
           "slo_budget_consumed", "slo_label", "value_distribution", "sobol_indices", "impact"]
