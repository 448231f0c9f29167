"""Structure scenarios (format 2): nines run writes HDF5 layout 2; read it back with h5py and check
every promise: agreement with the exact values, attribution records, importance, thread
independence, record modes, and exit code 2 with a line for invalid structures."""
import json

import h5py
import numpy as np
import pytest

SCENARIOS = ["scenarios/essay-app-redundant.yaml", "scenarios/ecommerce-mix.yaml",
             "scenarios/zone-outage.yaml"]


def names(ds):
    return [n.decode() if isinstance(n, bytes) else n for n in ds[...]]


@pytest.fixture(scope="module", params=SCENARIOS)
def dense_run(request, nines, root, tmp_path_factory):
    out = tmp_path_factory.mktemp("structure") / "run.h5"
    proc = nines("run", root / request.param, "-n", "2e6", "--seed", "5", "-o", out, "--json",
                 "--importance", "simulated")
    return out, json.loads(proc.stdout)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_kind_and_the_mix_agree_at_ten_million(nines, root, tmp_path, scenario):
    proc = nines("run", root / scenario, "-n", "1e7", "--record", "none", "-o",
                 tmp_path / "a.h5", "--json")
    report = json.loads(proc.stdout)
    for kind in report["summary"]["kinds"] + [report["summary"]["service"]]:
        assert abs(kind["z_score"]) < 5, kind
        assert kind["reliability_ci_low"] <= kind["reliability_empirical"] <= kind[
            "reliability_ci_high"]
    assert report["summary"]["agrees"], report["summary"]["verdict"]


def test_root_and_kind_tables(dense_run, root):
    path, report = dense_run
    with h5py.File(path, "r") as f:
        a = f.attrs
        assert a["format"] in ("nines-run", b"nines-run")
        assert int(a["format_version"]) == 2
        assert int(a["requests"]) == 2_000_000
        kinds = f["kinds"]
        n = kinds["requests"][...]
        fails = kinds["failures"][...]
        assert n.sum() == 2_000_000
        assert fails.sum() == a["failures"]
        w = kinds["weight"][...]
        mix = (w * kinds["unreliability_analytic"][...]).sum() / w.sum()
        assert a["unreliability_analytic"] == pytest.approx(mix, rel=1e-12)
        # The kind shares follow the weights.
        share = w / w.sum()
        assert np.all(np.abs(n / n.sum() - share) < 5 * np.sqrt(share * (1 - share) / n.sum()) + 1e-12)
        assert np.all(np.abs(kinds["z_score"][...]) < 5)
        assert kinds["attempts"][...].sum() >= n.sum()
        culprit = kinds["culprit_failures"][...]  # kinds x components
        rows, cols = culprit.shape
        assert kinds["culprit_failures"].dims[1][0].name == "/kinds/component"
        assert np.array_equal(culprit.sum(axis=1), fails)
        assert np.array_equal(culprit.sum(axis=0), f["components/culprit_failures"][...])
        p = kinds["culprit_probability"][...].reshape(rows, cols)
        np.testing.assert_allclose(p.sum(axis=1), kinds["unreliability_analytic"][...], rtol=1e-9)


def test_per_request_records_match_the_tables(dense_run):
    path, _ = dense_run
    with h5py.File(path, "r") as f:
        kind = f["requests/kind"][...]
        attempts = f["requests/attempts"][...]
        culprit = f["requests/culprit"][...]
        cause = f["requests/common_cause"][...]
        ncomp = len(names(f["components/name"]))
        assert kind.shape == attempts.shape == culprit.shape == cause.shape == (2_000_000,)
        assert np.array_equal(np.bincount(kind, minlength=len(f["kinds/name"])), f["kinds/requests"][...])
        failed = culprit >= 0
        assert failed.sum() == f.attrs["failures"]
        assert np.array_equal(np.bincount(culprit[failed], minlength=ncomp),
                              f["components/culprit_failures"][...])
        assert np.array_equal(np.bincount(kind, weights=attempts).astype(np.uint64),
                              f["kinds/attempts"][...])
        # Only failed requests carry a common cause; retries never exceed the kind's budget.
        assert np.all(cause[~failed] == -1)
        retries = f["kinds/retries"][...]
        assert np.all(attempts >= 1) and np.all(attempts <= retries[kind] + 1)
        assert np.all(attempts[failed] == retries[kind[failed]] + 1)
        # A dense file's /failures holds what /requests cannot say (format minor version 2):
        # per failed request, in order, the events that fired and the failed set.
        assert f.attrs["format_minor_version"] == 2
        stored = set(f["failures"])
        assert {"common_causes", "failed_set", "failed_set_size"} <= stored
        assert not {"request", "kind", "attempts", "culprit", "common_cause"} & stored
        assert len(f["failures/common_causes"]) == failed.sum()
        sizes = f["failures/failed_set_size"][...]
        assert len(sizes) == failed.sum()
        sets = np.split(f["failures/failed_set"][...], np.cumsum(sizes)[:-1]) if len(sizes) else []
        assert sizes.sum() == len(f["failures/failed_set"])
        for c, s in zip(culprit[failed][:2000], sets[:2000]):
            assert c in s  # the primary culprit is one of the failed components
        # The first event that fired is one of those that fired.
        causes = f["failures/common_causes"][...]
        first = cause[failed]
        fired = first >= 0
        assert np.all((causes[fired] >> first[fired].astype(np.uint64)) & np.uint64(1) == 1)
        assert np.all(causes[~fired] == 0)


