"""How numbers are shown to people: one place, used by the report and the text summary.

One style everywhere, the engine's: thousands grouped with commas ("150,285", "15,028.5"),
scientific notation from a million on where a value is not a count, "n/a" for a missing value.
Every number on a page or in a summary goes through one of these functions, so a tile and the
table beside it cannot disagree in style (issue 15: the DPMO tile read "15028" next to
"150,285")."""
from __future__ import annotations

import math


def reliability_percent(r: float, unreliability: float | None = None,
                        resolution: float | None = None) -> str:
    """A reliability as a percentage with enough decimals to show about four significant digits
    of its unreliability: 0.92274 -> '92.274%', 0.999999 -> '99.9999000%'. For computed
    values; configured ones read better through `percent`. `resolution` (e.g. the width of a
    confidence interval) adds decimals until differences of that size show."""
    if math.isnan(r):
        return "n/a"
    u = (1 - r) if unreliability is None else unreliability
    if u <= 0:
        return "100%"
    decimals = max(2, 3 - math.floor(math.log10(u * 100)))
    if resolution is not None and resolution > 0:
        decimals = max(decimals, 1 - math.floor(math.log10(resolution * 100)))
    decimals = min(12, decimals)
    return f"{100 * r:.{decimals}f}%"


def number(x: float, digits: int = 4) -> str:
    """A general number to `digits` significant digits: 0.2071 -> '0.2071',
    15028.5 -> '15,028.5' (digits 6), 1.2e-17 -> '1.2e-17', inf -> '∞'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e6:
        return f"{x:,.{digits}g}"
    return f"{x:.{max(1, digits - 2)}e}"


def p_value(p: float) -> str:
    if p is None or math.isnan(p):
        return "n/a"
    if p < 1e-300:
        return "< 1e-300"
    return number(p, 2) if p < 1e-3 else f"{p:.3g}"


def dpmo(x: float) -> str:
    """Defects (failed requests) per million, as the engine prints them: grouped with one
    decimal from 100 up ('15,028.5'), three significant digits below ('3.40', '0.0120')."""
    if x is None or math.isnan(x):
        return "n/a"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x == 0:
        return "0"
    if abs(x) >= 100:
        return f"{x:,.1f}"
    return f"{x:#.3g}"


def count(n: int) -> str:
    return f"{int(n):,}"


def expected_count(x: float) -> str:
    return f"{x:,.1f}" if x < 1e6 else f"{x:,.0f}"


def percent(r: float) -> str:
    """A configured probability as written: 0.995 -> '99.5%', 0.9999966 -> '99.99966%'."""
    return f"{100 * r:.10g}%"


def duration(seconds: float) -> str:
    """A duration in the unit that reads best: 42 -> '42 s', 750 -> '12.5 min',
    18000 -> '5 h', 400000 -> '4.63 days'; NaN -> 'n/a'."""
    if seconds is None or math.isnan(seconds):
        return "n/a"
    if math.isinf(seconds):
        return "∞"
    s = abs(seconds)
    for limit, size, unit in ((120, 1, "s"), (120 * 60, 60, "min"), (48 * 3600, 3600, "h")):
        if s < limit:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds / 86400:,.3g} days" if s < 1000 * 86400 else f"{seconds / 86400:,.0f} days"
