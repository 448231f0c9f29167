"""nines: read, check and present the files of the nines Monte Carlo engine.

    import nines
    with nines.open("seed-app.h5") as run:
        print(run.summary.reliability_empirical, run.summary.verdict)
        run.components                  # pandas DataFrame, one row per component
        run.outcomes.value_counts()     # dense runs: chunk by chunk, bounded memory
        nines.plots.pareto(run)         # a matplotlib Figure
        nines.impact_table(run)         # service impact per component, most important first

The package is laid out by stage; each depends only on the ones above it
(tests/test_layering.py checks it):

    errors, version, formatting, engine   base: no other part of the package
    stats/      the engine's formulas on plain numbers (special, analytic, structure, sweep)
    readers/    the only code that knows file layouts: open(), Run, StructureRun, TimeRun,
                Sweep, UncertaintyRun
    plots/      matplotlib Figures of runs and sweeps
    report/     the HTML page and the text summary (python3 -m nines report | summary)

`nines.plots` and `nines.report` are imported on first use, so that `import nines` does not
load matplotlib.
"""
from __future__ import annotations

import importlib

from . import engine
from .errors import DamagedFileError, FormatError, NinesError, OutputError, RecordError
from .readers import (IMPORTANCE_MEASURES, MEASURES, READERS, RUN_FORMAT, RUN_FORMAT_VERSION,
                      STRUCTURE_FORMAT_VERSION, SWEEP_FORMAT, SWEEP_FORMAT_VERSION, Failures,
                      ImportanceMeasure, Metadata, Outcomes, Requests, Run, RunSummary,
                      StructureFailures, StructureRun, StructureSummary, Sweep, SweepFailures,
                      SweepMetadata, SweepPoint, TIME_FORMAT_VERSION, Records, TimeMetadata,
                      TimeRun, UNCERTAINTY_FORMAT, UNCERTAINTY_FORMAT_VERSION,
                      UncertaintyMetadata, UncertaintyRun, check_file, open, text, Allocation,
                      open_allocation, impact_table)
from .stats import analytic, special
from .stats.sweep import SweepAgreement
from .version import __version__

__all__ = ["open", "check_file", "Run", "Metadata", "RunSummary", "Outcomes", "Failures",
           "StructureRun", "StructureSummary", "Requests", "StructureFailures", "Sweep",
           "SweepMetadata", "SweepPoint", "SweepFailures", "SweepAgreement", "analytic",
           "NinesError", "FormatError", "DamagedFileError", "RecordError", "OutputError",
           "READERS", "IMPORTANCE_MEASURES", "MEASURES", "ImportanceMeasure", "plots",
           "report", "engine", "special", "text", "RUN_FORMAT", "RUN_FORMAT_VERSION",
           "STRUCTURE_FORMAT_VERSION", "SWEEP_FORMAT", "SWEEP_FORMAT_VERSION", "TimeRun",
           "TimeMetadata", "Records", "TIME_FORMAT_VERSION", "UncertaintyRun",
           "UncertaintyMetadata", "UNCERTAINTY_FORMAT", "UNCERTAINTY_FORMAT_VERSION",
           "Allocation", "open_allocation", "impact_table", "__version__"]

_ON_FIRST_USE = ("plots", "report")


def __getattr__(name: str):
    """nines.plots and nines.report, imported when first asked for."""
    if name in _ON_FIRST_USE:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_ON_FIRST_USE))
