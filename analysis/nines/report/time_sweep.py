"""The report page and the text summary of a sweep of a time base (scenario format 3, sweep
layout 3): per point its time availability with its interval and exact steady-state value,
request availability, downtime per year (mean and 5% to 95% over histories), outages per year,
realised mean times to detect and repair, the SLO share of windows met and its verdict (rows of
disagreeing points marked); with replications, also a pivot of the replications side by side."""
from __future__ import annotations

import os

import numpy as np
import pandas as pd

from .. import formatting as fmt
from ..version import __version__
from .html import CSS, esc as _esc, generated_now, tile as _tile
from .replications import replication_grid_html, replication_pivot

__all__ = ["time_sweep_rows", "render_time_sweep_report", "time_sweep_text_summary",
           "replicated_time_table", "time_point_verdict_class"]

# Cells of points whose own verdict disagrees are marked, as in request sweeps.
_MARKS = """
table.grid { border-collapse: collapse; }
table.grid td, table.grid th { padding: 3px 8px; text-align: right; }
table.grid td.name { text-align: left; }
td.warn, tr.warn td { background: #fff3d6; }
"""


def _label(parameter: str, value) -> str:
    """A swept value for people: durations as durations, rates per second, crews 0 as
    unlimited."""
    if parameter == "time.crews":
        return "unlimited" if int(value) == 0 else str(int(value))
    if parameter.endswith((".every", ".repair", ".delay", ".lasts", "time.horizon")):
        return fmt.duration(float(value))
    if parameter == "time.traffic.rate":
        return f"{float(value):g}/s"
    if parameter.endswith("reliability"):
        return fmt.percent(float(value))
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _availability(a: float) -> str:
    return "–" if a is None or not np.isfinite(a) else fmt.reliability_percent(float(a))


def time_sweep_rows(sweep) -> pd.DataFrame:
    """One row of text cells per point: the table the engine prints at the end of a time
    sweep (unfinished points: dashes)."""
    p = sweep.points
    slo = bool(np.isfinite(p["slo_target"].to_numpy(dtype=np.float64)).any())
    rows = []
    for _, r in p.iterrows():
        row = {"point": str(int(r["point"]))}
        for q in sweep.parameters:
            row[q] = _label(q, r[q])
        if sweep.metadata.replications > 1:
            row["replication"] = str(int(r["replication"]))
        row["histories"] = fmt.count(int(r["histories"]))
        done = bool(r["done"])
        dash = "–"
        row["time avail"] = _availability(r["time_availability"]) if done else dash
        row["95% CI"] = (f"{_availability(r['time_availability_ci_low'])} – "
                         f"{_availability(r['time_availability_ci_high'])}"
                         if done and np.isfinite(r["time_availability_ci_low"]) else dash)
        row["exact"] = _availability(r["time_availability_exact"]) if done else dash
        row["request avail"] = _availability(r["request_availability"]) if done else dash
        row["downtime/y"] = fmt.duration(r["downtime_per_year"]) if done else dash
        row["5% – 95%"] = (f"{fmt.duration(r['downtime_per_year_p05'])} – "
                           f"{fmt.duration(r['downtime_per_year_p95'])}" if done else dash)
        row["outages/y"] = fmt.number(r["outages_per_year"], 3) if done else dash
        row["MTTD"] = fmt.duration(r["mean_time_to_detect"]) if done else dash
        row["MTTR"] = fmt.duration(r["mean_time_to_repair"]) if done else dash
        if slo:
            row["SLO met"] = (f"{100 * r['slo_share_met_time']:.1f}%"
                              if done and np.isfinite(r["slo_share_met_time"]) else dash)
        row["verdict"] = (dash if not done else "no test" if int(r["verdict_tests"]) == 0
                          else "agrees" if bool(r["agrees"]) else "DISAGREES")
        rows.append(row)
    return pd.DataFrame(rows)


def time_point_verdict_class(row) -> str:
    """How a point's cells are marked: "warn" when the point's own verdict (its time run's
    exact tests, Bonferroni-corrected) disagrees, "" when it agrees, has no test or is not
    finished."""
    if not bool(row["done"]) or int(row["verdict_tests"]) == 0:
        return ""
    return "" if bool(row["agrees"]) else "warn"


def replicated_time_table(sweep) -> pd.DataFrame | None:
    """A time sweep with replications as a pivot: one row per parameter point (the parameters
    as the index), one column per replication with its time availability, the pooled
    availability over the finished replications (their means weighted by histories) and the
    exact steady-state value. None without replications or parameters."""
    m = sweep.metadata
    if m.replications <= 1 or not sweep.parameters:
        return None
    p = sweep.points
    keys = list(sweep.parameters)
    simulated = replication_pivot(sweep, "time_availability", keys)
    done = p[p["done"]].assign(
        weighted=lambda d: d["time_availability"] * d["histories"].astype(np.float64))
    grouped = done.groupby(keys, sort=False)[["weighted", "histories"]].sum()
    pooled = grouped["weighted"] / grouped["histories"].astype(np.float64)
    exact = p.groupby(keys, sort=False)["time_availability_exact"].first()
    return simulated.assign(pooled=pooled.reindex(simulated.index),
                            exact=exact.reindex(simulated.index))