def test_importance_is_stored_and_consistent(dense_run):
    path, report = dense_run
    with h5py.File(path, "r") as f:
        imp = f["importance/components"]
        u = f.attrs["unreliability_analytic"]
        perfect = imp["unreliability_if_perfect"][...]
        failed = imp["unreliability_if_failed"][...]
        np.testing.assert_allclose(imp["improvement_potential"][...], np.maximum(0, u - perfect),
                                   atol=1e-15)
        np.testing.assert_allclose(imp["birnbaum"][...], np.maximum(0, failed - perfect), atol=1e-15)
        assert np.all(perfect <= u + 1e-15) and np.all(failed >= u - 1e-15)
        # Simulated counterfactuals: nested request by request, and near the exact values.
        fp, ff = imp["fail_if_perfect"][...], imp["fail_if_failed"][...]
        assert np.all(fp <= f.attrs["failures"]) and np.all(ff >= f.attrs["failures"])
        n = f.attrs["requests"]
        for name in ["unreliability_if_perfect", "unreliability_if_failed"]:
            est, exact = imp[name + "_simulated"][...], imp[name][...]
            sd = np.sqrt(np.maximum(exact * (1 - exact), 1e-300) / n)
            assert np.all(np.abs(est - exact) <= 6 * sd + 1e-12), name
        assert "common_cause" in f["importance"]
    ranking = report["summary"]["ranking"]
    ip = {c["name"]: c["importance"]["improvement_potential"] for c in report["components"]}
    assert [ip[n] for n in ranking] == sorted(ip.values(), reverse=True)


@pytest.mark.parametrize("flags,sampler,kernel", [
    ((), "geometric-skip", "structure"),
    (("--sampler", "per-request"), "per-request", "structure"),
    (("--importance", "simulated"), "per-request", "structure"),
])
def test_samplers_kernels_and_importance_modes(nines, root, tmp_path, flags, sampler, kernel):
    out = tmp_path / "a.h5"
    proc = nines("run", root / "scenarios/ecommerce-mix.yaml", "-n", "3e6", "--record",
                 "failures", *flags, "-o", out, "--json")
    report = json.loads(proc.stdout)
    assert abs(report["summary"]["service"]["z_score"]) < 5
    with h5py.File(out, "r") as f:
        assert f.attrs["sampler"] == sampler and f.attrs["kernel"] == kernel
        simulated = "--importance" in flags
        assert f.attrs["importance"] == ("simulated" if simulated else "exact")
        assert ("birnbaum_simulated" in f["importance/components"]) == simulated
        assert ("importance_simulated" in report["components"][0]) == simulated
        assert len(f["failures/request"]) == f.attrs["failures"]


