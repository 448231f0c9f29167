"""The report page and the text summary of a sweep file (format "nines-sweep"): how far the sweep
got, the check of every point against its analytic value, the points as a grid (two-way sweeps
such as the essay's spreadsheet: simulated next to analytic) or as a list, the essay's curves
with the simulated points (sweeps of identical parts), the z plot and the sweep file. Shares
the page's style and helpers with report/html.py."""
from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .. import plots
from ..stats import analytic
from ..stats.sweep import SWEEP_POINT_TAIL
from ..version import __version__
from .html import CSS, esc as _esc, figure_to_data_uri, generated_now, tile as _tile
from .replications import replication_grid_html, replication_pivot
from .time_sweep import render_time_sweep_report, time_sweep_text_summary

__all__ = ["render_sweep_report", "sweep_text_summary", "sweep_decimals", "two_way_table",
           "point_verdict_class", "replicated_table"]

# At most this many points are listed one by one; beyond it the list keeps the largest |z|.
_MAX_LISTED = 200
_PER_POINT_Z = analytic.two_sided_normal_quantile(1 - analytic.VERDICT_ALPHA)
_MARKING = (f"A yellow cell is a point whose own verdict disagrees (its exact binomial or "
            f"attribution p-value below {analytic.VERDICT_ALPHA:g}); a red one fails the "
            f"sweep's check (exact p below {SWEEP_POINT_TAIL:.2g}, the tail of |z| = 5).")


def sweep_decimals(sweep) -> int:
    """Decimals of a percentage that show the narrowest interval of the sweep (as the engine's
    table: 5 for the spreadsheet at 1M requests a point)."""
    done = sweep.done_points
    width = (done["ci_high"] - done["ci_low"]).to_numpy(dtype=np.float64)
    width = width[np.isfinite(width) & (width > 0)]
    if not width.size:
        return 3
    return int(np.clip(2 - math.floor(math.log10(width.min() * 100)), 2, 9))


def _pct(value: float, decimals: int) -> str:
    if value is None or not np.isfinite(value):
        return "–"
    return f"{100 * value:.{decimals}f}"


def _value_label(parameter: str, value) -> str:
    """A swept value as the sweep file writes it: reliabilities as percentages."""
    if parameter.endswith("reliability") and isinstance(value, (float, np.floating)):
        return fmt.percent(float(value))
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return f"{int(value):,}"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}" if parameter == "run.requests" else str(int(value))
    return str(value)


def two_way_table(sweep):
    """(row parameter, column parameter, simulated grid, analytic grid, z grid) of a two-way
    sweep (Sweep.is_two_way())."""
    rows, cols = sweep.parameters
    simulated = sweep.pivot("reliability_empirical", rows, cols)
    exact = sweep.pivot("reliability_analytic", rows, cols)
    z = sweep.pivot("z_score", rows, cols)
    return rows, cols, simulated, exact, z


def point_verdict_class(row) -> str:
    """How a point's cell is marked, by the point's own verdict: "bad" when its exact binomial
    p-value is below the sweep's tail (it fails the sweep's closing check), "warn" when its own
    verdict disagrees (exact binomial p or attribution p below VERDICT_ALPHA, the level the
    verdict uses), "" otherwise and for unfinished points. Not by |z| >= 3.29: the z-score's
    normal approximation and the exact test differ where few failures are expected (the
    spreadsheet's point 405: |z| = 3.28, exact p = 0.00098, a disagreeing point)."""
    if not bool(row["done"]):
        return ""
    p = float(row["reliability_p_value"]) if "reliability_p_value" in row.index else math.nan
    if math.isnan(p):  # a file from before nines 0.2: no exact test stored
        if abs(float(row["z_score"])) >= analytic.two_sided_normal_quantile(
                1 - SWEEP_POINT_TAIL):
            return "bad"
    elif p < SWEEP_POINT_TAIL:
        return "bad"
    return "" if bool(row["agrees"]) else "warn"


def _cell_title(row, level: str, decimals: int) -> str:
    """A finished point's hover text: interval, z and both p-values of its verdict."""
    exact = (f", exact p = {fmt.p_value(row['reliability_p_value'])}"
             if "reliability_p_value" in row.index else "")
    return (f' title="point {int(row["point"])}: {level} CI '
            f'{_pct(row["ci_low"], decimals)} – {_pct(row["ci_high"], decimals)}%, '
            f'z = {row["z_score"]:.2f}{exact}, attribution p = '
            f'{fmt.p_value(row["attribution_p_value"])}, {int(row["failures"]):,} failures of '
            f'{int(row["requests"]):,}"')


