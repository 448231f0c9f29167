"""Statistics: the engine's formulas on plain numbers (no files, no pictures).

    special     the normal quantile and the regularised upper incomplete gamma function (SciPy)
    analytic    the chain model, intervals and tests, the units people quote, a run's summary
    structure   the verdict of a structure run over its kinds and the mix (Bonferroni)
    sweep       the closing check over the points of a sweep
    alerting    alert rules on slice counts: window sums, error ratios, where a rule fires
    slos        SLOs' windows: met or not, the share of the error budget consumed
    uncertainty the summary of an uncertainty analysis from its draws

The readers use these to fill in what older files lack and to recompute a file's numbers; the
report and the plots use them to draw intervals.
"""
from . import alerting, analytic, slos, special, structure, sweep, uncertainty

__all__ = ["alerting", "analytic", "slos", "special", "structure", "sweep",
           "uncertainty"]
