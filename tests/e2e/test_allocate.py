"""nines allocate: the allocated reliabilities, written back into the scenario, meet the target
in `nines run` (its exact value, and the simulated count by a z-test), for every method."""
import json
import math

import h5py
import numpy as np
import pytest
import yaml

CASES = [
    # scenario, target, methods expected to be available
    ("scenarios/checkout-teams.yaml", 0.9995, {"equal", "proportional", "cost"}),
    ("scenarios/three-tier-web.yaml", 0.999, {"equal", "proportional"}),
    ("scenarios/ecommerce-mix.yaml", 0.9999, {"equal", "proportional"}),
    # Not a series (replicas, a quorum, parallel providers, two kinds, a retry, a zone): the
    # general cost method, with its optimality gap.
    ("scenarios/checkout-redundant-teams.yaml", 0.99999, {"equal", "proportional", "cost"}),
]


def allocate(nines, path, target, out, *extra):
    proc = nines("allocate", path, "--target", repr(target), "-o", out, "--json", *extra)
    return json.loads(proc.stdout)


def with_reliabilities(source, reliability_by_team, dest):
    """The scenario with each component's reliability replaced by its team's allocation."""
    doc = yaml.safe_load(source.read_text())
    for c in doc["components"]:
        c["reliability"] = float(reliability_by_team[c["name"]])
    dest.write_text(yaml.safe_dump(doc, sort_keys=False))
    return dest


def service(report):
    return report["summary"]["service"]


@pytest.mark.parametrize("scenario,target,methods", CASES)
def test_every_method_fed_back_into_nines_run_meets_the_target(nines, root, tmp_path, scenario,
                                                                target, methods):
    out = tmp_path / "allocation.h5"
    report = allocate(nines, root / scenario, target, out)
    assert {m["name"] for m in report["summary"]["methods"] if m["available"]} == methods
    with h5py.File(out, "r") as f:
        assert f.attrs["format"] == "nines-allocation"
        assert f.attrs["format_version"] == 1
        assert f.attrs["target"] == target
        teams = [n.decode() if isinstance(n, bytes) else n for n in f["teams/name"][...]]
        method_names = [n.decode() if isinstance(n, bytes) else n for n in f["methods/name"][...]]
        rows = {k: f["allocation"][k][...] for k in f["allocation"]}
        achieved = f["methods/service_reliability"][...]
        met = f["methods/met"][...]
    assert method_names == ["equal", "proportional", "cost"]
    assert len(rows["team"]) == len(teams) * len(methods)
    for m_index, name in enumerate(method_names):
        if name not in methods:
            continue
        assert met[m_index] == 1
        assert achieved[m_index] >= target
        pick = rows["method"] == m_index
        allocated = dict(zip([teams[t] for t in rows["team"][pick]], rows["reliability"][pick]))
        changed = with_reliabilities(root / scenario, allocated, tmp_path / f"{name}.yaml")
        n = 4_000_000
        run = json.loads(nines("run", changed, "-n", n, "--seed", 11, "--record", "none", "-o",
                               tmp_path / f"{name}.h5", "--json", "-q").stdout)
        s = service(run)
        # The run's exact value is the allocation's check, and meets the target (tightly).
        assert s["unreliability_analytic"] <= 1 - target
        assert s["unreliability_analytic"] == pytest.approx(1 - target, rel=1e-6)
        assert s["unreliability_analytic"] == pytest.approx(
            report["summary"]["methods"][m_index]["service_unreliability"], rel=1e-12)
        # The simulated failures agree with the target: z-test with the binomial sd.
        sd = math.sqrt(n * target * (1 - target))
        z = (s["failures"] - n * (1 - target)) / sd
        assert abs(z) < 5, (name, s["failures"], z)


def test_cost_method_is_cheapest_and_hdf5_matches_json(nines, root, tmp_path):
    out = tmp_path / "a.h5"
    report = allocate(nines, root / "scenarios/checkout-teams.yaml", 0.9995, out)
    costs = {m["name"]: m["cost"] for m in report["summary"]["methods"]}
    assert costs["cost"] <= costs["equal"] and costs["cost"] <= costs["proportional"]
    with h5py.File(out, "r") as f:
        assert np.allclose(f["methods/cost"][...], [costs["equal"], costs["proportional"],
                                                   costs["cost"]], rtol=0, atol=0)
        assert list(f["teams/improvement_cost"][...]) == [8, 4, 2, 3, 6, 20]
        extra = f["allocation/extra_nines"][...]
        today = f["teams/today_reliability"][...]
        rel = f["allocation/reliability"][...]
        team = f["allocation/team"][...]
    assert np.allclose(extra, np.log10((1 - today[team]) / (1 - rel)), rtol=1e-12, atol=1e-12)