def test_a_chain_shaped_structure_runs_on_the_chain_kernels(nines, root, tmp_path):
    """The seed app written in format 2 is a chain: same reliability, same attribution."""
    structure = tmp_path / "seed.yaml"
    structure.write_text(
        "format_version: 2\nname: seed\ncomponents:\n"
        "  - {name: a, reliability: 0.995}\n  - {name: b, reliability: 0.9999}\n"
        "  - {name: c, reliability: 0.999}\n")
    for record in ("dense", "failures", "none"):
        out = tmp_path / f"{record}.h5"
        report = json.loads(nines("run", structure, "-n", "2e6", "--record", record, "-o", out,
                                  "--json").stdout)
        assert abs(report["summary"]["service"]["z_score"]) < 5
        with h5py.File(out, "r") as f:
            assert f.attrs["kernel"] == "chain"
            if record == "dense":
                culprit = f["requests/culprit"][...]
                assert (f["requests/kind"][...] == 0).all()
                assert (f["requests/attempts"][...] == 1).all()
                assert (f["requests/common_cause"][...] == -1).all()
                assert len(f["failures/failed_set_size"]) == np.count_nonzero(culprit >= 0)
            if record == "failures":
                assert len(f["failures/request"]) == f.attrs["failures"]


def test_structure_flag_errors(nines, root, tmp_path):
    out = tmp_path / "a.h5"
    for args, message in [
        (("scenarios/seed-app.yaml", "--importance", "simulated"),
         "--importance applies to structures"),
        (("scenarios/ecommerce-mix.yaml", "--sampler", "skip"),
         "--sampler skip cannot record every request"),
        (("scenarios/ecommerce-mix.yaml", "--sampler", "skip", "--importance", "simulated",
          "--record", "none"), "simulated importance"),
    ]:
        proc = nines("run", root / args[0], *args[1:], "-o", out, check=False)
        assert proc.returncode == 2, proc.stderr
        assert message in proc.stderr
        assert not out.exists()


def test_threads_do_not_change_a_single_bit(nines, root, tmp_path):
    outputs = []
    for threads in (1, 2):
        out = tmp_path / f"t{threads}.h5"
        nines("run", root / "scenarios/ecommerce-mix.yaml", "-n", "2500001", "--seed", "3",
              "--threads", threads, "-o", out, "--quiet")
        with h5py.File(out, "r") as f:
            data = {}
            f.visititems(lambda name, obj: data.__setitem__(name, obj[...])
                         if isinstance(obj, h5py.Dataset) else None)
            outputs.append(data)
    assert outputs[0].keys() == outputs[1].keys()
    for key in outputs[0]:
        a, b = outputs[0][key], outputs[1][key]
        if a.dtype.kind == "f":
            assert np.array_equal(a, b, equal_nan=True), key
        else:
            assert np.array_equal(a, b), key


def test_record_modes_agree(nines, root, tmp_path):
    scenario = root / "scenarios/zone-outage.yaml"
    tables = {}
    for mode in ("dense", "failures", "none"):
        out = tmp_path / f"{mode}.h5"
        # Per request, so that every record mode draws the same requests.
        nines("run", scenario, "-n", "1e6", "--seed", "9", "--record", mode, "-o", out, "--quiet",
              "--sampler", "per-request", "--importance", "simulated")
        with h5py.File(out, "r") as f:
            # The failed requests: stored in failures mode, where the culprit is set in dense.
            failed = (np.flatnonzero(f["requests/culprit"][...] >= 0) if mode == "dense" else
                      f["failures/request"][...] if mode == "failures" else None)
            sets = (f["failures/failed_set"][...], f["failures/failed_set_size"][...],
                    f["failures/common_causes"][...]) if mode != "none" else None
            tables[mode] = (f["kinds/failures"][...], f["components/culprit_failures"][...],
                            f["importance/components/fail_if_failed"][...], failed, sets)
            assert ("requests" in f) == (mode == "dense")
    for mode in ("failures", "none"):
        for a, b in zip(tables["dense"][:3], tables[mode][:3]):
            assert np.array_equal(a, b)
    assert np.array_equal(tables["dense"][3], tables["failures"][3])
    for a, b in zip(tables["dense"][4], tables["failures"][4]):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("name,line", [("unknown-component", 11), ("k-larger-than-n", 11),
                                       ("empty-series", 8), ("block-cycle", 10),
                                       ("weights-sum-zero", 6)])
def test_invalid_structures_exit_2_naming_the_line(nines, root, tmp_path, name, line):
    path = root / "tests/invalid_v2" / f"{name}.yaml"
    for command in ("run", "validate"):
        args = [command, path] + (["-o", tmp_path / "x.h5"] if command == "run" else [])
        proc = nines(*args, check=False)
        assert proc.returncode == 2
        assert f"{path}:{line}:" in proc.stderr
        assert not (tmp_path / "x.h5").exists()


