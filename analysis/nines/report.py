"""One self-contained HTML page for a run: the verdict, the numbers, the per-component table,
the plots (embedded as base64 PNG) and the scenario. Nothing is loaded from outside the page."""
from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import os

from matplotlib.figure import Figure

from . import __version__, plots
from . import formatting as fmt
from .errors import RecordError

__all__ = ["render_report", "write_report", "figure_to_data_uri", "text_summary"]


def figure_to_data_uri(fig: Figure, dpi: int = 144) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


_CSS = """
:root { --ink:#1d2733; --muted:#5d6b7a; --line:#e1e5ea; --panel:#f6f8fa; --accent:#2f5d8a;
        --ok:#1f7a4d; --ok-bg:#e6f4ec; --bad:#b3261e; --bad-bg:#fbe9e7; }
* { box-sizing: border-box; }
body { margin:0; background:#eef1f4; color:var(--ink);
       font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 32px 28px 48px; background:#fff;
       min-height:100vh; box-shadow: 0 0 0 1px var(--line); }
header { display:flex; justify-content:space-between; align-items:flex-end; gap:24px;
         border-bottom: 3px solid var(--accent); padding-bottom: 14px; }
header .brand { font-weight:700; letter-spacing:.08em; text-transform:uppercase;
                color:var(--accent); font-size:13px; }
h1 { margin: 2px 0 0; font-size: 30px; line-height:1.15; }
header .meta { text-align:right; color:var(--muted); font-size:13px; }
header .meta code { font-size:12px; }
h2 { font-size: 19px; margin: 34px 0 10px; padding-bottom:4px; border-bottom:1px solid var(--line); }
.verdict { margin: 20px 0 6px; padding: 14px 18px; border-radius: 8px; font-size: 16px;
           display:flex; gap:14px; align-items:center; }
.verdict .badge { font-weight:800; letter-spacing:.06em; padding: 4px 10px; border-radius: 4px;
                  color:#fff; font-size:13px; white-space:nowrap; }
.verdict.ok { background: var(--ok-bg); color:#124d31; }
.verdict.ok .badge { background: var(--ok); }
.verdict.bad { background: var(--bad-bg); color:#7d1a14; }
.verdict.bad .badge { background: var(--bad); }
.tiles { display:grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin-top: 16px; }
.tile { background: var(--panel); border:1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.tile .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing:.05em; }
.tile .value { font-size: 26px; font-weight: 700; margin-top: 2px; font-variant-numeric: tabular-nums; }
.tile .sub { color: var(--muted); font-size: 13px; font-variant-numeric: tabular-nums; }
.tile.wide { grid-column: span 2; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size:14px; }
th, td { padding: 7px 10px; border-bottom: 1px solid var(--line); text-align: right; }
th { background: var(--panel); color: var(--muted); font-weight:600; font-size:12px;
     text-transform: uppercase; letter-spacing: .04em; }
th:first-child, td:first-child { text-align: left; }
td.name { font-weight: 600; }
tbody tr:hover { background: #fafbfc; }
.stats td:first-child { color: var(--muted); width: 58%; }
th sub, .tile .label sub { text-transform: none; }
.two { display:grid; grid-template-columns: 1fr 1fr; gap: 28px; }
figure { margin: 10px 0 0; }
figure img { width: 100%; height: auto; display:block; border:1px solid var(--line); border-radius:6px; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; }
.note { color: var(--muted); background: var(--panel); border: 1px dashed var(--line);
        padding: 12px 14px; border-radius: 6px; }
pre { background: #0f1720; color: #e6edf3; padding: 14px 16px; border-radius: 6px; overflow:auto;
      font: 13px/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
footer { margin-top: 30px; color: var(--muted); font-size: 12px; border-top:1px solid var(--line);
         padding-top: 10px; }
.kind-path { display:block; font: 11px/1.35 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
             color: var(--muted); font-weight: 400; white-space: normal; max-width: 460px; }
.pill { display:inline-block; padding: 1px 7px; border-radius: 10px; font-size: 11px; font-weight: 700;
        letter-spacing: .04em; }
.pill.ok { background: var(--ok-bg); color: var(--ok); }
.pill.bad { background: var(--bad-bg); color: var(--bad); }
.pill.cc { background: #f2e8f7; color: #6c2f8a; }
td.set { text-align: left; }
.muted { color: var(--muted); }
p.explain { color: var(--muted); font-size: 13px; }
.scroll { overflow-x: auto; }
.bar { display:inline-block; height:8px; background: var(--accent); border-radius:2px;
       vertical-align: middle; margin-right:6px; }
@media print { body { background:#fff; } main { box-shadow:none; } }
"""


