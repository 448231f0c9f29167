"""What every report page shares: the style sheet, tables, tiles, numbers with their
intervals, and figures embedded as data URIs (a page loads nothing from outside itself)."""
from __future__ import annotations

import base64
import contextlib
import contextvars
import datetime as _dt
import html
import io

import matplotlib
from matplotlib.figure import Figure

from .. import formatting as fmt
from ..plots.run import meaningful_start
from ..stats import analytic

__all__ = ["CSS", "FIGURE_FORMATS", "figure_format", "figure_to_data_uri", "esc", "row", "tile", "pill", "estimate_and_interval",
           "stats_table", "units_table", "generated_now", "share", "share_with_interval",
           "convergence_start_clause"]


# How figures are embedded: PNG (default; dpi applies) or SVG (vector: sharp at any zoom and in
# print, text drawn as paths so that the page still loads nothing; larger for dense scatter
# plots). The page's renderers all embed through figure_to_data_uri, so the format is set once
# per page by render_report(figure_format=...) through this context variable.
FIGURE_FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
_FIGURE_FORMAT: contextvars.ContextVar[str] = contextvars.ContextVar("figure_format",
                                                                      default="png")


@contextlib.contextmanager
def figure_format(name: str):
    """Within the block, figure_to_data_uri embeds figures as `name` ("png" or "svg")."""
    if name not in FIGURE_FORMATS:
        raise ValueError(f"figure format must be one of {', '.join(FIGURE_FORMATS)}, "
                         f"got {name!r}")
    token = _FIGURE_FORMAT.set(name)
    try:
        yield
    finally:
        _FIGURE_FORMAT.reset(token)


def figure_to_data_uri(fig: Figure, dpi: int = 144, fmt: str | None = None) -> str:
    """The figure as a data: URI in `fmt`, by default the page's format (see figure_format)."""
    fmt = fmt or _FIGURE_FORMAT.get()
    if fmt not in FIGURE_FORMATS:
        raise ValueError(f"figure format must be one of {', '.join(FIGURE_FORMATS)}, got {fmt!r}")
    buffer = io.BytesIO()
    # No date in an SVG's metadata and a fixed salt for its element ids: the same run gives the
    # same figure bytes.
    metadata = {"Date": None} if fmt == "svg" else None
    with matplotlib.rc_context({"svg.hashsalt": "nines"}):
        fig.savefig(buffer, format=fmt, dpi=dpi, facecolor="white", metadata=metadata)
    return (f"data:{FIGURE_FORMATS[fmt]};base64," +
            base64.b64encode(buffer.getvalue()).decode("ascii"))


