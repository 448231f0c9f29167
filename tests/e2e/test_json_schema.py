"""One JSON schema for every command (README, "JSON output"; schemas/nines-json.schema.json):
every `--json` document of run (chains, structures, time runs), sweep (of each base format),
validate (good and bad files) and allocate validates against it, shares its top-level shape,
and says what the HDF5 file it wrote says."""
import json
import math

import h5py
import jsonschema
import numpy as np
import pytest

from conftest import ROOT

SCHEMA = json.loads((ROOT / "schemas/nines-json.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

RUNS = {  # format: (scenario, arguments)
    1: ("scenarios/seed-app.yaml", ("-n", "200k", "--seed", "3")),
    2: ("scenarios/zone-outage.yaml", ("-n", "200k", "--seed", "3", "--importance", "simulated")),
    3: ("scenarios/shop-slos.yaml", ("--histories", "20", "--seed", "3")),
}

SWEEPS = {  # base format: (base, the sweep's run and grid)
    1: ("scenarios/seed-app.yaml",
        "run: {requests: 20000, seed: 4}\ngrid:\n  components[api].reliability: [0.99, 0.999]\n"),
    2: ("scenarios/essay-app-redundant.yaml",
        "run: {requests: 20000, seed: 4}\ngrid:\n  components[api].replicas: [2, 3]\n"),
    3: ("scenarios/essay-app-over-a-year.yaml",
        "run: {seed: 4}\ngrid:\n  components[monitoring].every: [7d, 30d]\n"
        "zip:\n  time.histories: [10]\n"),
}


def check_schema(doc):
    errors = sorted(VALIDATOR.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def as_json(value):
    """An HDF5 cell as the JSON document holds it: NaN as None, flags as booleans."""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, (np.floating, float)):
        return None if not math.isfinite(value) else float(value)
    return value.item() if isinstance(value, np.generic) else value


def same(json_value, h5_value):
    expected = as_json(h5_value)
    if expected is None or json_value is None:
        return expected is None and json_value is None
    if isinstance(json_value, bool):
        return json_value == bool(expected)
    return json_value == expected  # exact: the JSON text reads back to the same double


@pytest.fixture(scope="module")
def runs(nines, tmp_path_factory):
    out = {}
    for fmt, (scenario, args) in RUNS.items():
        path = tmp_path_factory.mktemp("json") / f"run{fmt}.h5"
        proc = nines("run", ROOT / scenario, *args, "-o", path, "--json")
        out[fmt] = (json.loads(proc.stdout), path)
    return out


@pytest.fixture(scope="module")
def sweeps(nines, tmp_path_factory):
    out = {}
    for fmt, (base, body) in SWEEPS.items():
        folder = tmp_path_factory.mktemp("sweep")
        sweep = folder / f"s{fmt}.sweep.yaml"
        sweep.write_text(f"format_version: 1\nkind: sweep\nname: s{fmt}\nbase: {ROOT / base}\n"
                         + body)
        path = folder / f"s{fmt}.h5"
        proc = nines("sweep", sweep, "-o", path, "--json")
        out[fmt] = (json.loads(proc.stdout), path, sweep)
    return out


@pytest.mark.parametrize("fmt", sorted(RUNS))
def test_run_documents_validate(runs, fmt):
    doc, _ = runs[fmt]
    check_schema(doc)
    assert doc["command"] == "run" and doc["scenario"]["format"] == fmt


def test_run_documents_share_their_shape(runs):
    shapes = {fmt: list(doc) for fmt, (doc, _) in runs.items()}
    assert shapes[1] == shapes[2] == shapes[3] == [
        "schema_version", "command", "nines_version", "scenario", "output", "run", "components",
        "common_causes", "summary"]
    for doc, _ in runs.values():
        assert {"service", "agrees", "verdict"} <= set(doc["summary"])


@pytest.mark.parametrize("fmt", [1, 2])
def test_request_runs_say_what_their_file_says(runs, fmt):
    doc, path = runs[fmt]
    with h5py.File(path) as f:
        a = f.attrs
        assert doc["scenario"]["name"] == as_json(a["scenario_name"])
        assert doc["scenario"]["sha256"] == as_json(a["scenario_sha256"])
        assert doc["run"]["seed"] == a["seed"] and doc["run"]["requests"] == a["requests"]
        assert doc["run"]["sampler"] == as_json(a["sampler"])
        service = doc["summary"]["service"]
        for key in ("requests", "failures", "reliability_empirical", "reliability_analytic",
                    "unreliability_analytic", "reliability_ci_low", "reliability_ci_high",
                    "z_score", "reliability_p_value", "attribution_chi2", "attribution_p_value"):
            assert same(service[key], a[key]), key
        assert doc["summary"]["agrees"] == bool(a["agrees"])
        failures = f["components/failures" if fmt == 1 else "components/culprit_failures"][...]
        assert [c["failures"] for c in doc["components"]] == list(failures)
        names = [as_json(n) for n in f["components/name"][...]]
        assert [c["name"] for c in doc["components"]] == names


def test_time_run_says_what_its_file_says(runs):
    doc, path = runs[3]
    with h5py.File(path) as f:
        a = f.attrs
        assert doc["scenario"]["sha256"] == as_json(a["scenario_sha256"])
        assert doc["run"]["seed"] == a["seed"] and doc["run"]["histories"] == a["histories"]
        service = doc["summary"]["service"]
        assert service["requests"] == a["requests"] and service["failed"] == a["failed"]
        assert doc["summary"]["outages"] == a["outages"]
        assert doc["scenario"]["time"]["horizon_seconds"] == a["horizon_seconds"]
        slos = [as_json(n) for n in f["slos/objectives/name"][...]]
        assert [s["name"] for s in doc["summary"]["slos"]] == slos
        assert [s["share_met"] for s in doc["summary"]["slos"]] == list(
            f["slos/objectives/share_met"][...])


@pytest.mark.parametrize("fmt", sorted(SWEEPS))
def test_sweep_documents_validate_and_hold_the_points_table(sweeps, fmt):
    doc, path, sweep = sweeps[fmt]
    check_schema(doc)
    assert doc["command"] == "sweep"
    assert doc["scenario"]["base"]["format"] == fmt
    assert doc["scenario"]["path"] == str(sweep)
    with h5py.File(path) as f:
        assert doc["scenario"]["sha256"] == as_json(f.attrs["sweep_sha256"])
        points = f["points"]
        columns = as_json(points.attrs["columns"]).split(",")
        assert len(doc["points"]) == len(points["point"]) == f.attrs["points"]
        for i, row in enumerate(doc["points"]):
            assert list(row) == columns
            for column in columns:
                assert same(row[column], points[column][i]), (i, column)
    assert doc["summary"]["complete"] and doc["summary"]["points_done"] == len(doc["points"])
    assert doc["summary"]["agrees"] == all(p["agrees"] for p in doc["points"])


@pytest.mark.parametrize("path", ["scenarios/seed-app.yaml", "scenarios/zone-outage.yaml",
                                  "scenarios/shop-slos.yaml",
                                  "scenarios/essay-app-replicas.sweep.yaml"])
def test_validate_documents_a_good_file(nines, path):
    proc = nines("validate", ROOT / path, "--json")
    doc = json.loads(proc.stdout)
    check_schema(doc)
    assert doc["command"] == "validate" and doc["valid"] and doc["errors"] == []
    assert doc["scenario"]["path"] == str(ROOT / path)
    text = proc.stdout
    if "sweep" not in path:
        reliability = doc["summary"]["service"]["reliability_analytic"]
        human = nines("validate", ROOT / path).stdout
        assert f"analytic reliability {reliability:.10g}" in human, (human, text)


def test_validate_documents_a_bad_file_with_its_place_and_the_same_exit_code(nines, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format_version: 1\nname: bad\ncomponents:\n  - name: a\n    reliability: 1.5\n")
    plain = nines("validate", bad, check=False)
    proc = nines("validate", bad, "--json", check=False)
    assert proc.returncode == plain.returncode == 2
    doc = json.loads(proc.stdout)
    check_schema(doc)
    assert doc["valid"] is False and len(doc["errors"]) == 1
    error = doc["errors"][0]
    assert error["file"] == str(bad) and error["line"] == 5 and error["column"] > 0
    assert f"{bad}:{error['line']}:{error['column']}: {error['message']}" in plain.stderr
    assert proc.stderr == plain.stderr


def test_validate_documents_a_missing_file(nines, tmp_path):
    proc = nines("validate", tmp_path / "none.yaml", "--json", check=False)
    assert proc.returncode == 2
    doc = json.loads(proc.stdout)
    check_schema(doc)
    assert doc["errors"][0]["file"] == str(tmp_path / "none.yaml")


def test_allocate_document_validates_and_says_what_its_file_says(nines, tmp_path):
    out = tmp_path / "a.h5"
    doc = json.loads(nines("allocate", ROOT / "scenarios/checkout-teams.yaml", "--target",
                           "99.95%", "-o", out, "--json").stdout)
    check_schema(doc)
    assert doc["command"] == "allocate" and doc["output"] == str(out)
    with h5py.File(out) as f:
        assert [t["reliability"] for t in doc["components"]] == list(
            f["teams/today_reliability"][...])
        assert [m["cost"] for m in doc["summary"]["methods"]] == list(f["methods/cost"][...])


def test_the_schema_is_a_valid_draft_2020_12_schema_and_is_strict(runs):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    # Keys of the old shapes (before nines-json/1) are refused, so a moved key cannot slip in.
    chain, structure = runs[1][0], runs[2][0]
    for doc, change in ((chain, lambda d: d["summary"].update(requests=1)),
                        (structure, lambda d: d.update(mix=d["summary"]["service"])),
                        (structure, lambda d: d["components"][0].update(culprit_failures=1)),
                        (chain, lambda d: d.update(schema_version="nines-json/2"))):
        changed = json.loads(json.dumps(doc))
        change(changed)
        assert not VALIDATOR.is_valid(changed)
