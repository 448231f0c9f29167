"""The report page and the text summary of an uncertainty file (`nines uncertainty`): the
service value's distribution over the draws of the uncertain inputs, the factors with their
Sobol indices, both plots, and what the numbers mean."""
from __future__ import annotations

import html
import math
import os

from .. import formatting as fmt
from .. import plots
from ..readers.time_run import SECONDS_PER_YEAR
from ..version import __version__
from .html import CSS, esc, figure_to_data_uri, generated_now, row, share, tile

__all__ = ["render_uncertainty_report", "uncertainty_text_summary"]

DESIGNS = {"latin-hypercube": "Latin hypercube", "plain": "independent draws"}


def _value(x: float) -> str:
    return fmt.reliability_percent(x)


def _per_unit(run, shortfall: float) -> str:
    """The shortfall in the unit people quote: failed requests per million for a
    reliability, downtime per year for an availability."""
    if math.isnan(shortfall):
        return "n/a"
    if run.measure == "availability":
        return fmt.duration(shortfall * SECONDS_PER_YEAR) + " a year"
    return fmt.dpmo(1e6 * shortfall) + " per million"


def _meets(s) -> str:
    return (f"{share(s.meet_probability)} ({share(s.meet_probability_low)} – "
            f"{share(s.meet_probability_high)})")


def _header(run) -> str:
    m = run.metadata
    return f"""<header>
  <div><div class="brand">nines · uncertainty of the inputs</div><h1>{esc(m.scenario_name)}</h1></div>
  <div class="meta">service {esc(m.measure)} (scenario format {m.scenario_format}) · {fmt.count(m.draws)} draws ({esc(DESIGNS.get(m.design, m.design))}) · seed {m.seed}<br>
  {fmt.count(m.evaluations)} exact evaluations · engine {esc(m.nines_version)}<br>
  scenario sha256 <code>{esc(m.scenario_sha256[:16])}…</code></div>
</header>"""


def _tiles(run) -> str:
    m, s = run.metadata, run.summary
    tiles = [
        tile(f"{m.measure} at the inputs' means", _value(m.point_value),
             "what <code>nines run</code> uses"),
        tile(f"mean {m.measure} over the draws", _value(s.mean),
             f"sd {fmt.number(100 * s.sd, 3)} points"),
        tile("5% – 95% of draws", f"{_value(s.p05)} – {_value(s.p95)}",
             f"median {_value(s.p50)}", wide=True),
    ]
    if m.target is not None:
        tiles.append(tile(f"P({m.measure} ≥ {fmt.percent(m.target)})",
                          share(s.meet_probability),
                          f"95% Wilson {share(s.meet_probability_low)} – "
                          f"{share(s.meet_probability_high)}; {fmt.count(s.meets)} of "
                          f"{fmt.count(m.draws)} draws", wide=True))
    return f'<div class="tiles">{"".join(tiles)}</div>'


def _summary_table(run) -> str:
    m, s = run.metadata, run.summary
    unit = "failed requests" if m.measure == "reliability" else "downtime"
    lines = [("at the inputs' means (<code>nines run</code>)", m.point_value, m.point_shortfall),
             ("mean over the draws", s.mean, s.mean_shortfall),
             ("5% of draws below", s.p05, 1 - s.p05),
             ("median", s.p50, 1 - s.p50),
             ("95% of draws below", s.p95, 1 - s.p95),
             ("lowest draw", s.min, 1 - s.min),
             ("highest draw", s.max, 1 - s.max)]
    rows = [row(label, _value(v), _small(u), _per_unit(run, u), cls="name")
            for label, v, u in lines]
    rows.append(row("standard deviation", f"{fmt.number(100 * s.sd, 3)} points",
                    _small(s.sd), "", cls="name"))
    if m.target is not None:
        rows.append(row(f"P({esc(m.measure)} ≥ {fmt.percent(m.target)}), 95% Wilson interval",
                        _meets(s), f"{fmt.count(s.meets)} of {fmt.count(m.draws)} draws", "",
                        cls="name"))
    head = (f"<tr><th>over the inputs' uncertainty</th><th>{esc(m.measure)}</th>"
            f"<th>1 − {esc(m.measure)}</th><th>{unit}</th></tr>")
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def _factor_mean(f) -> str:
    """A factor's mean as people say it: the reliability 1 - q, or the mean time between
    outages 1 / rate."""
    if f["quantity"] == "reliability":
        return _value(1 - f["mean"])
    return "every " + fmt.duration(1 / f["mean"]) if f["mean"] > 0 else "never"


