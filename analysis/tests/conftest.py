"""Fixtures for the nines package tests.

Unit tests use synthetic run files (tests/synthetic.py) that follow HDF5 layout v1. Tests marked
by the `engine` fixtures run the real binary: it is found through NINES_BINARY or the
repository's build/nines; without one they skip, unless NINES_REQUIRE_BINARY=1 (CI sets it),
in which case they fail loudly.
"""
from __future__ import annotations

import os
import pathlib
import sys

import matplotlib

matplotlib.use("Agg")

HERE = pathlib.Path(__file__).resolve().parent
ANALYSIS = HERE.parent
sys.path.insert(0, str(ANALYSIS))  # the package from this tree, installed or not
sys.path.insert(0, str(HERE))

import pytest  # noqa: E402

import nines  # noqa: E402
from nines import engine  # noqa: E402

import synthetic  # noqa: E402

DATA = HERE / "data"


def pytest_report_header(config):
    binary = engine.find_binary(required=False) if not os.environ.get("NINES_BINARY") \
        else os.environ["NINES_BINARY"]
    return [f"nines package: {pathlib.Path(nines.__file__).parent}",
            f"nines binary: {binary or 'not found'}"]


@pytest.fixture(scope="session")
def nines_binary() -> str:
    try:
        binary = engine.find_binary(required=False)
    except engine.EngineError as error:  # NINES_BINARY set but wrong: always an error
        pytest.fail(str(error))
    if binary is None:
        message = ("no nines binary (set NINES_BINARY or build build/nines with scripts/build)")
        if os.environ.get("NINES_REQUIRE_BINARY") == "1":
            pytest.fail(message + "; NINES_REQUIRE_BINARY=1 requires it")
        pytest.skip(message)
    return binary


@pytest.fixture(scope="session")
def synthetic_dense(tmp_path_factory) -> pathlib.Path:
    path = tmp_path_factory.mktemp("synthetic") / "dense.h5"
    return synthetic.write_run(path, requests=2_500_000, seed=3)


@pytest.fixture(scope="session")
def synthetic_failures(tmp_path_factory) -> pathlib.Path:
    path = tmp_path_factory.mktemp("synthetic") / "failures.h5"
    return synthetic.write_run(path, requests=2_500_000, seed=3, record="failures")


@pytest.fixture(scope="session")
def synthetic_none(tmp_path_factory) -> pathlib.Path:
    path = tmp_path_factory.mktemp("synthetic") / "none.h5"
    return synthetic.write_run(path, requests=2_500_000, seed=3, record="none")


@pytest.fixture(scope="session")
def engine_runs(nines_binary, tmp_path_factory) -> dict[str, pathlib.Path]:
    """The same scenario, seed and request count in all three record modes. --sampler
    per-request makes the three hold the same outcomes (the default, auto, may draw only the
    gaps between failures when nothing is recorded per request: exact, but another stream)."""
    out = tmp_path_factory.mktemp("engine")
    runs = {}
    for record in ("dense", "failures", "none"):
        runs[record] = engine.run_scenario(DATA / "five-tier.yaml", out / f"{record}.h5",
                                           requests=3_000_001, seed=20240601, record=record,
                                           extra=["--sampler", "per-request"],
                                           binary=nines_binary)
    return runs


# The shipped structure (format 2) scenarios the v2 tests run.
STRUCTURE_SCENARIOS = ("essay-app-redundant", "ecommerce-mix", "zone-outage")
SCENARIOS = ANALYSIS.parent / "scenarios"


@pytest.fixture(scope="session")
def structure_runs(nines_binary, tmp_path_factory) -> dict[tuple[str, str], pathlib.Path]:
    """Each shipped v2 scenario, 1e6 requests, seed 3, in all three record modes:
    {(scenario, record): path}."""
    out = tmp_path_factory.mktemp("structure")
    runs = {}
    for name in STRUCTURE_SCENARIOS:
        for record in ("dense", "failures", "none"):
            runs[name, record] = engine.run_scenario(
                SCENARIOS / f"{name}.yaml", out / f"{name}-{record}.h5", requests=1_000_000,
                seed=3, record=record, binary=nines_binary,
                # Per request with the counterfactuals: every record mode draws the same requests,
                # and the simulated importance columns exist.
                extra=["--importance", "simulated", "--sampler", "per-request"])
    return runs
