"""The "Alerting" section of a time run's report and its lines in the text summary: a table per
alert policy (each rule and its page rules together), the policies compared on the same
histories, and the burn-rate, noise-by-hour and comparison plots."""
from __future__ import annotations

import math

from .. import formatting as fmt
from .. import plots
from .html import esc, figure_to_data_uri, row
from .html import share as _share
from .html import share_with_interval as _with_interval

__all__ = ["alerting_section", "alerting_text_lines", "rule_setting"]


def _rate(x: float) -> str:
    return "n/a" if math.isnan(x) else (f"{x:,.3g}" if x < 1e4 else f"{x:,.0f}")


def rule_setting(r) -> str:
    """A rule as people write it: "14.4x over 1 h and 5 min", "> 0.1% over 10 min"."""
    if r["combined"]:
        return "its page rules together"
    what = (f"{r['burn_rate']:g}x" if not math.isnan(r["burn_rate"]) else
            f"&gt; {fmt.percent(r['threshold'])}")
    windows = fmt.duration(r["long_seconds"])
    if r["short_seconds"] > 0:
        windows += f" and {fmt.duration(r['short_seconds'])}"
    return f"{what} over {windows}"


def _policy_table(run, policy: int, p) -> str:
    rules = run.alert_rules(policy)
    body = []
    for _, r in rules.iterrows():
        name = esc(r["name"]) if not r["combined"] else f"<em>{esc(r['name'])}</em>"
        body.append(row(
            f'{name}<span class="kind-path">{rule_setting(r)}</span>', esc(r["severity"]),
            f'{_rate(r["firings_per_year"])}<span class="kind-path">'
            f'{_rate(r["firings_per_year_ci_low"])} – {_rate(r["firings_per_year_ci_high"])}'
            "</span>",
            _share(r["delivered_share"]), _rate(r["noise_per_year"]),
            _with_interval(r["precision"], r["precision_ci_low"], r["precision_ci_high"]),
            _with_interval(r["recall"], r["recall_ci_low"], r["recall_ci_high"]),
            f"{fmt.duration(r['time_to_page_p50'])} / {fmt.duration(r['time_to_page_p95'])}",
            f"{_share(r['budget_at_firing_p50'])} / {_share(r['budget_at_firing_p95'])}",
            cls="name"))
    scope = "the traffic mix" if p["scope"] == "mix" else f"request kind {esc(p['scope'])}"
    needs = (f"rules are evaluated while {esc(', '.join(p['needs']))} "
             f"work{'s' if len(p['needs']) == 1 else ''}" if p["needs"] else
             "rules are always evaluated")
    delivery = (f"pages reach people while {esc(', '.join(p['delivery']))} "
                f"work{'s' if len(p['delivery']) == 1 else ''}" if p["delivery"] else
                "pages always reach people")
    head = ("<tr><th>rule</th><th>severity</th><th>fires / year</th><th>delivered</th>"
            "<th>noise / year</th><th>precision</th><th>recall</th>"
            "<th>time to page 50% / 95%</th><th>budget at firing 50% / 95%</th></tr>")
    return (f"<h3>Policy {esc(p['name'])}</h3>"
            f'<p class="explain">On {scope}, {fmt.duration(p["slice_seconds"])} slices; '
            f"{needs}, {delivery}; {_rate(p['outages_per_year'])} outages of the scope a "
            "year.</p>"
            f'<div class="scroll"><table><thead>{head}</thead><tbody>{"".join(body)}'
            "</tbody></table></div>")


