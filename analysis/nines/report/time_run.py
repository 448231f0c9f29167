"""The report page and the text summary of a time run (format_version 3, outages over time):
the summary over histories, the request kinds, SLO attainment, SLOs as objects (slos.py), alert
policies (alerting.py), the error budget by component, the components and events, the
distribution of yearly downtime and one history's timeline."""
from __future__ import annotations

import html
import math
import os

from .. import formatting as fmt
from .. import plots
from ..readers.time_run import SECONDS_PER_YEAR
from ..version import __version__
from .alerting import alerting_section, alerting_text_lines
from .slos import slos_section, slos_text_lines
from .html import CSS, esc as _esc, figure_to_data_uri, generated_now, row as _row, tile

__all__ = ["render_time_report", "time_text_summary", "METRIC_LABELS"]

# How each summary metric is named and shown (its values are fractions, seconds or counts).
METRIC_LABELS = {
    "time_availability": ("Time availability (traffic-weighted mix)", "availability"),
    "request_availability": ("Request availability", "availability"),
    "downtime_per_year": ("Downtime per year", "duration"),
    "outages_per_year": ("Outages per year", "rate"),
    "mean_time_to_detect": ("Mean time to detect", "duration"),
    "mean_time_to_repair": ("Mean time to repair", "duration"),
    "failed_requests_per_year": ("Failed requests per year", "rate"),
}


