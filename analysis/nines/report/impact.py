"""The service-impact page (python3 -m nines impact RUN.h5 [--allocation ALLOC.h5]): one panel
per component, most important first, built from nines.impact_table so that a notebook gets the
same numbers. Self-contained like the report: the chart is embedded, the definitions are on the
page."""
from __future__ import annotations

import html
import math
import os

from .. import formatting as fmt
from .. import plots
from ..readers.allocation import METHODS
from ..readers.impact import impact_table
from ..version import __version__
from .html import CSS, esc, figure_to_data_uri, generated_now, share, tile
from .html import figure_format as _figure_format

__all__ = ["render_impact_report"]

_IMPACT_CSS = """
.cards { display:grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; margin-top: 14px; }
.card { border:1px solid var(--line); border-radius: 8px; padding: 12px 16px 10px; break-inside: avoid; }
.card h3 { margin: 0 0 2px; font-size: 17px; display:flex; gap:10px; align-items:baseline; }
.card h3 .rank { background: var(--accent); color:#fff; border-radius: 4px; padding: 0 7px;
                 font-size: 13px; }
.card .team { color: var(--muted); font-size: 13px; margin-bottom: 6px; }
.card table td { padding: 5px 6px; vertical-align: top; }
.card table td:first-child { color: var(--muted); width: 34%; }
.card table td:last-child { text-align: left; }
.card .small { color: var(--muted); font-size: 12px; display:block; }
table.glance td:nth-child(2) { font-weight: 600; }
table.glance td:nth-child(3) { text-align: left; color: var(--muted); }
.warn { background: var(--bad-bg); color: #7d1a14; padding: 10px 14px; border-radius: 6px; }
dl.defs dt { font-weight: 700; margin-top: 10px; }
dl.defs dd { margin: 2px 0 0 0; color: var(--ink); font-size: 14px; }
@media (max-width: 820px) { .cards { grid-template-columns: 1fr; } .tiles { grid-template-columns: 1fr 1fr; } }
"""

_SORTED = {
    "improvement_potential": "improvement potential (how much of the service's unreliability "
                             "goes away if the component never failed), largest first",
    "failure_share": "share of the service's failed requests, largest first",
}


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _interval(low, high, show) -> str:
    if _nan(low) or _nan(high):
        return ""
    return f'<span class="small">{show(low)} – {show(high)} ({{level}} interval)</span>'


def _reliability(x: float) -> str:
    return "n/a" if _nan(x) else fmt.reliability_percent(x)


def _per_million(u: float) -> str:
    return "n/a" if _nan(u) else fmt.dpmo(1e6 * u)


def _event_reliability_cell(r, fmt_version: int, level: str) -> str:
    exact, measured = r["reliability_exact"], r["reliability_measured"]
    if fmt_version == 2:
        return (f"<b>{fmt.percent(exact)}</b> of requests without it (model)"
                f'<span class="small">it fires on {fmt.percent(1 - exact)} of requests</span>')
    parts = []
    if not _nan(measured):
        parts.append(f"<b>{_reliability(measured)}</b> of the time not going on (measured)"
                     + _interval(r["reliability_low"], r["reliability_high"],
                                 _reliability).replace("{level}", level))
    parts.append(f"exact: {_reliability(exact)}" if not _nan(exact) else
                 '<span class="small">exact: no closed form</span>')
    return "<br>".join(parts)


def _reliability_cell(r, fmt_version: int, level: str) -> str:
    if r["element"] != "component":
        return _event_reliability_cell(r, fmt_version, level)
    exact, measured = r["reliability_exact"], r["reliability_measured"]
    parts = []
    if fmt_version == 3:
        if not _nan(measured):
            parts.append(f"<b>{_reliability(measured)}</b> of the time up (measured)"
                         + _interval(r["reliability_low"], r["reliability_high"],
                                     _reliability).replace("{level}", level))
        parts.append(f"exact: {_reliability(exact)}" if not _nan(exact) else
                     '<span class="small">exact: no closed form for this component</span>')
        parts.append(f'<span class="small">per request while up: '
                     f'{fmt.percent(r["reliability_per_call"])} (model)</span>')
        return "<br>".join(parts)
    per_call = fmt.percent(r["reliability_per_call"])
    if not _nan(measured):
        parts.append(f"<b>{_reliability(measured)}</b> per call (measured)"
                     + _interval(r["reliability_low"], r["reliability_high"],
                                 _reliability).replace("{level}", level))
        parts.append(f"model: {per_call}")
    else:
        parts.append(f"<b>{per_call}</b> per call (model)")
    retries = int(r["retries"])
    if retries:
        parts.append(f"with its {retries} retr{'y' if retries == 1 else 'ies'}: "
                     f"{fmt.percent(exact)}")
    if fmt_version == 2:
        parts.append('<span class="small">not measured: a structure run records culprits, not '
                     "every component's state</span>")
    return "<br>".join(parts)