def _agreement_sentence(sweep) -> tuple[bool, str]:
    a = sweep.agreement()
    m = sweep.metadata
    text = f"{a.done:,} of {m.points:,} points simulated"
    if not a.done:
        return False, text + "; nothing to check yet"
    text += f"; largest |z| = {a.max_abs_z:.2f} (point {a.worst_point}); "
    if a.beyond_limit == 0:
        # The engine's words: a chain's exact value is a product, a structure's is not.
        exact = "its exact value" if sweep.is_structure else "the analytic product"
        text += (f"every point agrees with {exact} (exact binomial p >= 5.7e-07, "
                 f"the tail of |z| = {a.limit:g})")
    else:
        text += (f"{a.beyond_limit} point{' has' if a.beyond_limit == 1 else 's have'} exact "
                 f"binomial p < 5.7e-07 (the tail of |z| = {a.limit:g})")
    return a.agrees, text


# --- HTML --------------------------------------------------------------------------------------

_SWEEP_CSS = """
table.grid td, table.grid th { padding: 4px 7px; font-size: 12.5px; }
table.grid th.group { text-align: center; border-left: 2px solid var(--line); }
table.grid td.sim { border-left: 2px solid var(--line); }
table.grid td.exact { color: var(--muted); }
table.grid td.warn { background: #fff3d6; }
table.grid td.bad { background: var(--bad-bg); color: var(--bad); font-weight: 700; }
.verdict.partial { background: #fff3d6; color: #6b4a00; }
.verdict.partial .badge { background: #c98a00; }
"""