def _comparison_table(run) -> str:
    table = run.policy_comparison()
    body = [row(esc(name), f"{int(c['page_rules'])} of {int(c['rules'])}",
                _rate(c["firings_per_year"]), _share(c["delivered_share"]),
                _rate(c["noise_per_year"]),
                _with_interval(c["precision"], c["precision_ci_low"], c["precision_ci_high"]),
                _with_interval(c["recall"], c["recall_ci_low"], c["recall_ci_high"]),
                fmt.duration(c["time_to_page_mean"]),
                f"{fmt.duration(c['time_to_page_p50'])} / {fmt.duration(c['time_to_page_p95'])}",
                f"{_share(c['budget_at_firing_p50'])} / {_share(c['budget_at_firing_p95'])}",
                cls="name")
            for name, c in table.iterrows()]
    head = ("<tr><th>policy</th><th>page rules</th><th>pages / year</th><th>delivered</th>"
            "<th>noise pages / year</th><th>precision</th><th>recall</th>"
            "<th>time to page, mean</th><th>50% / 95%</th><th>budget at page 50% / 95%</th>"
            "</tr>")
    return (f'<div class="scroll"><table><thead>{head}</thead><tbody>{"".join(body)}'
            "</tbody></table></div>")


def alerting_section(run, dpi: int) -> str:
    """The section's HTML, or "" when the run has no alert policies."""
    if not run.has_alerting:
        return ""
    policies = run.alert_policies()
    tables = "".join(_policy_table(run, i, p) for i, p in policies.iterrows())
    figures = []
    if run.has_histories:
        found = plots.first_alert_series(run)
        if found is not None:
            uri = figure_to_data_uri(plots.alert_burn_rates(run, *found), dpi)
            figures.append(
                f'<figure><img alt="burn rate around an outage" src="{uri}"><figcaption>'
                f"History {found[0]}, policy {esc(policies['name'].iat[found[1]])}: each "
                "rule's long (solid) and short (dashed) window around its first firing about an "
                "outage, recomputed from the exact slice counts the file keeps; dotted lines "
                "are the thresholds, triangles the firings, stars the pages delivered. Windows "
                "longer than the recorded slices are not drawn.</figcaption></figure>")
    noise = figure_to_data_uri(plots.alert_noise_by_hour(run), dpi)
    figures.append(f'<figure><img alt="noise firings by hour of day" src="{noise}">'
                   "<figcaption>Firings whose long window saw no outage of the policy's scope "
                   "(transient per-request failures alone), per year, by the hour of day they "
                   "fired: low traffic at night makes error ratios jumpy.</figcaption></figure>")
    compared = figure_to_data_uri(plots.alert_policy_comparison(run), dpi)
    figures.append(f'<figure><img alt="policies compared" src="{compared}"><figcaption>Each '
                   "policy's page rules together: median time from an outage's start to its "
                   "first delivered page (the line reaches the 95% quantile) against noise "
                   "pages per year.</figcaption></figure>")
    bound = run.alert_missed_firing_bound
    return f"""<h2>Alerting</h2>
<p class="explain">Alert rules evaluated on the simulated requests and errors of every slice, as
a rule engine evaluates them on recorded metrics. Noise: firings whose long window saw no outage
of the scope; precision: the share of firings about an outage; recall: the share of outages with
a delivered page; time to page: from the outage's start to its first delivered page; budget at
firing: the share of the SLO window's error budget spent in the long window when it fired.
Quiet slice ends were skipped where a Chernoff bound proves they cannot fire: at most
{fmt.number(bound, 2)} firings missed over the whole run.</p>
<h3>Policies compared on the same histories (page rules together)</h3>
{_comparison_table(run)}
{tables}
{"".join(figures)}"""


def alerting_text_lines(run) -> list[str]:
    """The policies compared, for the terminal ([] without alert policies)."""
    if not run.has_alerting:
        return []
    table = run.policy_comparison()
    width = max(len(str(n)) for n in table.index)
    lines = ["", "  alert policies compared (page rules together):"]
    for name, c in table.iterrows():
        lines.append(f"    {name:<{width}}  pages/y {_rate(c['firings_per_year']):>8}  noise/y "
                     f"{_rate(c['noise_per_year']):>8}  precision {_share(c['precision']):>6}  "
                     f"recall {_share(c['recall']):>6}  time to page 50/95% "
                     f"{fmt.duration(c['time_to_page_p50'])} / "
                     f"{fmt.duration(c['time_to_page_p95'])}")
    return lines
