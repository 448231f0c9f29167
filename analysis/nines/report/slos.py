"""The "SLOs" section of a time run's report and its lines in the text summary: the SLOs of
time.slos in a table (share of windows met, P(first window meets it), good events and, with
the windows recorded, the budget consumed per window), the share-met and budget-consumed
plots."""
from __future__ import annotations

import math

from .. import formatting as fmt
from .. import plots
from .html import esc, figure_to_data_uri, row
from .html import share as _share
from .html import share_with_interval as _with_interval

__all__ = ["slos_section", "slos_text_lines"]


def _consumed(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{100 * x:,.3g}%"


def _objective(o) -> str:
    """What the SLO promises, as people say it."""
    if o["budgeting_method"] == "timeslices":
        return (f"{fmt.percent(o['target'])} of {fmt.duration(o['time_slice_window_seconds'])} "
                f"slices good (≥ {fmt.percent(o['time_slice_target'])} of requests succeed)")
    return f"{fmt.percent(o['target'])} of requests succeed"


def _windows(o) -> str:
    if o["windows"] == "calendar-months":
        what = "calendar months"
    else:
        what = f"{esc(o['windows'])} {fmt.duration(o['window_seconds'])}"
    return f"{what} ({int(o['windows_per_history'])} per history)"


def _table(run) -> str:
    table = run.slo_objectives()
    consumed = run.slo_budget_summary() if run.has_histories else None
    body = []
    for i, o in table.iterrows():
        scope = "the traffic mix" if o["scope"] == "mix" else f"kind {esc(o['scope'])}"
        cells = [f'{esc(o["name"])}<span class="kind-path">{scope}</span>',
                 _objective(o), esc(o["budgeting_method"]), _windows(o),
                 _with_interval(o["share_met"], o["share_met_low"], o["share_met_high"]),
                 _with_interval(o["first_window_met"], o["first_window_met_low"],
                                o["first_window_met_high"]),
                 fmt.reliability_percent(o["good_share"])]
        if consumed is not None:
            c = consumed.loc[i]
            cells.append(f"{_consumed(c['p50'])} / {_consumed(c['p95'])}")
        body.append(row(*cells, cls="name"))
    head = ("<tr><th>SLO</th><th>objective</th><th>budgeting</th><th>windows</th>"
            "<th>windows met</th><th>P(first window meets it)</th><th>good events</th>"
            + ("<th>budget consumed per window 50% / 95%</th>" if consumed is not None else "")
            + "</tr>")
    return (f'<div class="scroll"><table><thead>{head}</thead><tbody>{"".join(body)}'
            "</tbody></table></div>")


def slos_section(run, dpi: int) -> str:
    """The section's HTML, or "" when the run has no SLOs as objects."""
    if not run.has_slos:
        return ""
    met = figure_to_data_uri(plots.slo_share_met(run), dpi)
    figures = [f'<figure><img alt="share of windows that met each SLO" src="{met}">'
               "<figcaption>Bars: the share of each SLO's windows, over every history, that "
               "met it, with its interval over histories; diamonds: the probability that a "
               "history's first window meets it (Wilson interval).</figcaption></figure>"]
    if run.has_histories:
        consumed = figure_to_data_uri(plots.slo_budget_consumed(run), dpi)
        figures.append(
            f'<figure><img alt="error budget consumed per window" src="{consumed}">'
            "<figcaption>The share of windows that consumed at most a given share of their "
            "error budget (bad events over (1 − target) × all events), per SLO; the dashed "
            "line is the whole budget, where each curve reaches its share of windows met. "
            "Linear up to 1%, logarithmic above.</figcaption></figure>")
    else:
        figures.append('<p class="note">No distribution of the budget consumed: this run was '
                       f"recorded with <code>--record {esc(run.metadata.record)}</code>, which "
                       "keeps the SLOs' summaries only.</p>")
    return f"""<h2>SLOs</h2>
<p class="explain">The SLOs of <code>time.slos</code>, each on a request kind or the traffic mix.
By occurrences a window meets its SLO when at most (1 − target) of its requests failed; by
timeslices, when at most (1 − target) of its time slices were bad (a slice is bad when fewer
than the slice target of its requests succeeded). Good events: the share of good requests (or
slices) over every window of every history.</p>
{_table(run)}
{"".join(figures)}"""


def slos_text_lines(run) -> list[str]:
    """The SLOs, for the terminal ([] without SLOs as objects)."""
    if not run.has_slos:
        return []
    table = run.slo_objectives()
    width = max(len(str(n)) for n in table["name"])
    lines = ["", "  SLOs (share of windows met, P(first window meets it), good events):"]
    for _, o in table.iterrows():
        lines.append(f"    {o['name']:<{width}}  {_share(o['share_met']):>6} "
                     f"[{_share(o['share_met_low'])}, {_share(o['share_met_high'])}]  first "
                     f"{_share(o['first_window_met']):>6}  good "
                     f"{fmt.reliability_percent(o['good_share'])}  ({o['budgeting_method']}, "
                     f"{o['windows']})")
    return lines
