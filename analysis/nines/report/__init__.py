"""Reports: one self-contained HTML page, or a few lines of text, for any file nines writes.

    html        the style sheet, tables, tiles and embedded figures every page shares
    run         chain runs (nines-run v1)
    structure   structure runs (nines-run v2)
    time_run    time runs (nines-run v3, outages over time; alerting: their alert policies)
    sweep       sweep files (nines-sweep v1)
    uncertainty uncertainty files (nines-uncertainty v1): the value over the inputs' draws,
                Sobol indices
    impact      the service-impact page (python3 -m nines impact): one panel per component
    output      writing the page: a temporary file beside the target, renamed when complete

Reports read through nines.readers, draw with nines.plots and compute nothing themselves
beyond presentation.
"""
from __future__ import annotations

import os

from ..readers import StructureRun, Sweep, TimeRun, UncertaintyRun
from .html import FIGURE_FORMATS, figure_to_data_uri
from .html import figure_format as _figure_format
from .impact import render_impact_report
from .output import check_target, write_text_atomically
from .run import render_run_report, run_text_summary
from .structure import render_structure_report, structure_text_summary
from .sweep import render_sweep_report, sweep_text_summary
from .time_run import render_time_report, time_text_summary
from .uncertainty import render_uncertainty_report, uncertainty_text_summary

__all__ = ["render_report", "write_report", "text_summary", "figure_to_data_uri", "check_target",
           "write_text_atomically", "FIGURE_FORMATS", "render_impact_report"]


def render_report(run, *, dpi: int = 144, figure_format: str = "png") -> str:
    """The report page for an open Run, StructureRun, TimeRun, Sweep or UncertaintyRun, as a
    string; figures embedded as PNG at `dpi` or, with figure_format="svg", as SVG."""
    with _figure_format(figure_format):
        if isinstance(run, UncertaintyRun):
            return render_uncertainty_report(run, dpi=dpi)
        if isinstance(run, Sweep):
            return render_sweep_report(run, dpi=dpi)
        if isinstance(run, TimeRun):
            return render_time_report(run, dpi=dpi)
        if isinstance(run, StructureRun):
            return render_structure_report(run, dpi=dpi)
        return render_run_report(run, dpi=dpi)


def write_report(run, path: str | os.PathLike, **kwargs) -> str:
    """Renders the report of `run` and writes it to `path` (see nines.report.output for the
    rule: written beside the target and renamed into place when complete; an existing regular
    file is replaced; a directory, FIFO, socket or device never is). Returns `path`."""
    source = getattr(run, "path", None)
    check_target(path, source)  # refuse before the rendering's work, not after
    return write_text_atomically(path, render_report(run, **kwargs), source=source)


def text_summary(run, full: bool = False) -> str:
    """A few lines for a terminal (for a sweep, `full` prints every point)."""
    if isinstance(run, UncertaintyRun):
        return uncertainty_text_summary(run)
    if isinstance(run, Sweep):
        return sweep_text_summary(run, full=full)
    if isinstance(run, TimeRun):
        return time_text_summary(run)
    if isinstance(run, StructureRun):
        return structure_text_summary(run)
    return run_text_summary(run)