CSS = """
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


def esc(value) -> str:
    """Any value as HTML text."""
    return html.escape(str(value))


def share(x: float) -> str:
    """A share as a percentage with one decimal; "n/a" for None or NaN."""
    return "n/a" if x is None or x != x else f"{100 * x:.1f}%"


def share_with_interval(x: float, low: float, high: float) -> str:
    """A share and, in small type after it, its interval."""
    if x != x:
        return "n/a"
    return f'{share(x)}<span class="kind-path">{share(low)} – {share(high)}</span>'


def pill(ok: bool) -> str:
    return '<span class="pill ok">AGREES</span>' if ok else \
        '<span class="pill bad">DISAGREES</span>'


def generated_now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def estimate_and_interval(s) -> tuple[str, str, str, str]:
    """Empirical reliability, its interval bounds and the analytic value, with decimals enough
    to tell them apart."""
    width = s.reliability_ci_high - s.reliability_ci_low
    return (fmt.reliability_percent(s.reliability_empirical, s.unreliability_empirical, width),
            fmt.reliability_percent(s.reliability_ci_low, resolution=width),
            fmt.reliability_percent(s.reliability_ci_high, resolution=width),
            fmt.reliability_percent(s.reliability_analytic, s.unreliability_analytic, width))


def row(*cells, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return "<tr>" + "".join(f"<td{attr if i == 0 else ''}>{c}</td>"
                            for i, c in enumerate(cells)) + "</tr>"


def stats_table(run, analytic_label: str = "analytic ∏ r<sub>k</sub>") -> str:
    s = run.summary
    level = f"{s.ci_level:.0%}"
    estimate, low, high, analytic_r = estimate_and_interval(s)
    rows = [
        row("Requests simulated", fmt.count(s.requests)),
        row("Failed requests", fmt.count(s.failures)),
        row("Service reliability, simulated", estimate),
        row(f"{level} Wilson interval", f"{low} – {high}"),
        row(f"Service reliability, {analytic_label}", analytic_r),
        row("z (simulated vs analytic)", fmt.number(s.z_score, 4)),
        row("z two-sided p-value (normal)", fmt.p_value(s.z_p_value)),
        row("Exact binomial p-value (the verdict's)", fmt.p_value(s.reliability_p_value)),
        row("Attribution χ² / dof", (fmt.number(s.attribution_chi2, 4) + " / " +
                                      str(s.attribution_dof)) if s.attribution_dof else "n/a"),
        row("Attribution p-value", fmt.p_value(s.attribution_p_value)),
    ]
    return f'<table class="stats"><tbody>{"".join(rows)}</tbody></table>'


def units_table(run) -> str:
    s = run.summary
    estimate, _, _, analytic_r = estimate_and_interval(s)
    head = "<tr><th></th><th>simulated</th><th>analytic</th></tr>"
    rows = [
        row("Reliability", estimate, analytic_r),
        row("Nines (−log<sub>10</sub>(1 − R))", fmt.number(s.nines_empirical, 4),
             fmt.number(s.nines_analytic, 4)),
        row("DPMO (failures per million)", fmt.dpmo(s.dpmo_empirical),
             fmt.dpmo(s.dpmo_analytic)),
        row("Sigma level (Φ⁻¹(R) + 1.5)", fmt.number(s.sigma_empirical, 4),
             fmt.number(s.sigma_analytic, 4)),
    ]
    return (f'<table class="stats"><thead>{head}</thead><tbody>{"".join(rows)}</tbody>'
            "</table>")


def convergence_start_clause(run) -> str:
    """Where the convergence plot starts and why, for its caption."""
    s = run.summary
    start = meaningful_start(int(run.metadata.requests), s.unreliability_analytic, s.ci_level)
    if start <= 1:
        return "It starts at the first request."
    return (f"It starts at {fmt.count(start)} requests, where the model expects z² ≈ "
            f"{fmt.number(analytic.two_sided_normal_quantile(s.ci_level) ** 2, 3)} failures: "
            "before that the interval is wider than the unreliability it measures, whatever "
            "the run did.")


def tile(label: str, value: str, sub: str = "", wide: bool = False) -> str:
    cls = "tile wide" if wide else "tile"
    return (f'<div class="{cls}"><div class="label">{label}</div><div class="value">{value}</div>'
            f'<div class="sub">{sub}</div></div>')


def run_header(m, summary, brand: str) -> str:
    """A run report's header (scenario, requests, seed, record, engine, creation time, scenario
    digest) and its verdict line: the same for chain and structure runs."""
    agrees = summary.agrees
    return f"""<header>
  <div><div class="brand">{brand}</div><h1>{html.escape(m.scenario_name)}</h1></div>
  <div class="meta">{fmt.count(m.requests)} requests · seed {m.seed} · record {html.escape(m.record)}<br>
  engine {html.escape(m.nines_version)} · run {html.escape(m.created)}<br>
  scenario sha256 <code>{html.escape(m.scenario_sha256[:16])}…</code></div>
</header>

<div class="verdict {"ok" if agrees else "bad"}"><span class="badge">{"AGREES" if agrees else "DISAGREES"}</span>
<span>Simulation {html.escape(summary.verdict)}</span></div>"""
