"""Files the engine wrote: the Python statistics reproduce its numbers to 1e-12 (relative), and
the lazy readers agree with each other across --record dense, failures and none."""
import json
import math
import subprocess
import time

import numpy as np
import pytest

import nines
from nines import analytic, engine

from conftest import DATA

REL = 1e-12
# The exact binomial tails come from Boost in both places, but from different versions: the
# engine's Debian Boost 1.74 and the newer copy inside SciPy agree to about 1e-11.
EXACT_TEST_REL = 1e-9


def close(a, b, rel=REL):
    if isinstance(a, float) and (math.isnan(a) or math.isinf(a)):
        return (math.isnan(a) and math.isnan(b)) or a == b
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


def assert_summaries_agree(stored, recomputed):
    for field in analytic.Summary.__dataclass_fields__:
        a, b = getattr(stored, field), getattr(recomputed, field)
        rel = EXACT_TEST_REL if field == "reliability_p_value" else REL
        assert close(a, b, rel), f"{field}: engine {a!r}, python {b!r}"


@pytest.mark.parametrize("record", ["dense", "failures", "none"])
def test_summary_reproduced_to_1e_12(engine_runs, record):
    with nines.open(engine_runs[record]) as run:
        assert run.metadata.record == record
        assert run.metadata.scenario_yaml == (DATA / "five-tier.yaml").read_text()
        assert_summaries_agree(run.summary, run.recompute_summary())
        c = run.components
        r = c["reliability"].to_numpy()
        q = analytic.first_failure_probability(r)
        assert all(close(x, y) for x, y in zip(c["first_failure_probability"], q))
        assert all(close(x, y) for x, y in
                   zip(c["expected_failures"], run.metadata.requests * q))
        assert close(run.summary.reliability_analytic, analytic.chain_reliability(r))
        assert close(run.summary.unreliability_analytic, analytic.chain_unreliability(r))
        # The database tier expects ~1.5 of the failures: the chi-square had to pool cells.
        assert run.summary.attribution_dof < len(c) - 1


def test_units_match_the_engines_json(nines_binary, tmp_path):
    done = subprocess.run([nines_binary, "run", str(DATA / "essay-eight.yaml"), "-n", "2e6",
                           "--seed", "99", "--record", "none", "-o", str(tmp_path / "e.h5"),
                           "--json", "--quiet"], capture_output=True, text=True, check=True)
    reported = json.loads(done.stdout)["summary"]
    with nines.open(tmp_path / "e.h5") as run:
        s = run.summary
        assert s.reliability_analytic == pytest.approx(0.99 ** 8, rel=1e-12)
        for unit in ("nines", "dpmo", "sigma"):
            for kind in ("empirical", "analytic"):
                key = f"{unit}_{kind}"
                assert close(getattr(s, key), reported[key]), key
        assert_summaries_agree(s, run.recompute_summary())


def test_record_modes_hold_the_same_run(engine_runs):
    with nines.open(engine_runs["dense"]) as dense, \
            nines.open(engine_runs["failures"]) as sparse, \
            nines.open(engine_runs["none"]) as none:
        assert dense.summary == sparse.summary == none.summary
        counts = dense.outcomes.value_counts()
        assert counts.loc[-1] == dense.summary.successes
        assert np.array_equal(counts.to_numpy()[1:], dense.components["failures"].to_numpy())
        requests, components = zip(*dense.iter_failures())
        requests, components = np.concatenate(requests), np.concatenate(components)
        assert np.array_equal(requests, sparse.failures.request[:])
        assert np.array_equal(components, sparse.failures.component[:])
        points = np.array([0, 1, 1000, 1 << 20, 3_000_001])
        assert np.array_equal(dense.running_failures(points), sparse.running_failures(points))


def test_many_components_use_wider_outcomes(nines_binary, tmp_path):
    lines = ["format_version: 1", "name: wide", "components:"]
    for k in range(200):
        lines.append(f"  - {{name: c{k}, reliability: 0.9999}}")
    scenario = tmp_path / "wide.yaml"
    scenario.write_text("\n".join(lines) + "\n")
    path = engine.run_scenario(scenario, tmp_path / "wide.h5", requests=200_000, seed=1,
                               record="dense", binary=nines_binary)
    with nines.open(path) as run:
        assert run.outcomes.dtype == np.int16
        counts = run.outcomes.value_counts()
        assert len(counts) == 201
        assert np.array_equal(counts.to_numpy()[1:], run.components["failures"].to_numpy())
        assert_summaries_agree(run.summary, run.recompute_summary())


def test_open_is_lazy_on_an_engine_file(engine_runs):
    start = time.perf_counter()
    with nines.open(engine_runs["dense"]) as run:
        assert run.summary.requests == 3_000_001
    assert time.perf_counter() - start < 0.5


def test_engine_errors_are_reported(nines_binary, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format_version: 1\nname: x\n")
    with pytest.raises(engine.EngineError, match="exited 2"):
        engine.run_scenario(bad, tmp_path / "x.h5", binary=nines_binary)
