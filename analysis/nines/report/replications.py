"""Replicated sweeps side by side: the one pivot both sweep reports (request and time bases)
build their replication tables on."""
from __future__ import annotations

from typing import Callable

import pandas as pd

from .html import esc

__all__ = ["replication_pivot", "replication_grid_html"]


def replication_pivot(sweep, column: str, parameters: list[str]) -> pd.DataFrame:
    """One row per parameter point (the parameters as the index, in the file's order; a zip is
    not a product, so only the points it has), one column "replication r" per replication
    holding the point's `column`."""
    p = sweep.points
    order = p[parameters].drop_duplicates()
    index = (pd.MultiIndex.from_frame(order) if len(parameters) > 1
             else pd.Index(order[parameters[0]], name=parameters[0]))
    table = (p.groupby(parameters + ["replication"], sort=False)[column].first()
             .unstack("replication").reindex(index))
    table.columns = [f"replication {int(c)}" for c in table.columns]
    return table


def replication_grid_html(sweep, table: pd.DataFrame, parameters: list[str], *,
                          label: Callable[[str, object], str],
                          cell: Callable[[pd.Series, float], str],
                          tail_headers: list[str], tail: Callable[[pd.Series], str]) -> str:
    """The HTML table of a replication pivot (`table`: replication_pivot plus the tail
    columns): the parameters (label(parameter, value)), one cell per replication (cell(point
    row, value), the point's own row so that it can be marked by its verdict), then the tail
    cells (tail(pivot row)) under tail_headers."""
    points = sweep.points.set_index(parameters + ["replication"]).sort_index()
    replications = [c for c in table.columns if c.startswith("replication ")]
    head = ("<tr>" + "".join(f"<th>{esc(q)}</th>" for q in parameters) +
            "".join(f"<th>{esc(c)}</th>" for c in replications) +
            "".join(f"<th>{esc(h)}</th>" for h in tail_headers) + "</tr>")
    body = []
    for key, row in table.iterrows():
        key = key if isinstance(key, tuple) else (key,)
        cells = [f'<td class="name">{esc(label(q, v))}</td>' for q, v in zip(parameters, key)]
        for column in replications:
            point = points.loc[key + (int(column.split()[1]),)]
            if isinstance(point, pd.DataFrame):  # zip values repeat a key: first of them
                point = point.iloc[0]
            cells.append(cell(point, row[column]))
        cells.append(tail(row))
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="scroll"><table class="grid"><thead>{head}</thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')
