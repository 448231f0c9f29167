"""nines uncertainty end to end: the shipped scenarios with uncertain inputs, read back from
HDF5 and checked against a second computation (the draws recomputed into the summary, the
point value against `nines run`'s exact value), identical files for any thread count, the
JSON document against the schema, and bad input refused with exit code 2 and no file."""
import json
import math

import h5py
import jsonschema
import numpy as np
import pytest

from conftest import contents

EVIDENCE = "scenarios/checkout-evidence.yaml"
INCIDENTS = "scenarios/outages-from-incident-log.yaml"


@pytest.fixture(scope="module")
def evidence(nines, root, tmp_path_factory):
    out = tmp_path_factory.mktemp("unc") / "e.h5"
    proc = nines("uncertainty", root / EVIDENCE, "--target", "99.98%", "--draws", "4000",
                 "-o", out, "--json")
    return json.loads(proc.stdout), out


def test_the_file_holds_the_draws_and_their_summary(evidence):
    doc, path = evidence
    with h5py.File(path) as f:
        assert f.attrs["format"] == "nines-uncertainty" and f.attrs["format_version"] == 1
        assert f.attrs["measure"] == "reliability" and f.attrs["draws"] == 4000
        value = f["draws/value"][...]
        shortfall = f["draws/shortfall"][...]
        s = f["summary"].attrs
        # A second computation of every summary figure from the draws.
        assert np.allclose(1 - value, shortfall, rtol=0, atol=1e-15)
        assert s["mean_shortfall"] == pytest.approx(shortfall.mean(), rel=1e-12)
        assert s["sd"] == pytest.approx(shortfall.std(ddof=1), rel=1e-9)
        for name, p in (("p05", 0.95), ("p50", 0.5), ("p95", 0.05)):
            assert s[name] == pytest.approx(1 - np.quantile(shortfall, p), abs=1e-15)
        meets = int((value >= 0.9998).sum())
        assert s["meets"] == meets and s["meet_probability"] == meets / 4000
        names = [n.decode() for n in f["factors/name"][...]]
        assert names == ["api", "payments", "database", "cache-pods"]
        assert f["factors/members"][3].decode() == "cache,cache-b"
        assert f["draws/factor_value"].shape == (4000, 4)
        total = f["factors/total"][...]
        assert np.all(np.isfinite(total)) and np.argmax(total) == 2  # the database's quote
    assert doc["summary"]["meets"] == meets


def test_the_point_value_is_what_nines_run_uses(nines, root, evidence, tmp_path):
    _, path = evidence
    run = json.loads(nines("run", root / EVIDENCE, "-n", "100k", "--record", "none", "-o",
                           tmp_path / "r.h5", "--json").stdout)
    assert run["run"]["uncertain_inputs"] == ["api", "payments", "database", "cache", "cache-b"]
    with h5py.File(path) as f:
        assert f.attrs["point_shortfall"] == pytest.approx(
            run["summary"]["service"]["unreliability_analytic"], rel=1e-12)


def test_files_are_identical_for_one_and_two_threads(nines, root, tmp_path):
    files = []
    for threads in (1, 2):
        out = tmp_path / f"t{threads}.h5"
        nines("uncertainty", root / EVIDENCE, "--draws", "3000", "--threads", threads, "-o", out)
        files.append(contents(out))
    assert files[0].keys() == files[1].keys()
    assert "draws/factor_value" in files[0]
    for key in files[0]:
        a, b = np.asarray(files[0][key]), np.asarray(files[1][key])
        numeric = a.dtype.kind == "f"
        assert np.array_equal(a, b, equal_nan=numeric) if numeric else (a == b).all(), key


def test_format_3_propagates_outage_rates_to_the_availability(nines, root, tmp_path):
    out = tmp_path / "o.h5"
    doc = json.loads(nines("uncertainty", root / INCIDENTS, "--draws", "2000", "--target",
                           "99.95%", "-o", out, "--json").stdout)
    assert doc["summary"]["measure"] == "availability"
    run = json.loads(nines("run", root / INCIDENTS, "--histories", "200", "-o",
                           tmp_path / "r.h5", "--json").stdout)
    with h5py.File(out) as f:
        assert list(f["factors/quantity"].asstr()[...]) == ["outage_rate"] * 4
        # The Gamma posterior of "3 outages over 365 days" (Jeffreys): shape 3.5, rate 1/365 d.
        assert f["factors/a"][1] == 3.5 and f["factors/b"][1] == 365 * 86400
    with h5py.File(tmp_path / "r.h5") as f:
        point = 1 - doc["summary"]["point_shortfall"]
        weights = np.array([4, 1]) / 5
        assert point == pytest.approx(float(weights @ f["kinds/availability_exact"][...]),
                                      rel=1e-12)


def test_the_json_document_validates(root, evidence):
    doc, path = evidence
    schema = json.loads((root / "schemas/nines-json.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["command"] == "uncertainty" and doc["output"] == str(path)
    assert [f["name"] for f in doc["factors"]] == ["api", "payments", "database", "cache-pods"]


@pytest.mark.parametrize("args,message", [
    (["scenarios/seed-app.yaml"], "a chain (format 1) has point values only"),
    (["scenarios/ecommerce-mix.yaml"], "no input is uncertain"),
    ([EVIDENCE, "--draws", "1"], "--draws"),
    ([EVIDENCE, "--target", "120%"], "invalid --target"),
])
def test_bad_input_is_refused_with_exit_code_2_and_no_file(nines, root, tmp_path, args, message):
    out = tmp_path / "x.h5"
    first = root / args[0]
    proc = nines("uncertainty", first, *args[1:], "-o", out, check=False)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert not out.exists()


def test_a_model_without_a_closed_form_is_refused(nines, root, tmp_path):
    bad = tmp_path / "waits.yaml"
    bad.write_text(
        "format_version: 3\nname: waits\ntime: {horizon: 30d, histories: 10}\ncomponents:\n"
        "  - name: db\n    reliability: 1\n"
        "    outages: {every: {observed: {outages: 2, over: 365d}}, repair: 1h}\n"
        "    detection: {delay: 5m, needs: [probe]}\n"
        "  - name: probe\n    reliability: 1\n    outages: {every: 30d, repair: 1h}\n"
        "request_kinds:\n  - {name: r, path: db}\n")
    proc = nines("uncertainty", bad, "-o", tmp_path / "w.h5", check=False)
    assert proc.returncode == 2
    assert "has none" in proc.stderr and not (tmp_path / "w.h5").exists()


def test_an_existing_output_is_kept_without_force(nines, root, tmp_path):
    out = tmp_path / "keep.h5"
    out.write_text("mine")
    proc = nines("uncertainty", root / EVIDENCE, "--draws", "100", "-o", out, check=False)
    assert proc.returncode == 2 and out.read_text() == "mine"