def _share_cell(r, level: str, attrs) -> str:
    text = (f"<b>{share(r['failure_share'])}</b> of the service's failed requests "
            f"({fmt.count(r['failures'])} of {fmt.count(attrs['failures'])})")
    text += _interval(r["failure_share_low"], r["failure_share_high"], share).replace(
        "{level}", level + (" over histories" if attrs["format_version"] == 3 else ""))
    if not _nan(r["failure_share_exact"]):
        text += f'<span class="small">model: {share(r["failure_share_exact"])}</span>'
    if attrs["format_version"] == 3:
        text += ('<span class="small">requests failed by the outages it triggered'
                 + ("" if not _nan(r["failure_share_low"]) else
                    "; no interval: failures come in outages, and only <code>--record "
                    "requests</code> keeps them history by history") + "</span>")
    elif r["element"] != "component":
        text += ('<span class="small">failed requests in which it fired; their culprits are '
                 "the components it took down, so this overlaps their shares</span>")
    return text


def _potential_cell(r, level: str, attrs) -> str:
    ip = r["improvement_potential"]
    text = f"<b>{_per_million(ip)}</b> failed requests per million fewer"
    u = 1 - attrs["service_reliability"] if attrs["format_version"] == 3 else \
        1 - attrs.get("service_reliability_exact", attrs["service_reliability"])
    if not _nan(ip) and u > 0:
        text += f" ({share(ip / u)} of the service's unreliability)"
    if r["improvement_potential_source"] == "exact":
        sim = r["improvement_potential_simulated"]
        if not _nan(sim):
            text += (f'<span class="small">exact; simulated {_per_million(sim)}'
                     + ("" if _nan(r["improvement_potential_low"]) else
                        f", {_per_million(r['improvement_potential_low'])} – "
                        f"{_per_million(r['improvement_potential_high'])} ({level} interval)")
                     + "</span>")
        else:
            text += '<span class="small">exact</span>'
    else:
        text += ('<span class="small">simulated: the requests its outages failed, per million '
                 "requests" + ("" if _nan(r["improvement_potential_low"]) else
                               f"; {_per_million(r['improvement_potential_low'])} – "
                               f"{_per_million(r['improvement_potential_high'])} ({level} "
                               "interval over histories)") + "</span>")
    return text


def _budget_cell(r, attrs) -> str:
    target = attrs.get("slo_target", math.nan)
    if _nan(target):
        return ""
    return (f"<b>{share(r['budget_requests_consumed'])}</b> of the budget by requests"
            + ("" if _nan(r["budget_requests_consumed_low"]) else
               f" ({share(r['budget_requests_consumed_low'])} – "
               f"{share(r['budget_requests_consumed_high'])})")
            + f", {share(r['budget_time_consumed'])} by time"
            f'<span class="small">SLO {fmt.percent(target)}: its outages failed '
            f"{fmt.count(r['failures'])} requests and caused "
            f"{fmt.duration(r['downtime_caused_per_year'])} of service downtime per year; "
            "100% is the whole budget</span>")


def _target_cell(r, attrs) -> str:
    if r["element"] != "component":
        return '<span class="muted">common-cause events are not allocated</span>'
    if _nan(r.get("allocation_today", math.nan)):
        return (f'<span class="muted">team {esc(r["team"])} is not in the allocation</span>')
    parts = []
    for method in METHODS:
        target = r[f"target_{method}"]
        if _nan(target):
            continue
        extra = r[f"extra_nines_{method}"]
        parts.append(f"{method}: <b>{_reliability(target)}</b> "
                     f"(+{max(extra, 0.0):.2f} nines)")
    if not parts:
        return '<span class="muted">no method computed</span>'
    return ("<br>".join(parts) + f'<span class="small">per call, for the team; today '
            f"{fmt.percent(r['allocation_today'])}; service target "
            f"{fmt.percent(attrs['allocation_target'])}</span>")