def _value(kind: str, x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if kind == "availability":
        return fmt.reliability_percent(x)
    if kind == "duration":
        return fmt.duration(x)
    return fmt.number(x, 4) if abs(x) < 1e6 else f"{x:,.0f}"


def _share(x: float) -> str:
    return "n/a" if x is None or math.isnan(x) else f"{100 * x:.1f}%"


def _minutes(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds / 60:,.1f}"


def _header(run) -> str:
    m = run.metadata
    crews = "unlimited crews" if m.crews == 0 else f"{m.crews} crew{'s' if m.crews > 1 else ''}"
    return f"""<header>
  <div><div class="brand">nines · outages over time</div><h1>{_esc(m.scenario_name)}</h1></div>
  <div class="meta">{fmt.count(m.histories)} histories of {fmt.duration(m.horizon_seconds)} · start {_esc(m.start)} · {crews}<br>
  {fmt.number(m.traffic_rate, 4)} requests/s · seed {m.seed} · record {_esc(m.record)}<br>
  engine {_esc(m.nines_version)} · run {_esc(m.created)}<br>
  scenario sha256 <code>{_esc(m.scenario_sha256[:16])}…</code></div>
</header>

<div class="verdict {"ok" if run.agrees else "bad"}"><span class="badge">{"AGREES" if run.agrees else "DISAGREES"}</span>
<span>Simulation {_esc(run.verdict)}</span></div>"""


def _tiles(run) -> str:
    def metric(name):
        return run.metric(name)

    t, d = metric("time_availability"), metric("downtime_per_year")
    tiles = [
        tile("Time availability (mean)", _value("availability", t["mean"]),
             f"95% CI {_value('availability', t['ci_low'])} – "
             f"{_value('availability', t['ci_high'])}", wide=True),
        tile("Downtime per year", fmt.duration(d["mean"]),
             f"median {fmt.duration(d['p50'])}, 95% of histories ≤ {fmt.duration(d['p95'])}",
             wide=True),
    ]
    for name in ("request_availability", "outages_per_year", "mean_time_to_detect",
                 "mean_time_to_repair"):
        label, kind = METRIC_LABELS[name]
        x = metric(name)
        tiles.append(tile(label, _value(kind, x["mean"]),
                          f"5–95%: {_value(kind, x['p05'])} – {_value(kind, x['p95'])}"))
    slo = run.slo
    if slo:
        tiles.append(tile(f"Windows meeting {100 * slo['target']:g}%",
                          _share(slo["share_met_time"]),
                          f"{_share(slo['share_met_time_low'])} – "
                          f"{_share(slo['share_met_time_high'])}; by requests "
                          f"{_share(slo['share_met_requests'])}", wide=True))
        tiles.append(tile("P(first window meets it)", _share(slo["first_window_met_time"]),
                          f"{_share(slo['first_window_met_time_low'])} – "
                          f"{_share(slo['first_window_met_time_high'])}; exact "
                          f"{_share(slo['first_window_met_time_exact'])}", wide=True))
    return f'<div class="tiles">{"".join(tiles)}</div>'


def _summary_table(run) -> str:
    s = run.summary()
    rows = []
    for name, values in s.iterrows():
        label, kind = METRIC_LABELS.get(name, (name.replace("_", " "), "number"))
        rows.append(_row(_esc(label), _value(kind, values["mean"]),
                         f"{_value(kind, values['ci_low'])} – {_value(kind, values['ci_high'])}",
                         _value(kind, values["p05"]), _value(kind, values["p50"]),
                         _value(kind, values["p95"]), cls="name"))
    head = ("<tr><th>over histories</th><th>mean</th><th>95% CI of the mean</th><th>5%</th>"
            "<th>50%</th><th>95%</th></tr>")
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def _kinds_table(run) -> str:
    rows = []
    for _, k in run.kinds().iterrows():
        rows.append(_row(_esc(k["name"]), _share(k["traffic_share"]),
                         _value("availability", k["time_availability"]),
                         _value("availability", k["request_availability"]),
                         fmt.duration(k["downtime_per_year"]),
                         _value("availability", k["availability_exact"])
                         if not math.isnan(k["availability_exact"]) else
                         '<span class="muted">no closed form</span>',
                         fmt.number(k["z_score"], 3), cls="name"))
    head = ("<tr><th>kind</th><th>traffic</th><th>time availability</th>"
            "<th>request availability</th><th>downtime per year</th>"
            "<th>exact (steady state)</th><th>z</th></tr>")
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def _budget_table(run) -> str:
    table = run.budget()
    slo = run.slo
    allowed = (1 - slo["target"]) * SECONDS_PER_YEAR if slo else None
    rows = []
    top = max(float(table["total"].max()) if len(table) else 0.0, 1e-300)
    for _, b in table.iterrows():
        if b["total"] <= 0:
            continue
        event = b["element"] == "common cause"
        bar = f'<span class="bar" style="width:{70 * b["total"] / top:.1f}px"></span>'
        rows.append(_row(
            _esc(b["name"]) + (' <span class="pill cc">common cause</span>' if event else ""),
            _minutes(b["own"]), _minutes(b["detection"]), bar + _minutes(b["total"]),
            _share(b["share"]), fmt.number(b["requests"], 4),
            _share(b["total"] / allowed) if allowed else "–", cls="name"))
    quiet = int((table["total"] <= 0).sum())
    head = ("<tr><th>culprit</th><th>own outages</th><th>via detection delays</th>"
            "<th>total</th><th>share</th><th>failed requests / year</th>"
            "<th>of the SLO's budget</th></tr>")
    note = (f'<p class="explain">Minutes of service downtime per year (the traffic-weighted '
            f"mix). {quiet} component{'s' if quiet != 1 else ''} caused none.</p>"
            if quiet else "")
    if not rows:
        return '<p class="note">No component or event caused any service downtime.</p>'
    return (f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>{note}")


def _components_table(run) -> str:
    rows = []
    for _, c in run.components().iterrows():
        if not c["failure"]:
            continue
        exact = (_value("availability", c["availability_exact"])
                 if not math.isnan(c["availability_exact"]) else
                 '<span class="muted">depends on others</span>')
        rows.append(_row(
            _esc(c["name"]),
            f'{_esc(c["failure"])}<span class="kind-path">repair {_esc(c["repair"])}; '
            f'detection {_esc(c["detection"])}</span>',
            fmt.number(c["outages_per_year"], 4), fmt.duration(c["downtime_per_year"]),
            fmt.duration(c["mean_time_to_detect"]), fmt.duration(c["mean_time_to_repair"]),
            _value("availability", c["availability_simulated"]), exact, cls="name"))
    if not rows:
        return '<p class="note">No component has outages of its own.</p>'
    head = ("<tr><th>component</th><th>time to failure · repair · detection</th>"
            "<th>outages / year</th><th>own downtime / year</th><th>MTTD</th><th>MTTR</th>"
            "<th>availability</th><th>exact A = MTTF / (MTTF + MTTD + MTTR)</th></tr>")
    return (f'<div class="scroll"><table><thead>{head}</thead><tbody>{"".join(rows)}'
            "</tbody></table></div>")


def _events_table(run) -> str:
    events = run.events()
    if not len(events):
        return ""
    history_years = run.metadata.history_years
    rows = [_row(_esc(e["name"]), _esc(e["every"]), _esc(e["lasts"]),
                 fmt.number(e["occurrences"] / history_years, 4),
                 fmt.duration(e["downtime"] / history_years),
                 _minutes(e["budget_seconds_per_year"]), cls="name")
            for _, e in events.iterrows()]
    head = ("<tr><th>event</th><th>every</th><th>lasts</th><th>per year</th>"
            "<th>duration per year</th><th>service downtime caused (min / year)</th></tr>")
    return (f"<h2>Common-cause events</h2><table><thead>{head}</thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _slo_section(run, dpi: int) -> str:
    slo = run.slo
    if not slo:
        return ('<h2>SLO attainment</h2><p class="note">The scenario declares no SLO: add '
                "<code>time: {slo: {target: 99.9%, window: 30d}}</code> to see the share of "
                "windows that meet it.</p>")
    rows = [
        _row("Target", fmt.percent(slo["target"])),
        _row("Window", f"{fmt.duration(slo['window_seconds'])}, "
             f"{_esc(slo['windows'].replace('-', ' '))} ({slo['windows_per_history']} per "
             "history)"),
        _row("Windows that met it, by time",
             f"{_share(slo['share_met_time'])} ({_share(slo['share_met_time_low'])} – "
             f"{_share(slo['share_met_time_high'])})"),
        _row("Windows that met it, by requests",
             f"{_share(slo['share_met_requests'])} ({_share(slo['share_met_requests_low'])} – "
             f"{_share(slo['share_met_requests_high'])})"),
        _row("P(a history's first window meets it)",
             f"{_share(slo['first_window_met_time'])} "
             f"({_share(slo['first_window_met_time_low'])} – "
             f"{_share(slo['first_window_met_time_high'])})"),
        _row("… exact", _share(slo["first_window_met_time_exact"])
             if not math.isnan(slo["first_window_met_time_exact"]) else
             '<span class="muted">no closed form for this model</span>'),
        _row("Downtime the target allows per window",
             fmt.duration((1 - slo["target"]) * slo["window_seconds"])),
    ]
    table = f'<table class="stats"><tbody>{"".join(rows)}</tbody></table>'
    if run.has_histories:
        uri = figure_to_data_uri(plots.slo_attainment(run, figsize=(11, 4.4)), dpi)
        figure = (f'<figure><img alt="SLO attainment" src="{uri}"><figcaption>Left: how many '
                  "of its windows each history met (filled: by downtime, outline: by failed "
                  "requests); the line and band are the share over all windows and its "
                  "interval. Right: the history that met fewest windows, its downtime in each "
                  "window against what the target allows.</figcaption></figure>")
    else:
        figure = _no_histories(run)
    return f"<h2>SLO attainment</h2>{table}{figure}"


def _no_histories(run) -> str:
    return ('<p class="note">No per-history plots: this run was recorded with '
            f"<code>--record {_esc(run.metadata.record)}</code>, which keeps summaries only. "
            "Rerun with <code>--record outages</code> (the default).</p>")


def render_time_report(run, *, dpi: int = 144) -> str:
    """The report page for an open TimeRun, as a string."""
    m = run.metadata
    title = html.escape(m.scenario_name)
    budget_uri = figure_to_data_uri(plots.error_budget(run, figsize=None), dpi)
    if run.has_histories:
        history = plots.worst_history(run)
        distribution_uri = figure_to_data_uri(plots.downtime_distribution(run, figsize=(11, 4.4)),
                                              dpi)
        timeline_uri = figure_to_data_uri(plots.timeline(run, history), dpi)
        allowed = ", the dotted one what the SLO's target allows in a year" if run.slo else ""
        histories_html = f"""<h2>Downtime over histories</h2>
<figure><img alt="downtime per year over histories" src="{distribution_uri}">
<figcaption>Each history's service downtime per year; the solid line is the mean, the dashed
ones the 5%, 50% and 95% quantiles{allowed}.</figcaption></figure>

<h2>One history: the year with the most downtime</h2>
<figure><img alt="timeline of history {history}" src="{timeline_uri}">
<figcaption>History {history}, the one with the most downtime: every outage from its start to
its end, hatched until it was detected, orange while it waited for a repair crew, solid while
it was repaired; purple bars are common-cause events.</figcaption></figure>"""
    else:
        histories_html = f"<h2>Downtime over histories</h2>{_no_histories(run)}"

    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nines report — {title}</title>
<style>{CSS}</style></head>
<body><main>
{_header(run)}

{_tiles(run)}

<h2>Over {fmt.count(m.histories)} histories</h2>
{_summary_table(run)}
<p class="explain">Each history is one independent timeline of {fmt.duration(m.horizon_seconds)}.
Per-year figures scale a history's counts to 365 days. Durations are realised: mean time to
detect counts from a failure to its detection, mean time to repair from the start of the repair
to its end.</p>

<h2>Request kinds</h2>
{_kinds_table(run)}

{_slo_section(run, dpi)}

{slos_section(run, dpi)}

{alerting_section(run, dpi)}

<h2>Error budget by component</h2>
{_budget_table(run)}
<figure><img alt="error budget by component" src="{budget_uri}">
<figcaption>The service downtime each component caused per year: as the outage that took the
service down (solid), and by being down while another outage's detection waited for it
(hatched, e.g. monitoring).</figcaption></figure>

<h2>Components</h2>
{_components_table(run)}
{_events_table(run)}

{histories_html}

<h2>Scenario</h2>
<pre>{html.escape(m.scenario_yaml)}</pre>

<footer>Generated {generated_now()} by the nines Python package {__version__} from
<code>{html.escape(os.path.basename(m.path))}</code> (format {html.escape(m.format)} v{m.format_version}).</footer>
</main></body></html>
"""


def time_text_summary(run) -> str:
    """A few lines for a terminal: the summary over histories, the SLO and the budget."""
    m = run.metadata
    lines = [f"{m.scenario_name}: {fmt.count(m.histories)} histories of "
             f"{fmt.duration(m.horizon_seconds)}, seed {m.seed}, record {m.record} "
             f"(engine {m.nines_version}, {m.created})"]
    width = max(len(label) for label, _ in METRIC_LABELS.values())
    for name, values in run.summary().iterrows():
        label, kind = METRIC_LABELS.get(name, (name, "number"))
        lines.append(f"  {label:<{width}}  {_value(kind, values['mean']):>14}   5/50/95%: "
                     f"{_value(kind, values['p05'])} / {_value(kind, values['p50'])} / "
                     f"{_value(kind, values['p95'])}")
    slo = run.slo
    if slo:
        lines.append(f"  SLO {fmt.percent(slo['target'])} over "
                     f"{fmt.duration(slo['window_seconds'])} ({slo['windows']}): {_share(slo['share_met_time'])} of windows met by "
                     f"time, {_share(slo['share_met_requests'])} by requests")
    lines.append(f"  verdict  {run.verdict}")
    lines += slos_text_lines(run)
    lines += alerting_text_lines(run)
    budget = run.budget()
    budget = budget[budget["total"] > 0]
    if len(budget):
        lines += ["", "  error budget (minutes of service downtime per year):"]
        name_width = max(len(str(n)) for n in budget["name"])
        for _, b in budget.head(10).iterrows():
            lines.append(f"    {b['name']:<{name_width}}  {_minutes(b['total']):>10}  (own "
                         f"{_minutes(b['own'])}, via detection {_minutes(b['detection'])})")
    return "\n".join(lines)
