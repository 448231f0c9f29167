"""The report page and the text summary of a chain run (format 1): the verdict, the numbers,
the per-component table, the plots and the scenario."""
from __future__ import annotations

import html
import os

from .. import formatting as fmt
from .. import plots
from ..errors import RecordError
from ..version import __version__
from .html import CSS, convergence_start_clause, estimate_and_interval, figure_to_data_uri, \
    generated_now, row as _row, run_header, stats_table, tile, units_table

__all__ = ["render_run_report", "run_text_summary"]


def _component_table(run) -> str:
    c = run.components
    s = run.summary
    rows = []
    top = max(float(c["share"].max()) if s.failures else 0.0, 1e-300)
    for _, row in c.iterrows():
        share = row["share"] if s.failures else 0.0
        ratio = row["failures"] / row["expected_failures"] if row["expected_failures"] > 0 \
            else float("nan")
        bar = f'<span class="bar" style="width:{70 * share / top:.1f}px"></span>'
        rows.append(_row(
            html.escape(str(row["name"])),
            fmt.percent(row["reliability"]),
            fmt.count(row["failures"]),
            fmt.expected_count(row["expected_failures"]),
            "n/a" if ratio != ratio else f"{ratio:.3f}",
            bar + (f"{100 * share:.1f}%" if s.failures else "–"),
            f'{row["first_failure_probability"]:.3e}',
            cls="name"))
    head = ("<tr><th>component</th><th>reliability r<sub>k</sub></th><th>failures</th>"
            "<th>expected</th><th>observed / expected</th><th>share of failures</th>"
            "<th>q<sub>k</sub></th></tr>")
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def render_run_report(run, *, dpi: int = 144) -> str:
    """The report page for an open Run (a chain run), as a string."""
    m, s = run.metadata, run.summary
    title = html.escape(m.scenario_name)
    level = f"{s.ci_level:.0%}"

    estimate, low, high, analytic_r = estimate_and_interval(s)
    tiles = "".join([
        tile("Service reliability (simulated)", estimate, f"{level} CI {low} – {high}",
              wide=True),
        tile("Analytic ∏ r<sub>k</sub>", analytic_r,
              f"{len(run.components)} components in series"),
        tile("Failed requests", fmt.count(s.failures), f"of {fmt.count(s.requests)}"),
        tile("Nines", fmt.number(s.nines_empirical, 3), f"analytic {fmt.number(s.nines_analytic, 3)}"),
        tile("DPMO", fmt.dpmo(s.dpmo_empirical), f"analytic {fmt.dpmo(s.dpmo_analytic)}"),
        tile("Sigma level", fmt.number(s.sigma_empirical, 3),
              f"analytic {fmt.number(s.sigma_analytic, 3)}"),
        tile("z / attribution p", fmt.number(s.z_score, 3),
              f"χ² p = {fmt.p_value(s.attribution_p_value)}"),
    ])

    wide = (11, 4.6)
    pareto_uri = figure_to_data_uri(plots.pareto(run, figsize=wide), dpi)
    try:
        convergence_html = (
            f'<figure><img alt="convergence of the reliability estimate" '
            f'src="{figure_to_data_uri(plots.convergence(run, figsize=wide), dpi)}">'
            f"<figcaption>The running estimate of the service reliability after n requests and "
            f"its {level} Wilson band, which narrows like 1/√n around the analytic value "
            f"(dashed). {convergence_start_clause(run)}</figcaption></figure>")
    except RecordError:
        convergence_html = (
            '<p class="note">No convergence plot: this run was recorded with '
            f"<code>--record {html.escape(m.record)}</code>, which keeps no per-request "
            "outcomes. Rerun with <code>--record dense</code> or <code>--record failures</code>."
            "</p>")
    essay_uri = figure_to_data_uri(plots.essay_curves(
        highlight=(len(run.components), s.reliability_analytic, m.scenario_name),
        figsize=(12, 4.8)), dpi)

    generated = generated_now()
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nines report — {title}</title>
<style>{CSS}</style></head>
<body><main>
{run_header(m, s, "nines · reliability report")}

