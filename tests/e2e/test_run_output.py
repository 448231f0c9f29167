"""nines run writes HDF5 layout v1; read it back with h5py and check every promise."""
import json

import h5py
import numpy as np
import pytest

SEED_APP = "scenarios/seed-app.yaml"


def read_attrs(path):
    with h5py.File(path, "r") as f:
        return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}


@pytest.fixture(scope="module")
def dense_run(nines, root, tmp_path_factory):
    out = tmp_path_factory.mktemp("dense") / "a.h5"
    nines("run", root / SEED_APP, "-n", "1e6", "--seed", "7", "-o", out, "--quiet")
    return out


def test_root_attributes(dense_run, root):
    a = read_attrs(dense_run)
    assert a["format"] == "nines-run"
    assert int(a["format_version"]) == 1
    assert a["scenario_name"] == "seed-app"
    text = (root / SEED_APP).read_text()
    assert a["scenario_yaml"] == text
    import hashlib
    assert a["scenario_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert int(a["seed"]) == 7
    assert int(a["requests"]) == 1_000_000
    assert a["record"] == "dense"
    for key in ["nines_version", "created", "failures", "reliability_empirical",
                "reliability_analytic", "reliability_ci_low", "reliability_ci_high", "ci_level",
                "z_score", "attribution_chi2", "attribution_dof", "attribution_p_value"]:
        assert key in a, key


def test_counts_and_attribution_match_the_per_request_records(dense_run):
    with h5py.File(dense_run, "r") as f:
        outcomes = f["requests/failed_component"][...]
        failures = f["components/failures"][...]
        names = [n.decode() if isinstance(n, bytes) else n for n in f["components/name"][...]]
        assert outcomes.shape == (1_000_000,)
        assert outcomes.dtype.kind == "i"
        assert f["requests/failed_component"].compression == "gzip"
        assert failures.sum() == f.attrs["failures"]
        assert np.array_equal(np.bincount(outcomes[outcomes >= 0], minlength=len(names)), failures)
        assert (outcomes >= -1).all() and (outcomes < len(names)).all()
        reliability = f["components/reliability"][...]
        assert f.attrs["reliability_analytic"] == pytest.approx(np.prod(reliability), abs=1e-12)
        expected = f["components/expected_failures"][...]
        q = np.cumprod(np.concatenate([[1.0], reliability[:-1]])) * (1 - reliability)
        np.testing.assert_allclose(expected, 1_000_000 * q, rtol=1e-12)
        empirical = 1 - f.attrs["failures"] / 1_000_000
        assert f.attrs["reliability_empirical"] == pytest.approx(empirical, abs=1e-15)
        assert f.attrs["reliability_ci_low"] <= empirical <= f.attrs["reliability_ci_high"]
        assert abs(f.attrs["z_score"]) < 5


def test_threads_do_not_change_a_single_bit(nines, root, tmp_path):
    arrays = []
    for threads in (1, 2, 8):
        out = tmp_path / f"t{threads}.h5"
        nines("run", root / SEED_APP, "-n", "3000001", "--seed", "11", "--threads", threads,
              "-o", out, "--quiet")
        with h5py.File(out, "r") as f:
            arrays.append((f["requests/failed_component"][...], f["components/failures"][...]))
    for outcomes, failures in arrays[1:]:
        assert np.array_equal(outcomes, arrays[0][0])
        assert np.array_equal(failures, arrays[0][1])


def test_failures_and_none_modes_agree_with_dense(nines, root, tmp_path, dense_run):
    with h5py.File(dense_run, "r") as f:
        outcomes = f["requests/failed_component"][...]
        dense_failures = f["components/failures"][...]
    fail_path, none_path = tmp_path / "f.h5", tmp_path / "n.h5"
    # The per-request sampler draws the same number for each request in every record mode.
    nines("run", root / SEED_APP, "-n", "1e6", "--seed", "7", "-o", fail_path, "--record",
          "failures", "--sampler", "per-request", "--quiet")
    nines("run", root / SEED_APP, "-n", "1e6", "--seed", "7", "-o", none_path, "--record", "none",
          "--sampler", "per-request", "--quiet")
    with h5py.File(fail_path, "r") as f:
        assert "requests" not in f
        req = f["failures/request"][...]
        comp = f["failures/component"][...]
        assert np.all(np.diff(req.astype(np.int64)) > 0)
        expected_req = np.flatnonzero(outcomes >= 0)
        assert np.array_equal(req, expected_req)
        assert np.array_equal(comp, outcomes[expected_req])
        assert np.array_equal(f["components/failures"][...], dense_failures)
        assert f.attrs["record"] in ("failures", b"failures")
    with h5py.File(none_path, "r") as f:
        assert "requests" not in f and "failures" not in f
        assert np.array_equal(f["components/failures"][...], dense_failures)


def test_json_summary_matches_the_file(nines, root, tmp_path):
    out = tmp_path / "j.h5"
    proc = nines("run", root / SEED_APP, "-n", "200k", "--seed", "3", "-o", out, "--json")
    summary = json.loads(proc.stdout)["summary"]["service"]
    a = read_attrs(out)
    assert summary["failures"] == int(a["failures"])
    assert summary["reliability_analytic"] == pytest.approx(float(a["reliability_analytic"]),
                                                            rel=1e-15)
    assert summary["reliability_empirical"] == pytest.approx(float(a["reliability_empirical"]),
                                                             rel=1e-15)
    assert summary["z_score"] == pytest.approx(float(a["z_score"]), rel=1e-12)


def test_default_output_name_and_scenario_defaults(nines, root, tmp_path):
    proc = nines("run", root / SEED_APP, "-n", "1000", "--quiet", cwd=tmp_path)
    assert proc.returncode == 0
    a = read_attrs(tmp_path / "seed-app.h5")
    assert int(a["requests"]) == 1000
    # The scenario's own run.seed is the default.
    import re
    m = re.search(r"^\s*seed:\s*(\d+)", (root / SEED_APP).read_text(), re.M)
    assert m and int(a["seed"]) == int(m.group(1))


def test_skip_sampler_is_chosen_for_rare_failures_and_agrees(nines, root, tmp_path):
    fail_path, none_path = tmp_path / "f.h5", tmp_path / "n.h5"
    nines("run", root / SEED_APP, "-n", "2e7", "--seed", "5", "-o", fail_path, "--record",
          "failures", "--quiet")
    nines("run", root / SEED_APP, "-n", "2e7", "--seed", "5", "-o", none_path, "--record", "none",
          "--threads", "1", "--quiet")
    with h5py.File(fail_path, "r") as f, h5py.File(none_path, "r") as g:
        assert read_attrs(fail_path)["sampler"] == "geometric-skip"
        assert read_attrs(none_path)["sampler"] == "geometric-skip"
        # Same seed, same skip draws: the summary-only run counts exactly the recorded failures.
        assert np.array_equal(f["components/failures"][...], g["components/failures"][...])
        comp = f["failures/component"][...]
        assert np.array_equal(np.bincount(comp, minlength=8), f["components/failures"][...])
        req = f["failures/request"][...]
        assert np.all(np.diff(req.astype(np.int64)) > 0) and req[-1] < 20_000_000
        assert abs(f.attrs["z_score"]) < 5
        assert f.attrs["attribution_p_value"] > 1e-6


def test_skip_cannot_record_dense(nines, root, tmp_path):
    proc = nines("run", root / SEED_APP, "-n", "1000", "--sampler", "skip", "-o",
                 tmp_path / "x.h5", check=False)
    assert proc.returncode == 2
    assert "--sampler skip" in proc.stderr