def _estimate_and_interval(s) -> tuple[str, str, str, str]:
    """Empirical reliability, its interval bounds and the analytic value, with decimals enough
    to tell them apart."""
    width = s.reliability_ci_high - s.reliability_ci_low
    return (fmt.reliability_percent(s.reliability_empirical, s.unreliability_empirical, width),
            fmt.reliability_percent(s.reliability_ci_low, resolution=width),
            fmt.reliability_percent(s.reliability_ci_high, resolution=width),
            fmt.reliability_percent(s.reliability_analytic, s.unreliability_analytic, width))


def _row(*cells, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return "<tr>" + "".join(f"<td{attr if i == 0 else ''}>{c}</td>"
                            for i, c in enumerate(cells)) + "</tr>"


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


def _stats_table(run, analytic_label: str = "analytic ∏ r<sub>k</sub>") -> str:
    s = run.summary
    level = f"{s.ci_level:.0%}"
    estimate, low, high, analytic_r = _estimate_and_interval(s)
    rows = [
        _row("Requests simulated", fmt.count(s.requests)),
        _row("Failed requests", fmt.count(s.failures)),
        _row("Service reliability, simulated", estimate),
        _row(f"{level} Wilson interval", f"{low} – {high}"),
        _row(f"Service reliability, {analytic_label}", analytic_r),
        _row("z (simulated vs analytic)", fmt.number(s.z_score, 4)),
        _row("z two-sided p-value (normal)", fmt.p_value(s.z_p_value)),
        _row("Exact binomial p-value (the verdict's)", fmt.p_value(s.reliability_p_value)),
        _row("Attribution χ² / dof", (fmt.number(s.attribution_chi2, 4) + " / " +
                                      str(s.attribution_dof)) if s.attribution_dof else "n/a"),
        _row("Attribution p-value", fmt.p_value(s.attribution_p_value)),
    ]
    return f'<table class="stats"><tbody>{"".join(rows)}</tbody></table>'


def _units_table(run) -> str:
    s = run.summary
    estimate, _, _, analytic_r = _estimate_and_interval(s)
    head = "<tr><th></th><th>simulated</th><th>analytic</th></tr>"
    rows = [
        _row("Reliability", estimate, analytic_r),
        _row("Nines (−log<sub>10</sub>(1 − R))", fmt.number(s.nines_empirical, 4),
             fmt.number(s.nines_analytic, 4)),
        _row("DPMO (failures per million)", fmt.number(s.dpmo_empirical, 6),
             fmt.number(s.dpmo_analytic, 6)),
        _row("Sigma level (Φ⁻¹(R) + 1.5)", fmt.number(s.sigma_empirical, 4),
             fmt.number(s.sigma_analytic, 4)),
    ]
    return (f'<table class="stats"><thead>{head}</thead><tbody>{"".join(rows)}</tbody>'
            "</table>")


def _tile(label: str, value: str, sub: str = "", wide: bool = False) -> str:
    cls = "tile wide" if wide else "tile"
    return (f'<div class="{cls}"><div class="label">{label}</div><div class="value">{value}</div>'
            f'<div class="sub">{sub}</div></div>')


def _is_structure(run) -> bool:
    return getattr(run.metadata, "format_version", 1) >= 2 and hasattr(run, "kinds")


def _is_sweep(run) -> bool:
    return getattr(run.metadata, "format", None) == "nines-sweep"


def render_report(run, *, dpi: int = 144) -> str:
    """The report page for an open Run, StructureRun or Sweep, as a string."""
    if _is_sweep(run):
        from .sweep_report import render_sweep_report
        return render_sweep_report(run, dpi=dpi)
    if _is_structure(run):
        from .structure_report import render_structure_report
        return render_structure_report(run, dpi=dpi)
    m, s = run.metadata, run.summary
    title = html.escape(m.scenario_name)
    level = f"{s.ci_level:.0%}"
    verdict_cls = "ok" if s.agrees else "bad"
    badge = "AGREES" if s.agrees else "DISAGREES"

    estimate, low, high, analytic_r = _estimate_and_interval(s)
    tiles = "".join([
        _tile("Service reliability (simulated)", estimate, f"{level} CI {low} – {high}",
              wide=True),
        _tile("Analytic ∏ r<sub>k</sub>", analytic_r,
              f"{len(run.components)} components in series"),
        _tile("Failed requests", fmt.count(s.failures), f"of {fmt.count(s.requests)}"),
        _tile("Nines", fmt.number(s.nines_empirical, 3), f"analytic {fmt.number(s.nines_analytic, 3)}"),
        _tile("DPMO", fmt.number(s.dpmo_empirical, 5), f"analytic {fmt.number(s.dpmo_analytic, 5)}"),
        _tile("Sigma level", fmt.number(s.sigma_empirical, 3),
              f"analytic {fmt.number(s.sigma_analytic, 3)}"),
        _tile("z / attribution p", fmt.number(s.z_score, 3),
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
            f"(dashed).</figcaption></figure>")
    except RecordError:
        convergence_html = (
            '<p class="note">No convergence plot: this run was recorded with '
            f"<code>--record {html.escape(m.record)}</code>, which keeps no per-request "
            "outcomes. Rerun with <code>--record dense</code> or <code>--record failures</code>."
            "</p>")
    essay_uri = figure_to_data_uri(plots.essay_curves(
        highlight=(len(run.components), s.reliability_analytic, m.scenario_name),
        figsize=(12, 4.8)), dpi)

    created = html.escape(m.created)
    generated = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nines report — {title}</title>
<style>{_CSS}</style></head>
<body><main>
<header>
  <div><div class="brand">nines · reliability report</div><h1>{title}</h1></div>
  <div class="meta">{fmt.count(m.requests)} requests · seed {m.seed} · record {html.escape(m.record)}<br>
  engine {html.escape(m.nines_version)} · run {created}<br>
  scenario sha256 <code>{html.escape(m.scenario_sha256[:16])}…</code></div>
</header>

<div class="verdict {verdict_cls}"><span class="badge">{badge}</span>
<span>Simulation {html.escape(s.verdict)}</span></div>

<div class="tiles">{tiles}</div>

<h2>Components</h2>
{_component_table(run)}
<p style="color:var(--muted);font-size:13px">A request passes the components in order and stops
at the first failure, so each failed request is counted once, against the first component that
failed it. Expected = requests × q<sub>k</sub>, with q<sub>k</sub> = r<sub>1</sub>⋯r<sub>k−1</sub>(1 − r<sub>k</sub>).</p>

<div class="two">
<div><h2>Simulation against the model</h2>{_stats_table(run)}</div>
<div><h2>In the units people quote</h2>{_units_table(run)}</div>
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


def write_report(run, path: str | os.PathLike, **kwargs) -> str:
    page = render_report(run, **kwargs)
    with open(path, "w", encoding="utf-8") as out:
        out.write(page)
    return os.fspath(path)


def text_summary(run, full: bool = False) -> str:
    """A few lines for a terminal (for a sweep, `full` prints every point)."""
    if _is_sweep(run):
        from .sweep_report import sweep_text_summary
        return sweep_text_summary(run, full=full)
    if _is_structure(run):
        from .structure_report import structure_text_summary
        return structure_text_summary(run)
    m, s = run.metadata, run.summary
    level = f"{s.ci_level:.0%}"
    width = max(len(str(n)) for n in run.components["name"]) if len(run.components) else 4
    estimate, low, high, analytic_r = _estimate_and_interval(s)
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
        f"{fmt.number(s.nines_analytic, 4)})   DPMO {fmt.number(s.dpmo_empirical, 6)} (analytic "
        f"{fmt.number(s.dpmo_analytic, 6)})   sigma {fmt.number(s.sigma_empirical, 4)} "
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
