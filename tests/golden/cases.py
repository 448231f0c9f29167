"""The golden cases: every nines command whose output tests/golden pins.

This table is the only list of cases. To add one, append a Case below, run
`golden.py --regenerate NAME` with the binary whose output should be pinned, and log it in
CHANGES.md. A case's name is also the name of its golden file, NAME.json.

Arguments may use two placeholders, filled in when the case runs:
  {inputs}  tests/golden/inputs, frozen copies of the 0.2.0 example files (README.md says why)
  {output}  the HDF5 file to write, in a fresh temporary directory
"""
from dataclasses import dataclass
from typing import Tuple


@dataclass(frozen=True)
class Case:
    name: str
    args: Tuple[str, ...]
    # Worker threads; results do not depend on it, so golden.py --threads may override it.
    threads: int = 2
    # Whether stdout is the run's --json summary (pinned) or nothing (sweeps run with -q).
    json_summary: bool = True


# Three chunks of 2^20 requests and a ragged fourth, so chunk boundaries and the merge of a
# partial chunk are both pinned.
RUN = ("-n", "3000001", "--seed", "2026", "--json", "-o", "{output}")
SWEEP = ("-q", "-o", "{output}")

CHAIN_SCENARIOS = ("seed-app", "three-tier-web", "six-sigma-parts")
STRUCTURE_SCENARIOS = ("essay-app-redundant", "ecommerce-mix", "zone-outage")

# Format 1: every record mode with every sampler it accepts (dense draws every request, so
# it takes per-request only, which auto picks).
CHAIN_MODES = (
    ("dense", ("--record", "dense")),
    ("failures.per-request", ("--record", "failures", "--sampler", "per-request")),
    ("failures.skip", ("--record", "failures", "--sampler", "skip")),
    ("failures.auto", ("--record", "failures", "--sampler", "auto")),
    ("none.per-request", ("--record", "none", "--sampler", "per-request")),
    ("none.skip", ("--record", "none", "--sampler", "skip")),
    ("none.auto", ("--record", "none", "--sampler", "auto")),
)
# Format 2: 0.2.0 had one kernel, per request with simulated importance, which these flags
# select (the per-request outcomes must stay 0.2.0's) ...
STRUCTURE_MODES = (
    ("dense", ("--record", "dense", "--importance", "simulated", "--sampler", "per-request")),
    ("failures", ("--record", "failures", "--importance", "simulated", "--sampler", "per-request")),
    ("none", ("--record", "none", "--importance", "simulated", "--sampler", "per-request")),
)
# ... and the defaults since: exact importance (no counterfactuals), and the skip over all-clear
# requests where auto picks it.
STRUCTURE_DEFAULT_MODES = (
    ("dense.exact", ("--record", "dense")),
    ("failures.auto", ("--record", "failures")),
    ("failures.skip", ("--record", "failures", "--sampler", "skip")),
    ("none.auto", ("--record", "none")),
    ("none.skip", ("--record", "none", "--sampler", "skip")),
)
# A structure that is a chain (the seed app written in format 2) runs on the chain kernels.
CHAIN_SHAPED_STRUCTURES = ("seed-app-structure",)


def _run_cases():
    for scenario, modes in [(s, CHAIN_MODES) for s in CHAIN_SCENARIOS] + [
            (s, STRUCTURE_MODES + STRUCTURE_DEFAULT_MODES) for s in STRUCTURE_SCENARIOS] + [
            (s, STRUCTURE_DEFAULT_MODES) for s in CHAIN_SHAPED_STRUCTURES]:
        for mode, flags in modes:
            yield Case(f"{scenario}.{mode}", ("run", f"{{inputs}}/{scenario}.yaml", *flags, *RUN))


# Format 3 (outages over time): 300 histories in 5 chunks of 64 and a ragged sixth, so chunk
# boundaries are pinned; every record mode; the steady starts of the quorum include its warm-up.
TIME_RUN = ("--histories", "300", "--seed", "2026", "--json", "-o", "{output}")
TIME_SCENARIOS = ("essay-app-over-a-year", "essay-app-over-a-year-perfect-monitoring",
                  "database-quorum-one-crew", "zone-outages-over-time", "shop-daily-traffic")
TIME_MODES = (("outages", ("--record", "outages")), ("none", ("--record", "none")))


def _time_cases():
    for scenario in TIME_SCENARIOS:
        for mode, flags in TIME_MODES:
            yield Case(f"{scenario}.{mode}", ("run", f"{{inputs}}/{scenario}.yaml", *flags,
                                              *TIME_RUN))
    # Every failed request of an outage, at a traffic low enough to list them.
    yield Case("time-requests.requests", ("run", "{inputs}/time-requests.yaml", "--record",
                                          "requests", *TIME_RUN))
    # Alert policies: every firing and the slice series around the first ones (/alerting);
    # 100 histories, because the naive rule is decided slice by slice at night.
    yield Case("essay-app-alerting.outages",
               ("run", "{inputs}/essay-app-alerting.yaml", "--record", "outages", "--histories",
                "100", "--seed", "2026", "--json", "-o", "{output}"))
    # SLOs as objects: every window of each (/slos), by occurrences and by timeslices.
    yield Case("shop-slos.outages", ("run", "{inputs}/shop-slos.yaml", "--record", "outages",
                                     *TIME_RUN))


CASES = (
    *_run_cases(),
    *_time_cases(),
    # The shipped sweep: 27 points of 2M requests, auto sampler (geometric skip).
    Case("sweep.seed-app-upgrades", ("sweep", "{inputs}/seed-app-upgrades.sweep.yaml", *SWEEP),
         json_summary=False),
    # The same sweep storing every point's failed requests, sampled again per request.
    Case("sweep.seed-app-upgrades.record-requests",
         ("sweep", "{inputs}/seed-app-upgrades.sweep.yaml", "--record-requests", *SWEEP),
         json_summary=False),
    # A sweep of a structure (format 2) base: API replicas, required and reliability.
    Case("sweep.essay-app-replicas", ("sweep", "{inputs}/essay-app-replicas.sweep.yaml", *SWEEP),
         json_summary=False),
    # A sweep of a time (format 3) base: monitoring's mean time to failure and the database's
    # detection delay, 300 histories a point (sweep layout 3).
    Case("sweep.essay-app-over-a-year-monitoring",
         ("sweep", "{inputs}/essay-app-over-a-year-monitoring.sweep.yaml", *SWEEP),
         json_summary=False),
    # Grid, zip, replications and a seed of 2^64 - 1 in one small sweep, drawn per request.
    Case("sweep.small.per-request",
         ("sweep", "{inputs}/small.sweep.yaml", "--sampler", "per-request", *SWEEP),
         json_summary=False),
)


def by_name():
    return {case.name: case for case in CASES}