def test_validate_describes_a_structure(nines, root):
    proc = nines("validate", root / "scenarios/zone-outage.yaml")
    assert "format 2" in proc.stdout and "common-cause" in proc.stdout


def test_chain_scenarios_still_write_version_1(nines, root, tmp_path):
    out = tmp_path / "seed.h5"
    nines("run", root / "scenarios/seed-app.yaml", "-n", "1e5", "-o", out, "--quiet")
    with h5py.File(out, "r") as f:
        assert int(f.attrs["format_version"]) == 1


def test_common_causes_are_counted_by_event_and_by_set(nines, root, tmp_path):
    """zone-outage's three zones are symmetric: every event that took part in a failure is
    counted, so their counts agree within noise, whatever their order in the file."""
    out = tmp_path / "z.h5"
    report = json.loads(nines("run", root / "scenarios/zone-outage.yaml", "-n", "1e7", "--record",
                              "failures", "-o", out, "--json").stdout)
    with h5py.File(out, "r") as f:
        names = list(f["common_cause/name"].asstr()[...])
        failures = f["common_cause/failures"][...]
        expected = f["common_cause/expected_failures"][...]
        for e, name in enumerate(names):
            assert abs(failures[e] - expected[e]) < 5 * np.sqrt(expected[e]) + 1, name
        zones = [names.index(z) for z in ("zone-a", "zone-b", "zone-c")]
        assert np.allclose(expected[zones], expected[zones[0]], rtol=1e-12)
        # Per failed request: the set of events that fired, as a bit set; its lowest bit is
        # the first event in file order, which is the recorded common_cause.
        masks = f["failures/common_causes"][...]
        first = f["failures/common_cause"][...]
        assert len(masks) == f.attrs["failures"]
        lowest = [(int(m) & -int(m)).bit_length() - 1 for m in masks]  # -1 for no event
        assert np.array_equal(lowest, first)
        for e in range(len(names)):
            assert ((masks >> np.uint64(e)) & np.uint64(1)).sum() == failures[e]
        sets = f["common_cause_sets"]
        by_set = dict(zip(sets["events"][...], sets["failures"][...]))
        assert sum(by_set.values()) == f.attrs["failures"]
        values, counts = np.unique(masks, return_counts=True)
        for mask, count in zip(values, counts):
            assert by_set[mask] == count
        assert np.isclose(sets["expected_failures"][...].sum(),
                          f.attrs["requests"] * f.attrs["unreliability_analytic"], rtol=1e-9)
        assert sets.attrs["attribution_p_value"] > 1e-5
    assert len(report["summary"]["common_cause_sets"]) == len(by_set)


def expected_message(path):
    first = path.read_text().splitlines()[0]
    assert first.startswith("# expect: "), path
    return first[len("# expect: "):].replace("{file}", str(path))


def test_every_invalid_format_3_file_exits_2_with_its_message(nines, root):
    paths = sorted((root / "tests/invalid_v3").glob("*.yaml"))
    assert len(paths) >= 50
    for path in paths:
        proc = nines("validate", path, check=False)
        assert proc.returncode == 2, path
        assert expected_message(path) in proc.stderr, (path, proc.stderr)


def test_validate_describes_a_format_3_scenario(nines, root):
    proc = nines("validate", root / "tests/fuzz/seeds/scenario/outages-over-time.yaml")
    assert "(format 3)" in proc.stdout
    assert ("over time: horizon 1y, 10000 histories, 8 of 11 components with outages, "
            "1 common-cause events over time, 2 repair crews") in proc.stdout


def test_validate_counts_the_objectives_and_detection_by_alert(nines, root):
    proc = nines("validate", root / "scenarios/essay-app-paged.yaml")
    assert ("objectives: an SLO (time.slo), 0 SLOs in time.slos, 1 alert policies, "
            "6 components detected by alert") in proc.stdout
    proc = nines("validate", root / "scenarios/shop-slos.yaml")
    assert "4 SLOs in time.slos, 0 alert policies" in proc.stdout


def test_validate_reads_a_sweep_file_as_a_sweep(nines, root):
    proc = nines("validate", root / "tests/sweeps/time.sweep.yaml")
    assert "valid sweep 'time' (format 1): 4 parameters, 8 points, a format-3 base" in proc.stdout