def _replicated_html(sweep) -> str:
    def cell(point, value) -> str:
        marked = time_point_verdict_class(point)
        title = (f' title="point {int(point["point"])}: '
                 f'{"disagrees" if marked else "agrees or untested"}"'
                 if bool(point["done"]) else "")
        return f'<td class="sim{" " + marked if marked else ""}"{title}>{_availability(value)}</td>'

    return replication_grid_html(
        sweep, replicated_time_table(sweep), list(sweep.parameters), label=_label, cell=cell,
        tail_headers=["pooled", "exact"],
        tail=lambda row: (f"<td>{_availability(row['pooled'])}</td>"
                          f"<td>{_availability(row['exact'])}</td>"))


def _check_sentence(sweep) -> tuple[bool, str]:
    done = sweep.done_points
    m = sweep.metadata
    text = f"{len(done):,} of {m.points:,} points simulated"
    if not len(done):
        return False, text + "; nothing to check yet"
    tested = int((done["verdict_tests"] > 0).sum())
    disagree = int((~done["agrees"]).sum())
    text += (f"; {tested:,} with exact tests, "
             + ("every one agrees" if disagree == 0 else
                f"{disagree:,} disagree{'s' if disagree == 1 else ''}")
             + " (each point's verdict: its time run's exact tests, Bonferroni-corrected)")
    return disagree == 0, text


def time_sweep_text_summary(sweep, full: bool = False) -> str:
    """A few lines for a terminal: what was swept, how far it got, and the points."""
    m = sweep.metadata
    _, sentence = _check_sentence(sweep)
    lines = [
        f"{m.sweep_name}: time sweep of {m.points:,} points over "
        f"{', '.join(m.parameters) or '-'} ({m.replications} replication"
        f"{'s' if m.replications != 1 else ''}; engine {m.nines_version}, {m.created})",
        "  state        " + ("complete" if m.complete else
                             f"INCOMPLETE: {m.points_done:,} of {m.points:,} points done "
                             "(rerun the same `nines sweep` command to finish it)"),
        f"  check        {sentence}",
        "",
    ]
    table = time_sweep_rows(sweep)
    if not full and len(table) > 20:
        table = pd.concat([table.iloc[:10], table.iloc[-5:]])
    widths = {c: max(len(c), *(len(v) for v in table[c])) for c in table.columns}
    lines.append("  " + "  ".join(f"{c:>{widths[c]}}" for c in table.columns))
    for _, row in table.iterrows():
        lines.append("  " + "  ".join(f"{row[c]:>{widths[c]}}" for c in table.columns))
    if not full and m.points > 20:
        lines.append(f"  ({m.points:,} points; summary --full prints them all)")
    return "\n".join(lines)


def render_time_sweep_report(sweep, *, dpi: int = 144) -> str:
    """The report page for an open Sweep of a time base, as a string."""
    del dpi  # no figures yet: the table is the report
    m = sweep.metadata
    ok, sentence = _check_sentence(sweep)
    done = sweep.done_points
    if not m.complete:
        verdict_cls, badge = "partial", "INCOMPLETE"
    else:
        verdict_cls, badge = ("ok", "AGREES") if ok else ("bad", "DISAGREES")
    tiles = "".join([
        _tile("Points", f"{m.points_done:,} / {m.points:,}",
              "complete" if m.complete else "incomplete"),
        _tile("Parameters", str(len(m.parameters)), _esc(", ".join(m.parameters)) or "none"),
        _tile("Histories simulated", fmt.count(int(done["histories"].sum())),
              f"{m.replications} replication{'s' if m.replications != 1 else ''} a point"),
    ])
    table = time_sweep_rows(sweep)
    head = "".join(f"<th>{_esc(c)}</th>" for c in table.columns)
    marks = [time_point_verdict_class(r) for _, r in sweep.points.iterrows()]
    rows = []
    for mark, row in zip(marks, table.itertuples(index=False)):
        attribute = f' class="{mark}"' if mark else ""
        rows.append(f"<tr{attribute}>" + "".join(f"<td>{_esc(v)}</td>" for v in row) + "</tr>")
    body = "".join(rows)
    pivot = ""
    if replicated_time_table(sweep) is not None:
        pivot = ("<h2>Replications side by side</h2><p class=\"explain\">Time availability "
                 f"per replication ({m.replications} seeds), pooled over the finished "
                 "replications (weighted by histories) and the exact steady-state value. A "
                 "marked cell is a point whose own verdict disagrees.</p>" +
                 _replicated_html(sweep))
    base = f"<h2>Base scenario</h2><pre>{_esc(m.base_scenario_yaml)}</pre>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nines sweep report — {_esc(m.sweep_name)}</title>
<style>{CSS}{_MARKS}</style></head>
<body><main>
<header>
  <div><div class="brand">nines · time sweep report</div><h1>{_esc(m.sweep_name)}</h1></div>
  <div class="meta">{m.points:,} points · engine {_esc(m.nines_version)} · written
  {_esc(m.created)}</div>
</header>
<div class="verdict {verdict_cls}"><span class="badge">{badge}</span>
<span>{_esc(sentence)}</span></div>
<div class="tiles">{tiles}</div>
{pivot}
<h2>The points</h2>
<p class="explain">Means over histories; the interval is the mean's ({m.ci_level:.0%}); exact
is the steady-state availability where one exists; downtime's range is its 5% and 95%
quantiles over histories. Rows of points whose own verdict disagrees are marked.</p>
<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>
<h2>Sweep file</h2>
<pre>{_esc(m.sweep_yaml)}</pre>
{base}
<footer>Generated {generated_now()} by the nines Python package {__version__} from
<code>{_esc(os.path.basename(m.path))}</code> (format {_esc(m.format)} v{m.format_version}).</footer>
</main></body></html>
"""
