"""The importance measures a structure run stores: the one list the reader, the report and the
plots take names, labels and units from (engine: importance.hpp, structure_writer.cpp).

For every component the engine writes each measure analytically (/importance/components/NAME)
and, from counterfactual counts on the same random numbers, simulated with an interval
(NAME_simulated, NAME_simulated_low, NAME_simulated_high); for every common-cause event it
writes the analytic value only (/importance/common_cause/NAME).
"""
from __future__ import annotations

import dataclasses

__all__ = ["ImportanceMeasure", "IMPORTANCE_MEASURES", "MEASURES", "RANKING_MEASURE",
           "SIMULATED_SUFFIXES", "measure"]


@dataclasses.dataclass(frozen=True)
class ImportanceMeasure:
    name: str                 # the dataset's name in /importance/*/
    label: str                # how tables and charts head it
    meaning: str              # one line for people
    unit: str                 # "dpmo" (a probability shown per million requests), "share"
                              # (a probability shown as is) or "factor" (a ratio, >= 1)
    simulated: bool = True    # components also have NAME_simulated with _low/_high
    ranked: bool = True       # a column of the report's "what to fix first" table

    def columns(self) -> tuple[str, ...]:
        """The component columns this measure gives run.importance."""
        if not self.simulated:
            return (self.name,)
        return (self.name, *(self.name + suffix for suffix in SIMULATED_SUFFIXES))


SIMULATED_SUFFIXES = ("_simulated", "_simulated_low", "_simulated_high")

# In the order the report's ranking shows them; the ranking itself is by RANKING_MEASURE.
MEASURES = (
    ImportanceMeasure("improvement_potential", "improvement potential",
                      "the reliability gained if the element never failed", "dpmo"),
    ImportanceMeasure("birnbaum", "Birnbaum",
                      "the probability that the element is critical (its state decides the "
                      "request)", "share"),
    ImportanceMeasure("criticality", "criticality",
                      "Birnbaum times the element's unreliability over the service's", "share"),
    ImportanceMeasure("fussell_vesely", "Fussell–Vesely",
                      "the share of the service's unreliability that goes away if the element "
                      "is perfect", "share"),
    ImportanceMeasure("raw", "RAW",
                      "risk achievement worth: how many times more often the service fails if "
                      "the element always fails", "factor"),
    ImportanceMeasure("rrw", "RRW",
                      "risk reduction worth: how many times less often the service fails if "
                      "the element never does", "factor"),
    ImportanceMeasure("unreliability_if_perfect", "U if perfect",
                      "the service's unreliability with the element perfect", "dpmo",
                      ranked=False),
    ImportanceMeasure("unreliability_if_failed", "U if failed",
                      "the service's unreliability with the element always failed", "dpmo",
                      ranked=False),
)

# The names alone, as nines 0.2 exported them (nines.structure.IMPORTANCE_MEASURES).
IMPORTANCE_MEASURES = tuple(m.name for m in MEASURES)

# The engine ranks by it (the /importance group's "ranking" attribute says so).
RANKING_MEASURE = "improvement_potential"


def measure(name: str) -> ImportanceMeasure:
    for m in MEASURES:
        if m.name == name:
            return m
    raise KeyError(f"no importance measure {name!r} (measures: "
                   f"{', '.join(IMPORTANCE_MEASURES)})")