def _index(x: float, error: float) -> str:
    if math.isnan(x):
        return "–"
    # An estimate of a zero index comes out a hair either side of 0; "-0.000" would only
    # puzzle.
    return f"{0.0 if abs(x) < 5e-4 else x:.3f} ± {error:.3f}"


def _small(x: float) -> str:
    """A shortfall, three significant digits: 0.00203, 0.000842, 1.23e-05."""
    return "n/a" if math.isnan(x) else f"{x:.3g}"


def _factors_table(run) -> str:
    f = run.factors
    if run.has_sobol:
        f = f.sort_values("total", ascending=False, kind="stable")
    rows = []
    for name, (_, x) in zip(plots.uncertainty.factor_names(run, f), f.iterrows()):
        members = ", ".join(x["members"])
        shared = (f'<span class="kind-path">shared by {esc(members)}</span>'
                  if x["members"] != (x["name"],) else "")
        rows.append(row(f"{esc(name)}{shared}", esc(x["quantity"].replace("_", " ")),
                        _factor_mean(x), esc(x["origin"]),
                        _index(x["first_order"], x["first_order_error"]),
                        _index(x["total"], x["total_error"]), cls="name"))
    head = ("<tr><th>factor</th><th>quantity</th><th>mean</th><th>distribution</th>"
            "<th>first-order index</th><th>total index</th></tr>")
    return (f'<div class="scroll"><table><thead>{head}</thead><tbody>{"".join(rows)}'
            "</tbody></table></div>")


def _sobol_section(run, dpi: int) -> str:
    if not run.has_sobol:
        return ('<p class="note">No Sobol indices: this analysis was run with '
                "<code>--no-sobol</code>. Without it the engine also says how much of the "
                "spread each input causes.</p>")
    if run.factors["total"].isna().all():
        return ('<p class="note">No Sobol indices: the service value is the same in every '
                "draw, so there is no variance to share out among the inputs (none of the "
                "uncertain inputs reaches the value: per-call reliabilities, for instance, do "
                "not enter a format-3 availability).</p>")
    uri = figure_to_data_uri(plots.sobol_indices(run), dpi)
    m = run.metadata
    return f"""<figure><img alt="Sobol indices per factor" src="{uri}">
<figcaption>Per factor, the first-order index (blue) and the total index (orange) with whiskers
of ±2 bootstrap standard deviations ({fmt.count(m.bootstrap_resamples)} resamples); sorted by
total index.</figcaption></figure>
<p class="explain">A Sobol index is a share of the variance of the service {esc(m.measure)} over
the draws. The <b>first-order</b> index of a factor is the share it explains alone: how much the
variance would shrink, on average, if that factor's value were known exactly. The <b>total</b>
index adds everything the factor does together with others (its interactions): the share of
the variance that would remain if every factor but this one were known. A factor with a total
index near 0 does not matter, however uncertain it is; learning more about the factors with
the largest indices narrows the result most. When the value is close to a sum of the factors'
effects, first-order and total indices agree and add up to about 1; a total well above the
first-order index means the factor matters through its interplay with others (for example
components in parallel, which fail the service only together). Estimates near 0 can come out
slightly negative: that is sampling noise, within the whiskers.</p>"""