def _grid_html(sweep, decimals: int) -> str:
    rows, cols, simulated, exact, _ = two_way_table(sweep)
    level = f"{sweep.metadata.ci_level:.0%}"
    points = sweep.points.set_index([rows, cols])
    head1 = f"<tr><th rowspan=2>{_esc(rows)}</th>" + "".join(
        f'<th class="group" colspan=2>{_esc(_value_label(cols, c))}</th>'
        for c in simulated.columns) + "</tr>"
    head2 = "<tr>" + "<th>simulated</th><th>analytic</th>" * len(simulated.columns) + "</tr>"
    body = []
    for r in simulated.index:
        cells = [f'<td class="name">{_esc(_value_label(rows, r))}</td>']
        for c in simulated.columns:
            s, e = simulated.at[r, c], exact.at[r, c]
            cls = "sim"
            title = ""
            if (r, c) in points.index:
                row = points.loc[(r, c)]
                marked = point_verdict_class(row)
                cls += f" {marked}" if marked else ""
                if bool(row["done"]):
                    title = _cell_title(row, level, decimals)
            cells.append(f'<td class="{cls}"{title}>{_pct(s, decimals)}</td>'
                         f'<td class="exact">{_pct(e, decimals)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="scroll"><table class="grid"><thead>{head1}{head2}</thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def replicated_table(sweep) -> pd.DataFrame | None:
    """A sweep with replications as a pivot: one row per parameter point (the parameters as
    the index), one column per replication with the simulated reliability, the analytic value
    (the same for every replication) and the pooled estimate over the finished replications
    (failures and requests summed). None for a sweep without replications or parameters."""
    m = sweep.metadata
    if m.replications <= 1 or not m.parameters:
        return None
    p = sweep.points
    keys = list(m.parameters)
    simulated = replication_pivot(sweep, "reliability_empirical", keys)
    done = p[p["done"]]
    grouped = done.groupby(keys, sort=False)[["failures", "requests"]].sum()
    pooled = 1 - grouped["failures"].astype(np.float64) / grouped["requests"].astype(np.float64)
    analytic_r = p.groupby(keys, sort=False)["reliability_analytic"].first()
    table = simulated.assign(pooled=pooled.reindex(simulated.index),
                             analytic=analytic_r.reindex(simulated.index))
    return table


def _replicated_html(sweep, decimals: int) -> str:
    m = sweep.metadata
    level = f"{m.ci_level:.0%}"

    def cell(point, value) -> str:
        marked = point_verdict_class(point)
        title = _cell_title(point, level, decimals) if bool(point["done"]) else ""
        cls = "sim" + (f" {marked}" if marked else "")
        return f'<td class="{cls}"{title}>{_pct(value, decimals)}</td>'

    return replication_grid_html(
        sweep, replicated_table(sweep), list(m.parameters), label=_value_label, cell=cell,
        tail_headers=["pooled", "analytic"],
        tail=lambda row: (f'<td>{_pct(row["pooled"], decimals)}</td>'
                          f'<td class="exact">{_pct(row["analytic"], decimals)}</td>'))


def _listed_points(sweep) -> tuple[pd.DataFrame, str]:
    p = sweep.points
    if len(p) <= _MAX_LISTED:
        return p, ""
    done = p[p["done"]]
    order = done["z_score"].abs().sort_values(ascending=False, kind="mergesort").index
    shown = p.loc[order[:50]]
    return shown, (f"{len(p):,} points: the 50 with the largest |z| are listed; "
                   "Sweep.points has them all.")


def _points_html(sweep, decimals: int) -> str:
    shown, note = _listed_points(sweep)
    level = f"{sweep.metadata.ci_level:.0%}"
    parameters = sweep.parameters
    replicated = sweep.metadata.replications > 1
    head = ("<tr><th>point</th>" + "".join(f"<th>{_esc(q)}</th>" for q in parameters) +
            ("<th>replication</th>" if replicated else "") +
            f"<th>requests</th><th>failures</th><th>simulated %</th><th>{level} interval</th>"
            "<th>analytic %</th><th>z</th><th>attribution p</th><th></th></tr>")
    body = []
    for _, row in shown.iterrows():
        done = bool(row["done"])
        if done:
            pill = ('<span class="pill ok">AGREES</span>' if row["agrees"] else
                    '<span class="pill bad">DISAGREES</span>')
        else:
            pill = '<span class="muted">not run yet</span>'
        cells = [str(int(row["point"]))]
        cells += [_esc(_value_label(q, row[q])) for q in parameters]
        if replicated:
            cells.append(str(int(row["replication"])))
        cells += [fmt.count(row["requests"]),
                  fmt.count(row["failures"]) if done else "–",
                  _pct(row["reliability_empirical"], decimals),
                  (f'{_pct(row["ci_low"], decimals)} – {_pct(row["ci_high"], decimals)}'
                   if done else "–"),
                  _pct(row["reliability_analytic"], decimals),
                  fmt.number(row["z_score"], 3) if done else "–",
                  fmt.p_value(row["attribution_p_value"]) if done else "–",
                  pill]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    note_html = f'<p class="explain">{_esc(note)}</p>' if note else ""
    return (f'<div class="scroll"><table><thead>{head}</thead><tbody>{"".join(body)}</tbody>'
            f"</table></div>{note_html}")


def render_sweep_report(sweep, *, dpi: int = 144) -> str:
    """The report page for an open Sweep, as a string."""
    if sweep.is_time:
        return render_time_sweep_report(sweep, dpi=dpi)
    m = sweep.metadata
    title = _esc(m.sweep_name)
    ok, sentence = _agreement_sentence(sweep)
    decimals = sweep_decimals(sweep)
    done = sweep.done_points
    if not m.complete:
        verdict_cls, badge = "partial", "INCOMPLETE"
        sentence += (". The sweep was interrupted: rerun the same <code>nines sweep</code> "
                     "command to finish it.")
    else:
        verdict_cls, badge = ("ok", "AGREES") if ok else ("bad", "DISAGREES")
    a = sweep.agreement()
    agree_count = int(done["agrees"].sum())
    tiles = "".join([
        _tile("Points", f"{m.points_done:,} / {m.points:,}",
              "complete" if m.complete else "incomplete"),
        _tile("Parameters", str(len(m.parameters)),
              _esc(", ".join(m.parameters)) or "none"),
        _tile("Requests simulated", fmt.count(int(done["requests"].sum())),
              f"{m.replications} replication{'s' if m.replications != 1 else ''} a point"),
        _tile("Largest |z|", fmt.number(a.max_abs_z, 3) if a.done else "n/a",
              f"point {a.worst_point}" if a.done else ""),
        _tile("Point verdicts", f"{agree_count:,} / {len(done):,}",
              f"agree at p ≥ {analytic.VERDICT_ALPHA:g}; about {len(done) * 1e-3:.1g} "
              "expected to fail by chance" if len(done) else "agree"),
    ])

    if sweep.is_two_way():
        rows, cols = m.parameters
        table = (f'<p class="explain">Reliability in %, simulated next to analytic: {_esc(cols)} '
                 f'across, {_esc(rows)} down. Hover a cell for its interval, z and p-values. '
                 + _MARKING + "</p>" + _grid_html(sweep, decimals))
        table_title = "The grid"
    elif replicated_table(sweep) is not None and len(sweep.points) <= _MAX_LISTED * m.replications:
        table = (f'<p class="explain">Reliability in %, one row per parameter point, one column '
                 f'per replication ({m.replications} seeds), the pooled estimate over the '
                 'finished replications (failures and requests summed) and the analytic value. '
                 'Hover a cell for its interval, z and p-values. ' + _MARKING + "</p>"
                 + _replicated_html(sweep, decimals) + "<h2>The points</h2>"
                 + _points_html(sweep, decimals))
        table_title = "The grid"
    else:
        table = _points_html(sweep, decimals)
        table_title = "The points"

    wide = (12, 4.6)
    figures = []
    parts = sweep.identical_parts()
    if parts is not None and len(done):
        essay = plots.essay_curves(sweep, figsize=(12, 4.8))
        figures.append(("More parts, more failure", essay,
                        "Each dot is one simulated point with its "
                        f"{m.ci_level:.0%} Wilson interval, on the analytic curve r<sup>n</sup> "
                        "of its part reliability; the right panel shows failures per million on "
                        "a log scale, where the reliable parts separate."))
    elif len(done):
        figures.append(("Point by point", plots.sweep_points(sweep, figsize=wide),
                        "Failed requests per million of every point, simulated with its "
                        "interval, against the analytic value."))
    if len(done):
        figures.append(("Every point against the model", plots.sweep_z(sweep, figsize=wide),
                        "z of every finished point; a sweep agrees with the model when no "
                        "point's exact binomial p-value is below the tail of ±5 (for points "
                        "that expect many failures: all lie inside ±5). Independent points "
                        "(seeds: per-point) scatter like a "
                        "standard normal (right): about 1 in 1,000 beyond the dotted "
                        f"±{_PER_POINT_Z:.2f}."))
    figure_html = "".join(
        f'<h2>{heading}</h2><figure><img alt="{_esc(heading)}" '
        f'src="{figure_to_data_uri(fig, dpi)}"><figcaption>{caption}</figcaption></figure>'
        for heading, fig, caption in figures)

    base = ""
    if m.base_scenario_yaml:
        base = f"<h2>Base scenario</h2><pre>{_esc(m.base_scenario_yaml)}</pre>"
    generated = generated_now()
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nines sweep report — {title}</title>
<style>{CSS}{_SWEEP_CSS}</style></head>
<body><main>
<header>
  <div><div class="brand">nines · sweep report</div><h1>{title}</h1></div>
  <div class="meta">{m.points:,} points · base {_esc(m.base_kind)} · sampler {_esc(m.sampler)}<br>
  engine {_esc(m.nines_version)} · written {_esc(m.created)}<br>
  sweep sha256 <code>{_esc(m.sweep_sha256[:16])}…</code></div>
</header>

<div class="verdict {verdict_cls}"><span class="badge">{badge}</span>
<span>{sentence}</span></div>

<div class="tiles">{tiles}</div>

<h2>{table_title}</h2>
{table}

{figure_html}

<h2>Sweep file</h2>
<pre>{_esc(m.sweep_yaml)}</pre>
{base}

<footer>Generated {generated} by the nines Python package {__version__} from
<code>{_esc(os.path.basename(m.path))}</code> (format {_esc(m.format)} v{m.format_version}).</footer>
</main></body></html>
"""


# --- text --------------------------------------------------------------------------------------

def _readable_rows(index, full: bool) -> list:
    """All rows when few (or full), else the first, the last and those on 1-2-5 steps (as the
    engine prints the spreadsheet: 1, 2, 5, 10, 20, 50, 100)."""
    values = list(index)
    if full or len(values) <= 12:
        return values
    steps = {m * 10 ** e for e in range(0, 19) for m in (1, 2, 5)}
    keep = [v for i, v in enumerate(values) if i in (0, len(values) - 1) or
            (isinstance(v, (int, np.integer)) and int(v) in steps)]
    if len(keep) < 4:  # not whole numbers: evenly spaced rows
        picks = sorted(set(np.linspace(0, len(values) - 1, 8).round().astype(int)))
        keep = [values[i] for i in picks]
    return keep


def sweep_text_summary(sweep, full: bool = False) -> str:
    """A few lines for a terminal: what was swept, how far it got, the check, and the points
    (two-way sweeps as the engine prints them: a readable subset of rows unless full)."""
    if sweep.is_time:
        return time_sweep_text_summary(sweep, full)
    m = sweep.metadata
    ok, sentence = _agreement_sentence(sweep)
    decimals = sweep_decimals(sweep)
    lines = [
        f"{m.sweep_name}: sweep of {m.points:,} points over {', '.join(m.parameters) or '-'}"
        f" ({m.replications} replication{'s' if m.replications != 1 else ''}, base "
        f"{m.base_kind}; engine {m.nines_version}, {m.created})",
        "  state        " + ("complete" if m.complete else
                             f"INCOMPLETE: {m.points_done:,} of {m.points:,} points done "
                             "(rerun the same `nines sweep` command to finish it)"),
        f"  check        {sentence}",
        "",
    ]
    if sweep.is_two_way():
        rows, cols, simulated, exact, _ = two_way_table(sweep)
        width = 4 + decimals + 1
        labels = [_value_label(cols, c) for c in simulated.columns]
        cell = max(2 * width + 1, *(len(x) for x in labels))
        first = max(len(rows), *(len(_value_label(rows, r)) for r in simulated.index))
        lines.append(f"  Reliability in %, simulated vs analytic ({cols} across, {rows} down):")
        lines.append("")
        lines.append("  " + " " * first + " | " + " | ".join(f"{x:>{cell}}" for x in labels)
                     + " |")
        lines.append("  " + f"{rows:>{first}}" + " | " + " | ".join(
            f"{'simulated':>{cell - width - 1}} {'analytic':>{width}}" for _ in labels) + " |")
        lines.append("  " + "-" * (first + 3 + (cell + 3) * len(labels) - 1))
        for r in _readable_rows(simulated.index, full):
            cells = [f"{_pct(simulated.at[r, c], decimals):>{cell - width - 1}} "
                     f"{_pct(exact.at[r, c], decimals):>{width}}" for c in simulated.columns]
            lines.append("  " + f"{_value_label(rows, r):>{first}}" + " | " + " | ".join(cells)
                         + " |")
        if not full and len(simulated.index) > 12:
            lines.append(f"  ({len(simulated.index)} rows; summary --full prints them all)")
        return "\n".join(lines)

    shown, note = (sweep.points, "") if full else _listed_points(sweep)
    if not full and len(shown) > 30:
        done = shown[shown["done"]]
        order = done["z_score"].abs().sort_values(ascending=False, kind="mergesort").index
        shown, note = shown.loc[order[:10]], (f"{len(sweep.points):,} points: the 10 with the "
                                              "largest |z|; summary --full lists more")
    headers = ["point", *m.parameters] + (["rep"] if m.replications > 1 else []) + \
        ["requests", "failures", "simulated %", "analytic %", "z"]
    table = []
    for _, row in shown.iterrows():
        done = bool(row["done"])
        table.append([str(int(row["point"]))] +
                     [_value_label(q, row[q]) for q in m.parameters] +
                     ([str(int(row["replication"]))] if m.replications > 1 else []) +
                     [fmt.count(row["requests"]), fmt.count(row["failures"]) if done else "–",
                      _pct(row["reliability_empirical"], decimals),
                      _pct(row["reliability_analytic"], decimals),
                      f"{row['z_score']:.2f}" if done else "–"])
    widths = [max(len(h), *(len(r[i]) for r in table)) if table else len(h)
              for i, h in enumerate(headers)]
    lines.append("  " + "  ".join(f"{h:>{w}}" for h, w in zip(headers, widths)))
    for r in table:
        lines.append("  " + "  ".join(f"{c:>{w}}" for c, w in zip(r, widths)))
    if note:
        lines.append(f"  ({note})")
    return "\n".join(lines)