def test_six_sigma_whole_needs_a_twentieth_of_each_parts_defects(nines, root, tmp_path):
    report = allocate(nines, root / "scenarios/six-sigma-parts.yaml", 0.9999966,
                      tmp_path / "s.h5")
    part = 1 - 0.9999966 ** (1 / 20)
    for m in report["summary"]["methods"]:
        if not m["available"]:
            continue
        for t in m["teams"]:
            assert 1 - t["reliability"] == pytest.approx(part, rel=1e-8)
            assert t["extra_nines"] == pytest.approx(math.log10(20), rel=1e-4)


def test_format_3_uses_the_per_request_structure(nines, root, tmp_path):
    report = allocate(nines, root / "scenarios/zone-outages-over-time.yaml", 0.99999,
                      tmp_path / "t.h5")
    assert report["scenario"]["format"] == 3
    for m in report["summary"]["methods"]:
        if m["available"]:
            assert m["met"] and m["service_reliability"] >= 0.99999


def test_unreachable_target_is_an_error_and_writes_nothing(nines, root, tmp_path):
    out = tmp_path / "u.h5"
    proc = nines("allocate", root / "scenarios/zone-outage.yaml", "--target", "99.9999999%",
                 "-o", out, check=False)
    assert proc.returncode == 2
    assert "unreachable" in proc.stderr and "every component perfect" in proc.stderr
    assert not out.exists()


def test_already_met_keeps_today(nines, root, tmp_path):
    report = allocate(nines, root / "scenarios/six-sigma-parts.yaml", 0.9995, tmp_path / "m.h5")
    assert report["summary"]["already_met"]
    for m in report["summary"]["methods"]:
        if m["available"]:
            assert all(t["extra_nines"] == 0 for t in m["teams"])


@pytest.mark.parametrize("args,message", [
    ([], "needs --target"),
    (["--target", "120%"], "invalid --target"),
    (["--target", "100%"], "below 100%"),
    (["--target", "0.999", "--bogus"], "unknown option"),
])
def test_usage_errors(nines, root, tmp_path, args, message):
    proc = nines("allocate", root / "scenarios/three-tier-web.yaml", *args, "-o",
                 tmp_path / "x.h5", check=False)
    assert proc.returncode == 2
    assert message in proc.stderr


def test_existing_output_needs_force(nines, root, tmp_path):
    out = tmp_path / "x.h5"
    out.write_text("keep")
    proc = nines("allocate", root / "scenarios/three-tier-web.yaml", "--target", "99.9%", "-o",
                 out, check=False)
    assert proc.returncode == 2 and out.read_text() == "keep"
    nines("allocate", root / "scenarios/three-tier-web.yaml", "--target", "99.9%", "-o", out,
          "--force")
    with h5py.File(out, "r") as f:
        assert f.attrs["format"] == "nines-allocation"


def test_cost_method_on_any_structure_with_costs_has_a_gap(nines, root, tmp_path):
    """ecommerce-mix (three kinds, request retries, replicas, a quorum, a parallel catalogue)
    with a cost on every component but the cache: the cost method is computed, meets the target,
    is the cheapest method with a known cost, and states a finite gap >= 0 to its lower bound."""
    doc = yaml.safe_load((root / "scenarios/ecommerce-mix.yaml").read_text())
    for i, c in enumerate(doc["components"]):
        if c["name"] != "cache":
            c["improvement_cost"] = 1 + i
    path = tmp_path / "costed.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    report = allocate(nines, path, 0.9999, tmp_path / "c.h5")
    methods = {m["name"]: m for m in report["summary"]["methods"]}
    cost = methods["cost"]
    assert cost["available"] and cost["met"] and cost["service_unreliability"] <= 1 - 0.9999
    assert "LP duality" in cost["solver"]
    assert 0 <= cost["optimality_gap"] < math.inf
    assert cost["parameter"] == pytest.approx(cost["cost"] - cost["optimality_gap"], rel=1e-12)
    for m in methods.values():
        if m["available"] and m["cost"] is not None and not math.isnan(m["cost"]):
            assert cost["cost"] <= m["cost"] * (1 + 1e-12)
    cache = next(t for t in cost["teams"] if t["name"] == "cache")
    assert cache["extra_nines"] == 0