def _card(r, attrs, level: str) -> str:
    v = attrs["format_version"]
    rows = [("Reliability", _reliability_cell(r, v, level)),
            ("Share of service failures", _share_cell(r, level, attrs)),
            ("Improvement potential", _potential_cell(r, level, attrs))]
    if v == 3:
        budget = _budget_cell(r, attrs)
        if budget:
            rows.append(("Error budget used", budget))
    if "allocation_target" in attrs:
        rows.append(("Target (allocation)", _target_cell(r, attrs)))
    body = "".join(f"<tr><td>{k}</td><td>{val}</td></tr>" for k, val in rows)
    if r["element"] != "component":
        team = "common-cause event"
    else:
        team = (f"team {esc(r['team'])}" if r["team"] != r["component"] else "its own team")
    return (f'<div class="card" id="c{int(r["rank"])}"><h3><span class="rank">{int(r["rank"])}'
            f"</span>{esc(r['component'])}</h3><div class=team>{team}</div>"
            f"<table><tbody>{body}</tbody></table></div>")


def _glance(table, attrs) -> str:
    """Every element on one line each, in the panels' order: the page at a glance."""
    v = attrs["format_version"]
    budget = v == 3 and not _nan(attrs.get("slo_target"))
    allocation = "allocation_target" in attrs
    head = ("<tr><th>#</th><th>component</th><th>team</th><th>reliability</th>"
            "<th>share of failures</th><th>improvement potential (per million)</th>"
            + ("<th>SLO budget used</th>" if budget else "")
            + ("<th>extra nines: equal / proportional / cost</th>" if allocation else "")
            + "</tr>")
    rows = []
    for r in table.to_dict("records"):
        event = r["element"] != "component"
        if not _nan(r["reliability_measured"]):
            reliability = _reliability(r["reliability_measured"])
        elif v == 3:
            reliability = _reliability(r["reliability_exact"])
        else:  # the scenario's value, as written
            reliability = fmt.percent(r["reliability_exact"] if event else
                                      r["reliability_per_call"])
        cells = [str(int(r["rank"])), esc(r["component"]),
                 "<i>common cause</i>" if event else esc(r["team"]), reliability,
                 share(r["failure_share"]), _per_million(r["improvement_potential"])]
        if budget:
            cells.append(share(r["budget_requests_consumed"]))
        if allocation:
            extra = [r.get(f"extra_nines_{m}", math.nan) for m in METHODS]
            cells.append("—" if event or all(_nan(x) for x in extra) else
                         " / ".join("n/a" if _nan(x) else f"{max(x, 0.0):.2f}" for x in extra))
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return (f'<div class="scroll"><table class="glance"><thead>{head}</thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _definitions(attrs) -> str:
    v = attrs["format_version"]
    level = f"{attrs['ci_level']:.0%}"
    if v == 1:
        reliability = (
            "the probability that one call of the component works. <i>Model</i> is the value "
            "the scenario states (the one the run simulated). <i>Measured</i>: a chain "
            "evaluates a component only for the requests that got past every component "
            "before it, m of them, and f of those failed at it, so measured = 1 − f / m, "
            f"with the {level} Wilson interval.")
        potential = ("exact: ∏<sub>j≠k</sub> r<sub>j</sub> · (1 − r<sub>k</sub>), the "
                     "service's unreliability minus what it would be with the component "
                     "perfect. Simulated: the share of requests it failed first times the "
                     "measured reliability of everything after it, with the Wilson "
                     "interval of that share.")
        culprit = "the first component on the chain that failed"
    elif v == 2:
        reliability = (
            "the probability that one call of the component works: the scenario's per-call "
            "value (<i>model</i>, the one the run simulated and the exact analysis used) and, "
            "for a component with retries of its own, the probability that a call with its "
            "retries works (the file's effective reliability). A structure run records the "
            "culprit of each failed request, not every component's state on every request, "
            "so no measured per-call value exists for it.")
        potential = ("exact, from the file's importance measures (the decision diagram): the "
                     "service's unreliability minus what it would be with the component "
                     "perfect. Simulated (with <code>--importance simulated</code>): the same "
                     "from counterfactual counts on the same random numbers, with its "
                     "interval.")
        culprit = ("the primary culprit: the first component on the request's path that was "
                   "down")
    else:
        reliability = (
            "time availability, the share of the horizon the component itself was up (its "
            "outages: failure until repaired; the per-request value below it is the "
            "scenario's reliability of one request while the component is up). "
            "<i>Exact</i> is the steady-state value where a closed form exists. "
            "<i>Measured</i> is the file's simulated availability, with the "
            f"{level} interval of the mean over histories of each history's own downtime "
            "(summed from the recorded outages; none with <code>--record none</code>).")
        potential = ("the share of all requests that the outages it triggered failed: the "
                     "request unavailability that would go away if it never went down (the "
                     "engine's attribution, simulated; transient per-request failures not "
                     "included).")
        culprit = ("the component whose outage took the request's kind down (its own outage, "
                   "or through detection delays it caused)")
    items = [
        ("Reliability", reliability),
        ("Share of service failures",
         f"failed requests attributed to the component ({culprit}) divided by all the "
         "service's failed requests" + (f", with the {level} Wilson interval." if v != 3 else
                                        ". Failed requests come in outages, not one by one, "
                                        f"so the {level} interval is over histories (the ratio "
                                        "estimator's), and only a run with <code>--record "
                                        "requests</code> has one. Transient per-request "
                                        "failures are attributed to no component.")),
        ("Improvement potential", potential),
    ]
    if v == 3:
        items.append(("Error budget used",
                      "by requests: the requests its outages failed over all histories, "
                      "divided by the budget the SLO allows over the horizon, (1 − target) × "
                      "all requests. By time: the service downtime it caused (own, and through "
                      "detection delays), divided by (1 − target) × the horizon. 100% is the "
                      "SLO's whole budget; the components together can use more than 100%."))
    if (table_events := attrs.get("_events", 0)):
        items.append(("Common-cause events", (
            "an event that takes several components down at once has a panel of its own. "
            + ("Reliability: the share of requests on which it does not fire. Share of "
               "failures: the failed requests in which it fired (their culprit is a component "
               "it took down, so this overlaps the components' shares). Improvement "
               "potential: exact, from the file's importance measures."
               if v == 2 else
               "Reliability: the share of the time it is not going on. Its share of failures, "
               "improvement potential and budget are the failed requests and downtime it was "
               "charged, as for components (and not counted again under them).")
            + f" ({table_events} on this page.)")))
    if "allocation_target" in attrs:
        items.append(("Target (allocation)",
                      "from <code>nines allocate</code>: the per-call reliability each method "
                      "(equal, proportional, cost) asks of the component's team so that the "
                      "service meets the target, and the extra nines that needs, log<sub>10"
                      "</sub>(u<sub>0</sub> / u): one extra nine is a tenfold cut of its "
                      "failures. Replicas (api[2]) belong to their declaration's team (api)."))
    items.append(("Order", "by " + _SORTED[attrs["sorted_by"]] + "; ties by the other "
                  "measure, then file order."))
    return '<dl class="defs">' + "".join(f"<dt>{k}</dt><dd>{d}</dd>" for k, d in items) + \
        "</dl>"


def render_impact_report(run, allocation=None, *, dpi: int = 144, figure_format: str = "png",
                         sort_by: str = "improvement_potential",
                         common_cause: bool = True) -> str:
    """The service-impact page for an open run (any format) and, optionally, an allocation
    (path or open nines.Allocation), as a string: the panels of
    nines.impact_table(run, allocation, sort_by=..., common_cause=...)."""
    with _figure_format(figure_format):
        table = impact_table(run, allocation, sort_by=sort_by, common_cause=common_cause)
        return _render(run, table, dpi)


def _render(run, table, dpi: int) -> str:
    attrs = table.attrs
    m = run.metadata
    v = attrs["format_version"]
    level = f"{attrs['ci_level']:.0%}"
    title = html.escape(m.scenario_name)
    if v == 3:
        size = (f"{fmt.count(m.histories)} histories of "
                f"{fmt.duration(m.horizon_seconds)}")
        service = tile("Service request availability", _reliability(attrs["service_reliability"]),
                       f"time availability {_reliability(attrs['service_time_availability'])}",
                       wide=True)
    else:
        size = f"{fmt.count(m.requests)} requests"
        service = tile("Service reliability (simulated)",
                       _reliability(attrs["service_reliability"]),
                       f"exact {_reliability(attrs['service_reliability_exact'])}", wide=True)
    components = table[table["element"] == "component"]
    teams, events = components["team"].nunique(), len(table) - len(components)
    tiles = [service,
             tile("Failed requests", fmt.count(attrs["failures"]),
                  f"of {fmt.count(attrs['requests'])}"),
             tile("Components", fmt.count(int((table["element"] == "component").sum())),
                  f"{teams} team{'s' if teams != 1 else ''}" + (
                      f", {events} common-cause event{'s' if events != 1 else ''}"
                      if events else ""))]
    if v == 3 and not _nan(attrs.get("slo_target")):
        used = table["budget_requests_consumed"].sum()
        tiles.append(tile("SLO error budget used", share(used),
                          f"by all the outages it counts, SLO {fmt.percent(attrs['slo_target'])}"))
    if "allocation_target" in attrs:
        tiles.append(tile("Allocation target", fmt.percent(attrs["allocation_target"]),
                          f"today {_reliability(attrs['allocation_today'])}"))
    notes = []
    if attrs["unattributed_failures"] > 0:
        notes.append(
            f'<p class="note">{fmt.count(attrs["unattributed_failures"])} failed requests '
            f"({share(attrs['unattributed_failures'] / attrs['failures'])}) are attributed to "
            "no component: transient per-request failures (a component's per-request "
            "reliability while its path was up), which time runs count but do not attribute. "
            "The shares below add up to the rest.</p>")
    if "allocation_target" in attrs:
        if not attrs["allocation_matches"]:
            notes.append('<p class="warn">The allocation was made from another version of the '
                         "scenario (its scenario text differs from the run's): check that the "
                         "teams are the same.</p>")
        if attrs["unmatched_teams"]:
            notes.append('<p class="warn">Teams of the allocation that the run has no '
                         "component of: " + esc(", ".join(attrs["unmatched_teams"])) + "</p>")
        unavailable = [mth for mth in attrs["allocation_methods"] if not mth["available"]]
        for mth in unavailable:
            notes.append(f'<p class="note">Allocation method {esc(mth["name"])}: not computed '
                         f"({esc(mth['reason'])}).</p>")
    figure = figure_to_data_uri(plots.impact(table), dpi)
    cards = "".join(_card(r, attrs, level) for r in table.to_dict("records"))
    attrs = {**attrs, "_events": int((table["element"] != "component").sum())}
    first = table.iloc[0] if len(table) else None
    lede = ""
    if first is not None:
        lede = (f"<p>Which component matters most to <b>{title}</b>? Components are ranked by "
                f"{_SORTED[attrs['sorted_by']]}. First: <b>{esc(first['component'])}</b>, "
                f"{share(first['failure_share'])} of the service's failed requests, and "
                f"{_per_million(first['improvement_potential'])} failed requests per million "
                "fewer if it never failed.</p>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nines service impact — {title}</title>
<style>{CSS}{_IMPACT_CSS}</style></head>
<body><main>
<header>
  <div><div class="brand">nines · service impact per component</div><h1>{title}</h1></div>
  <div class="meta">{size} · seed {m.seed} · format {m.format_version}<br>
  engine {html.escape(m.nines_version)} · run {html.escape(m.created)}<br>
  scenario sha256 <code>{html.escape(m.scenario_sha256[:16])}…</code></div>
</header>
{lede}
<div class="tiles">{''.join(tiles)}</div>
{''.join(notes)}

<h2>Overview</h2>
<figure><img alt="share of failed requests and improvement potential per component" src="{figure}">
<figcaption>Left: each component's share of the service's failed requests{
    f", with its {level} interval" if v != 3 else ""}{
    " and the model's share (diamonds)" if v != 3 else ""}. Right: its improvement potential in
failed requests per million{" (bars exact; dots the simulated estimate with its interval)"
                             if v != 3 else ""}. Most important on top.</figcaption></figure>

<h2>At a glance</h2>
{_glance(table, attrs)}
<p class=explain>Reliability: {"the share of the time up (measured)" if v == 3 else
"per call, measured where the run observes it, else the model's"}. Each line has a panel
below with the intervals and what each number means.</p>

<h2>Components{" and common-cause events" if events else ""}, most important first</h2>
<div class="cards">{cards}</div>

<h2>What the numbers mean</h2>
{_definitions(attrs)}

<footer>Generated {generated_now()} by the nines Python package {__version__} from
<code>{html.escape(os.path.basename(m.path))}</code> (format {html.escape(m.format)}
v{m.format_version}){"" if "allocation_target" not in attrs else
                     " and the allocation for " + esc(attrs["allocation_scenario"])}.
The same numbers in a notebook: <code>nines.impact_table(nines.open(...))</code>.</footer>
</main></body></html>
"""
