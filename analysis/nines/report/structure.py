"""The report page and the text summary of a structure run (format_version 2): request kinds,
importance ranking, common causes, replicas, primary culprits and the sets of components that
failed together. The importance columns come from the one list of measures
(nines.readers.importance)."""
from __future__ import annotations

import html
import math
import os

from .. import formatting as fmt
from .. import plots
from ..errors import RecordError
from ..readers.importance import MEASURES, RANKING_MEASURE, measure
from ..version import __version__
from .html import CSS, convergence_start_clause, esc as _esc, estimate_and_interval, \
    figure_to_data_uri, generated_now, pill as _pill, row as _row, run_header, stats_table, tile, units_table

__all__ = ["render_structure_report", "structure_text_summary"]

_EXACT = "exact (BDD)"


def _dpmo(u: float) -> str:
    """An unreliability as failed requests per million."""
    if u is None or (isinstance(u, float) and math.isnan(u)):
        return "n/a"
    return fmt.dpmo(1e6 * u)


def _factor(x: float) -> str:
    """A worth factor (RAW, RRW): 43388.3 -> '43,388', 1.0957 -> '1.0958', and from a million
    on in scientific notation: 1.78e154 -> '1.78e+154', not a 155-digit integer."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if math.isinf(x):
        return "∞"
    if x >= 1e6:
        return fmt.number(x)
    if x >= 1000:
        return f"{x:,.0f}"
    return f"{x:.6g}" if x < 10 else f"{x:.5g}"  # 1.0000177 -> '1.00002', not '1'


def _measure_value(unit: str, x: float) -> str:
    """A measure's value in its unit (see ImportanceMeasure.unit)."""
    if unit == "dpmo":
        return _dpmo(x)
    if unit == "factor":
        return _factor(x)
    return fmt.number(x, 3)


def _expected(x: float) -> str:
    if x == 0:
        return "0"
    return fmt.expected_count(x) if x >= 0.05 else f"{x:.2g}"