<div class="tiles">{tiles}</div>

<h2>Components</h2>
{_component_table(run)}
<p style="color:var(--muted);font-size:13px">A request passes the components in order and stops
at the first failure, so each failed request is counted once, against the first component that
failed it. Expected = requests × q<sub>k</sub>, with q<sub>k</sub> = r<sub>1</sub>⋯r<sub>k−1</sub>(1 − r<sub>k</sub>).</p>

<div class="two">
<div><h2>Simulation against the model</h2>{stats_table(run)}</div>
<div><h2>In the units people quote</h2>{units_table(run)}</div>
</div>

<h2>Where requests fail</h2>
<figure><img alt="failures per component" src="{pareto_uri}">
<figcaption>Failures attributed to each component, worst first; diamonds are the analytic
expectation, whiskers the {level} Wilson interval, the line the cumulative share of all
failures.</figcaption></figure>

<h2>Convergence</h2>
{convergence_html}

<h2>More parts, more failure</h2>
<figure><img alt="effective reliability against number of components" src="{essay_uri}">
<figcaption>A service is only as reliable as the product of its parts: n parts that each work
with probability r give r<sup>n</sup>. Eight parts at 99% give 92.3%. The star marks this
scenario ({len(run.components)} components, analytic {fmt.reliability_percent(s.reliability_analytic, s.unreliability_analytic)}).</figcaption></figure>

<h2>Scenario</h2>
<pre>{html.escape(m.scenario_yaml)}</pre>

<footer>Generated {generated} by the nines Python package {__version__} from
<code>{html.escape(os.path.basename(m.path))}</code> (format {html.escape(m.format)} v{m.format_version}).</footer>
</main></body></html>
"""


def run_text_summary(run) -> str:
    """A few lines for a terminal: the summary and the per-component table of a chain run."""
    m, s = run.metadata, run.summary
    level = f"{s.ci_level:.0%}"
    width = max(len(str(n)) for n in run.components["name"]) if len(run.components) else 4
    estimate, low, high, analytic_r = estimate_and_interval(s)
    lines = [
        f"{m.scenario_name}: {fmt.count(m.requests)} requests, seed {m.seed}, record {m.record} "
        f"(engine {m.nines_version}, {m.created})",
        f"  reliability  {estimate}  {level} CI [{low}, {high}]",
        f"  analytic     {analytic_r}"
        f"  ({len(run.components)} components in series)",
        f"  failures     {fmt.count(s.failures)}   z = {fmt.number(s.z_score, 4)} "
        f"(p {fmt.p_value(s.z_p_value)}; exact p {fmt.p_value(s.reliability_p_value)})   "
        f"attribution chi2 = "
        + (f"{fmt.number(s.attribution_chi2, 4)}, dof {s.attribution_dof} "
           f"(p {fmt.p_value(s.attribution_p_value)})" if s.attribution_dof else "n/a"),
        f"  nines        {fmt.number(s.nines_empirical, 4)} (analytic "
        f"{fmt.number(s.nines_analytic, 4)})   DPMO {fmt.dpmo(s.dpmo_empirical)} (analytic "
        f"{fmt.dpmo(s.dpmo_analytic)})   sigma {fmt.number(s.sigma_empirical, 4)} "
        f"(analytic {fmt.number(s.sigma_analytic, 4)})",
        f"  verdict      {s.verdict}",
        "",
        f"  {'component':<{width}}  {'reliability':>12}  {'failures':>12}  {'expected':>14}  "
        f"{'share':>7}",
    ]
    for _, row in run.components.iterrows():
        share = f"{100 * row['share']:.1f}%" if s.failures else "–"
        lines.append(f"  {row['name']:<{width}}  {fmt.percent(row['reliability']):>12}"
                     f"  {fmt.count(row['failures']):>12}  "
                     f"{fmt.expected_count(row['expected_failures']):>14}  {share:>7}")
    return "\n".join(lines)