def render_uncertainty_report(run, *, dpi: int = 144) -> str:
    """The report page for an open UncertaintyRun, as a string."""
    m = run.metadata
    distribution = figure_to_data_uri(plots.value_distribution(run), dpi)
    design = ("a Latin hypercube: each input's range is cut into as many equally likely "
              "strata as there are draws, and every stratum is drawn once, which makes the "
              "quantiles steadier than independent draws" if m.design == "latin-hypercube"
              else "independent draws")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nines uncertainty report — {esc(m.scenario_name)}</title>
<style>{CSS}</style></head>
<body><main>
{_header(run)}

{_tiles(run)}

<h2>The service {esc(m.measure)} over the inputs' uncertainty</h2>
<p class="explain">Some inputs of this scenario are not known exactly: a reliability measured
from observed failures, an outage rate from observed outages, or one given as a distribution.
The engine drew every uncertain input {fmt.count(m.draws)} times ({design}) and computed the
service's exact {esc(m.measure)} for each draw. The spread of those values is how much the
answer of <code>nines run</code>, which uses each input's mean, could be off because the inputs
themselves are uncertain. Inputs declared with one <code>population</code> share one draw.</p>
{_summary_table(run)}
<figure><img alt="distribution of the service {esc(m.measure)} over the draws" src="{distribution}">
<figcaption>The draws' service {esc(m.measure)}; the orange line is the value at the inputs'
means (what <code>nines run</code> reports), the blue one the mean over the draws, the dashed
ones the 5%, 50% and 95% quantiles{", the dotted red one the target" if m.target is not None
else ""}. Values near 100% are drawn on a log scale of 1 − {esc(m.measure)}, more nines to
the right.</figcaption></figure>

<h2>The uncertain inputs and which one matters</h2>
{_factors_table(run)}
<p class="explain">One row per factor: an uncertain input, or a population of inputs that share
one draw. The mean of a reliability is 1 − the mean failure probability per call; that of an
outage rate is shown as the mean time between outages it implies.</p>
{_sobol_section(run, dpi)}

<h2>Scenario</h2>
<pre>{html.escape(m.scenario_yaml)}</pre>

<footer>Generated {generated_now()} by the nines Python package {__version__} from
<code>{html.escape(os.path.basename(m.path))}</code> (format {html.escape(m.format)} v{m.format_version}).</footer>
</main></body></html>
"""


def uncertainty_text_summary(run) -> str:
    """A few lines for a terminal: the value's distribution, P(meets the target) and the
    factors by total Sobol index."""
    m, s = run.metadata, run.summary
    lines = [f"{m.scenario_name}: service {m.measure} over {fmt.count(m.draws)} draws of the "
             f"uncertain inputs ({m.design}, seed {m.seed}, engine {m.nines_version})",
             f"  at the inputs' means (nines run)  {_value(m.point_value)}",
             f"  mean over the draws               {_value(s.mean)}   sd "
             f"{fmt.number(100 * s.sd, 3)} points",
             f"  5% / 50% / 95%                    {_value(s.p05)} / {_value(s.p50)} / "
             f"{_value(s.p95)}"]
    if m.target is not None:
        lines.append(f"  P({m.measure} >= {fmt.percent(m.target)}): {_meets(s)}, "
                     f"{fmt.count(s.meets)} of {fmt.count(m.draws)} draws")
    f = run.factors
    if run.has_sobol:
        f = f.sort_values("total", ascending=False, kind="stable")
    names = plots.uncertainty.factor_names(run, f)
    means = [_factor_mean(x) for _, x in f.iterrows()]
    width, mean_width = max(map(len, names)), max(map(len, means))
    lines += ["", "  factors" + (" (mean, first-order and total Sobol index ± bootstrap SD):"
                                  if run.has_sobol else " (mean; no Sobol indices: --no-sobol):")]
    for name, mean, (_, x) in zip(names, means, f.iterrows()):
        indices = (f"  {_index(x['first_order'], x['first_order_error']):>15}  "
                   f"{_index(x['total'], x['total_error']):>15}" if run.has_sobol else "")
        lines.append(f"    {name:<{width}}  {mean:>{mean_width}}{indices}  {x['origin']}")
    return "\n".join(lines)