def _kinds_table(run) -> str:
    k = run.kinds
    level = f"{run.summary.ci_level:.0%}"
    rows = []
    for _, row in k.iterrows():
        if row["requests"]:
            width = row["reliability_ci_high"] - row["reliability_ci_low"]
            simulated = fmt.reliability_percent(row["reliability_empirical"],
                                                row["unreliability_empirical"], width)
            interval = (f'{fmt.reliability_percent(row["reliability_ci_low"], resolution=width)}'
                        f' – {fmt.reliability_percent(row["reliability_ci_high"], resolution=width)}')
        else:
            simulated, interval = "n/a", "no requests"
        attribution = ("n/a" if row["attribution_dof"] == 0 else
                       f'{fmt.number(row["attribution_chi2"], 3)} / {row["attribution_dof"]} '
                       f'(p {fmt.p_value(row["attribution_p_value"])})')
        attempts = (row["attempts"] / row["requests"]) if row["requests"] else math.nan
        name = (f'{_esc(row["name"])}<span class="kind-path">{_esc(row["path"])}</span>')
        rows.append(_row(
            name,
            f'{100 * row["traffic_share"]:.3g}%',
            str(int(row["retries"])),
            fmt.count(row["requests"]),
            fmt.count(row["failures"]),
            f"{simulated}<br><span class=muted>{interval}</span>",
            fmt.reliability_percent(row["reliability_analytic"], row["unreliability_analytic"]),
            fmt.number(row["z_score"], 3),
            attribution,
            f'{attempts:.5f}<br><span class=muted>exp. {row["expected_attempts"]:.5f}</span>'
            if attempts == attempts else "n/a",
            _pill(bool(row["agrees"])),
            cls="name"))
    s = run.summary
    estimate, low, high, analytic_r = estimate_and_interval(s)
    rows.append(_row(
        "<b>mix</b><span class=kind-path>all kinds, in proportion to their weights</span>",
        "100%", "", fmt.count(s.requests), fmt.count(s.failures),
        f"<b>{estimate}</b><br><span class=muted>{low} – {high}</span>", f"<b>{analytic_r}</b>",
        fmt.number(s.z_score, 3),
        "n/a" if s.attribution_dof == 0 else
        f"{fmt.number(s.attribution_chi2, 3)} / {s.attribution_dof} "
        f"(p {fmt.p_value(s.attribution_p_value)})",
        "", _pill(s.agrees), cls="name"))
    head = ("<tr><th>kind / path</th><th>traffic</th><th>retries</th><th>requests</th>"
            f"<th>failures</th><th>simulated R ({level} CI)</th><th>exact R</th><th>z</th>"
            "<th>attribution χ² / dof</th><th>attempts per request</th><th></th></tr>")
    return (f'<div class="scroll"><table class="kinds"><thead>{head}</thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _importance_table(run, top: int = 12) -> str:
    """The ranking: each ranked measure exact, the ranking measure also simulated (CI)."""
    table = run.importance_ranking().head(top)
    ranking = measure(RANKING_MEASURE)
    shown = [m for m in MEASURES if m.ranked]
    value, low, high = ranking.columns()[1:] if ranking.simulated else (None, None, None)
    has_sim = value is not None and value in table
    rows = []
    for _, r in table.iterrows():
        event = r["element"] == "common cause"
        if has_sim and not event and r[high] == r[high]:
            simulated = (f'{_measure_value(ranking.unit, r[value])} <span class=muted>('
                         f'{_measure_value(ranking.unit, r[low])} – '
                         f'{_measure_value(ranking.unit, r[high])})</span>')
        else:
            simulated = '<span class="muted">–</span>'
        name = _esc(r["name"]) + (' <span class="pill cc">common cause</span>' if event else "")
        cells = []
        for m in shown:
            cells.append(_measure_value(m.unit, r[m.name]))
            if m is ranking:
                cells.append(simulated)
        rows.append(_row(str(int(r["rank"])), name, *cells))
    heads = []
    for m in shown:
        if m is ranking:
            heads.append(f"<th>{m.label}<br>(DPMO removed, exact)</th><th>simulated (CI)</th>")
        else:
            heads.append(f"<th>{m.label}</th>")
    head = ("<tr><th>#</th><th style='text-align:left'>component / event</th>"
            + "".join(heads) + "</tr>")
    body = "".join(rows)  # table.ranking left-aligns the second column (the name)
    return (f'<div class="scroll"><table class="ranking"><thead>{head}</thead><tbody>{body}'
            "</tbody></table></div>")


def _importance_explained() -> str:
    """What each column of the ranking means, from the list of measures."""
    ranking = measure(RANKING_MEASURE)
    said = " ".join(f"{m.label[0].upper() + m.label[1:]} is {m.meaning}." for m in MEASURES
                    if m.ranked)
    return (f"{said} {ranking.label[0].upper() + ranking.label[1:]} is shown in failed "
            "requests per million removed. Simulated values come from counterfactual counts on "
            "the same random numbers.")


def _common_cause_table(run) -> str:
    c = run.common_cause
    if not len(c):
        return ""
    imp = run.common_cause_importance.set_index("name")
    shown = (measure(RANKING_MEASURE), measure("raw"))  # the analytic values events have
    rows = []
    for _, row in c.iterrows():
        values = [_measure_value(m.unit, imp.loc[row["name"], m.name]
                                 if row["name"] in imp.index and m.name in imp else math.nan)
                  for m in shown]
        rows.append(_row(
            _esc(row["name"]), fmt.percent(row["probability"]),
            _esc(", ".join(row["takes_down"])),
            fmt.count(row["failures"]),
            f'{100 * row["share"]:.1f}%' if run.summary.failures else "–",
            *values, cls="name"))
    units = {"dpmo": " (DPMO)", "share": "", "factor": ""}
    head = ("<tr><th>event</th><th>probability per request</th>"
            "<th style='text-align:left'>takes down</th><th>failures recorded</th>"
            "<th>share</th>" + "".join(f"<th>{m.label}{units[m.unit]}</th>" for m in shown)
            + "</tr>")
    return (f"<h2>Common causes</h2><table class=events><thead>{head}</thead><tbody>{''.join(rows)}"
            "</tbody></table><p class=explain>An event is drawn once per request and lasts for "
            "all of its attempts, so retries do not escape it. A failed request is recorded "
            "against the first event on its path that fired; its improvement potential is the "
            "reliability gained if the event never happened.</p>")


def _components_table(run) -> str:
    c = run.components
    s = run.summary
    top = max(float(c["share"].max()) if s.failures else 0.0, 1e-300)
    rows = []
    for _, row in c.iterrows():
        share = row["share"] if s.failures else 0.0
        expected = row["expected_culprit_failures"]
        ratio = row["culprit_failures"] / expected if expected > 0 else float("nan")
        bar = f'<span class="bar" style="width:{70 * share / top:.1f}px"></span>'
        rows.append(_row(
            _esc(row["name"]),
            fmt.percent(row["reliability"]),
            str(int(row["retries"])) if row["retries"] else "–",
            fmt.reliability_percent(row["effective_reliability"])
            if row["retries"] else '<span class="muted">same</span>',
            fmt.count(row["culprit_failures"]),
            _expected(expected),
            "n/a" if ratio != ratio else f"{ratio:.3f}",
            bar + (f"{100 * share:.1f}%" if s.failures else "–"),
            cls="name"))
    head = ("<tr><th>component</th><th>reliability r</th><th>retries</th>"
            "<th>effective r</th><th>primary-culprit failures</th><th>expected</th>"
            "<th>observed / expected</th><th>share of failures</th></tr>")
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def _together_table(run, top: int = 12) -> str:
    try:
        together = run.failed_together()
    except RecordError:
        return ('<p class="note">No failed sets: this run was recorded with <code>--record '
                f"{_esc(run.metadata.record)}</code>, which keeps no per-request records. Rerun "
                "with <code>--record failures</code> (or dense) to see which components failed "
                "together.</p>")
    if not len(together):
        return '<p class="note">No request failed, so no component failed on a failed request.</p>'
    rows = []
    for _, row in together.head(top).iterrows():
        rows.append(_row(_esc(" + ".join(row["components"])), str(int(row["size"])),
                         fmt.count(row["failures"]), f'{100 * row["share"]:.2f}%', cls="name"))
    more = len(together) - top
    note = (f"<p class=explain>{more} rarer combination{'s' if more != 1 else ''} not shown "
            f"(run.failed_together() has them all).</p>" if more > 0 else "")
    head = ("<tr><th>components down in the failed attempt</th><th>how many</th>"
            "<th>failed requests</th><th>share</th></tr>")
    return (f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>{note}")


def render_structure_report(run, *, dpi: int = 144) -> str:
    """The report page for an open StructureRun, as a string."""
    m, s = run.metadata, run.summary
    title = html.escape(m.scenario_name)
    level = f"{s.ci_level:.0%}"
    n_kinds, n_components, n_events = len(run.kinds), len(run.components), len(run.common_cause)

    estimate, low, high, analytic_r = estimate_and_interval(s)
    method = (f"{_EXACT}, {fmt.count(s.bdd_nodes)} nodes" if s.analytic_method == "bdd" and
              s.bdd_nodes else (s.analytic_method or "exact"))
    tiles = "".join([
        tile("Service reliability (simulated mix)", estimate, f"{level} CI {low} – {high}",
              wide=True),
        tile("Analytic (exact)", analytic_r, _esc(method)),
        tile("Failed requests", fmt.count(s.failures), f"of {fmt.count(s.requests)}"),
        tile("Nines", fmt.number(s.nines_empirical, 3),
              f"analytic {fmt.number(s.nines_analytic, 3)}"),
        tile("DPMO", fmt.dpmo(s.dpmo_empirical),
              f"analytic {fmt.dpmo(s.dpmo_analytic)}"),
        tile("Structure", f"{n_kinds} kind{'s' if n_kinds != 1 else ''}",
              f"{n_components} components, {n_events} common cause"
              f"{'s' if n_events != 1 else ''}"),
        tile("Mix z / tests", fmt.number(s.z_score, 3),
              f"{s.verdict_tests} tests at α = {fmt.number(s.verdict_test_alpha, 2)}"),
    ])

    wide = (11, 4.6)
    kinds_uri = figure_to_data_uri(plots.kind_reliability(run), dpi)
    importance_uri = figure_to_data_uri(plots.importance(run), dpi)
    pareto_uri = figure_to_data_uri(plots.pareto(run, figsize=wide), dpi)
    try:
        convergence_html = (
            f'<figure><img alt="convergence of the reliability estimate" '
            f'src="{figure_to_data_uri(plots.convergence(run, figsize=wide), dpi)}">'
            f"<figcaption>The running estimate of the mix reliability after n requests and its "
            f"{level} Wilson band, which narrows like 1/√n around the exact value (dashed). "
            f"{convergence_start_clause(run)}</figcaption></figure>")
    except RecordError:
        convergence_html = (
            '<p class="note">No convergence plot: this run was recorded with '
            f"<code>--record {html.escape(m.record)}</code>, which keeps no per-request "
            "records. Rerun with <code>--record dense</code> or <code>--record failures</code>."
            "</p>")

    generated = generated_now()
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nines report — {title}</title>
<style>{CSS}
table.ranking td:nth-child(2) {{ text-align: left; font-weight: 600; }}
table.ranking td:nth-child(4) {{ white-space: nowrap; }}
table.kinds td:nth-child(6), table.kinds td:nth-child(7) {{ white-space: nowrap; }}
table.kinds td:first-child {{ min-width: 220px; }}
table.kinds th, table.kinds td {{ padding: 7px 6px; font-size: 13px; }}
table.kinds th {{ font-size: 11px; }}
table.events td:nth-child(3) {{ text-align: left; }}
</style></head>
<body><main>
{run_header(m, s, "nines · structure reliability report")}

<div class="tiles">{tiles}</div>

<h2>Request kinds</h2>
{_kinds_table(run)}
<p class=explain>Each kind is simulated with its own path, weight and retry budget and compared
with its exact reliability; the mix weighs the kinds by traffic. The verdict combines every
z-test and attribution χ² with Bonferroni's correction ({s.verdict_tests} tests, each at
α = {fmt.number(s.verdict_test_alpha, 2)}).</p>
<figure><img alt="reliability per request kind" src="{kinds_uri}">
<figcaption>Failed requests per million for each kind and the mix: dots are simulated with their
{level} Wilson interval, open diamonds the exact values. A kind without failures shows only the
upper end of its interval.</figcaption></figure>

<h2>What to fix first</h2>
{_importance_table(run)}
<p class=explain>{_importance_explained()}</p>
<figure><img alt="importance ranking" src="{importance_uri}">
<figcaption>Elements ranked by exact improvement potential (bars); dots and whiskers are the
simulated estimates and their {level} intervals. Common-cause events in purple.</figcaption></figure>

{_common_cause_table(run)}

<h2>Components</h2>
{_components_table(run)}
<p class=explain>Replicas are listed one by one (api[2] is the second API server). A failed
request is counted once, against its primary culprit: the first component in path order whose
failure breaks the structure given the failures before it. Expected = requests × P(fail, culprit
= c), exact.</p>

<h2>Primary culprits</h2>
<figure><img alt="failures per primary culprit" src="{pareto_uri}">
<figcaption>Failed requests per primary culprit, worst first; diamonds are the exact expectation,
whiskers the {level} Wilson interval, the line the cumulative share of all failures.</figcaption></figure>

<h2>Which components failed together</h2>
{_together_table(run)}

<div class="two">
<div><h2>The mix against the model</h2>{stats_table(run, "exact (BDD)")}</div>
<div><h2>In the units people quote</h2>{units_table(run)}</div>
</div>

<h2>Convergence</h2>
{convergence_html}

<h2>Scenario</h2>
<pre>{html.escape(m.scenario_yaml)}</pre>

<footer>Generated {generated} by the nines Python package {__version__} from
<code>{html.escape(os.path.basename(m.path))}</code> (format {html.escape(m.format)} v{m.format_version}).</footer>
</main></body></html>
"""


def structure_text_summary(run, top: int = 5) -> str:
    """A few lines for a terminal: the mix, the kinds, the importance ranking, common causes."""
    m, s = run.metadata, run.summary
    level = f"{s.ci_level:.0%}"
    estimate, low, high, analytic_r = estimate_and_interval(s)
    lines = [
        f"{m.scenario_name}: {fmt.count(m.requests)} requests, seed {m.seed}, record {m.record} "
        f"(engine {m.nines_version}, {m.created}; structure run, format_version "
        f"{m.format_version})",
        f"  reliability  {estimate}  {level} CI [{low}, {high}]  (mix of {len(run.kinds)} "
        f"kind{'s' if len(run.kinds) != 1 else ''})",
        f"  exact        {analytic_r}  ("
        + (f"BDD, {fmt.count(s.bdd_nodes)} nodes" if s.analytic_method == "bdd"
           else s.analytic_method or "exact") + ")",
        f"  failures     {fmt.count(s.failures)}   mix z = {fmt.number(s.z_score, 4)} "
        f"(p {fmt.p_value(s.z_p_value)}; exact p {fmt.p_value(s.reliability_p_value)})",
        f"  nines        {fmt.number(s.nines_empirical, 4)} (exact "
        f"{fmt.number(s.nines_analytic, 4)})   DPMO {fmt.dpmo(s.dpmo_empirical)} (exact "
        f"{fmt.dpmo(s.dpmo_analytic)})   sigma {fmt.number(s.sigma_empirical, 4)} "
        f"(exact {fmt.number(s.sigma_analytic, 4)})",
        f"  verdict      {s.verdict}",
        "",
    ]
    k = run.kinds
    width = max([len("kind"), *(len(n) for n in k["name"])])
    lines.append(f"  {'kind':<{width}}  {'traffic':>7}  {'retries':>7}  {'requests':>12}  "
                 f"{'failures':>10}  {'simulated':>14}  {'exact':>14}  {'z':>7}")
    for _, row in k.iterrows():
        simulated = fmt.reliability_percent(row["reliability_empirical"],
                                            row["unreliability_empirical"]) \
            if row["requests"] else "n/a"
        lines.append(
            f"  {row['name']:<{width}}  {100 * row['traffic_share']:>6.3g}%  "
            f"{int(row['retries']):>7}  {fmt.count(row['requests']):>12}  "
            f"{fmt.count(row['failures']):>10}  {simulated:>14}  "
            f"{fmt.reliability_percent(row['reliability_analytic'], row['unreliability_analytic']):>14}"
            f"  {fmt.number(row['z_score'], 3):>7}")
    lines.append("")
    ranking = run.importance_ranking().head(top)
    first = measure(RANKING_MEASURE)
    others = [measure(name) for name in ("birnbaum", "raw", "rrw")]
    simulated_column = first.columns()[1] if first.simulated else None
    width = max([len("what to fix first"), *(len(n) for n in ranking["name"])])
    lines.append(f"  {'what to fix first':<{width}}  {'DPMO removed':>12}  {'simulated':>10}  "
                 + "  ".join(f"{m.label:>9}" for m in others))
    for _, row in ranking.iterrows():
        simulated = (_measure_value(first.unit, row[simulated_column])
                     if row["element"] == "component" and simulated_column in row else "–")
        name = row["name"] + (" (cc)" if row["element"] == "common cause" else "")
        lines.append(f"  {name:<{width}}  {_measure_value(first.unit, row[first.name]):>12}  "
                     f"{simulated:>10}  "
                     + "  ".join(f"{_measure_value(m.unit, row[m.name]):>9}" for m in others))
    if len(run.common_cause):
        lines.append("")
        lines.append("  common causes: " + "; ".join(
            f"{row['name']} p={fmt.percent(row['probability'])} "
            f"({fmt.count(row['failures'])} failures)"
            for _, row in run.common_cause.iterrows()))
    return "\n".join(lines)
