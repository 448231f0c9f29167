"""Files for xarray and pandas (issue 15): every group of chain, structure, time and sweep
files opens with xarray.open_dataset(engine="h5netcdf") with named dimensions and no
phony_dims, its values equal h5py's, every dataset is described; Run.to_xarray, the CSV
export (python3 -m nines export) and codes named by their CF flags."""
from __future__ import annotations

import csv
import pathlib
import subprocess

import h5py
import numpy as np
import pandas as pd
import pytest

import nines
from nines import engine
from nines.__main__ import main
from nines.readers import export, text

from conftest import ANALYSIS

xarray = pytest.importorskip("xarray")
pytest.importorskip("h5netcdf")

SCENARIOS = ANALYSIS.parent / "scenarios"
SWEEPS = ANALYSIS.parent / "tests" / "sweeps"


@pytest.fixture(scope="module")
def files(nines_binary, tmp_path_factory) -> dict[str, pathlib.Path]:
    out = tmp_path_factory.mktemp("xarray")
    run = lambda name, output, **kw: engine.run_scenario(  # noqa: E731
        SCENARIOS / f"{name}.yaml", out / output, binary=nines_binary, **kw)
    return {
        "chain-dense": run("seed-app", "chain-dense.h5", requests=200_000, seed=1,
                           record="dense"),
        "chain-failures": run("seed-app", "chain-failures.h5", requests=200_000, seed=1,
                              record="failures"),
        "structure-dense": run("zone-outage", "structure-dense.h5", requests=200_000, seed=1,
                               record="dense"),
        "time-alerting": run("essay-app-alerting", "time-alerting.h5", record="outages",
                             extra=["--histories", "8"]),
        "time-slos": run("shop-slos", "time-slos.h5", record="outages",
                         extra=["--histories", "4"]),
        "sweep-chain": engine.run_sweep(SCENARIOS / "seed-app-upgrades.sweep.yaml",
                                        out / "sweep-chain.h5", record_requests=True,
                                        binary=nines_binary),
        "sweep-structure": engine.run_sweep(SCENARIOS / "essay-app-replicas.sweep.yaml",
                                            out / "sweep-structure.h5", binary=nines_binary),
        "sweep-time": engine.run_sweep(SWEEPS / "time.sweep.yaml", out / "sweep-time.h5",
                                       binary=nines_binary),
        "allocation": allocate(nines_binary, SCENARIOS / "checkout-teams.yaml", "99.95%",
                               out / "allocation.h5"),
    }


def allocate(binary, scenario: pathlib.Path, target: str, output: pathlib.Path) -> pathlib.Path:
    subprocess.run([str(binary), "allocate", str(scenario), "--target", target, "-o",
                    str(output)], check=True, capture_output=True, text=True)
    return output


def h5py_values(dataset: h5py.Dataset) -> np.ndarray:
    values = dataset[...]
    if h5py.check_string_dtype(dataset.dtype) is not None:
        return np.array([text(v) for v in values.reshape(-1)],
                        dtype=object).reshape(values.shape)
    return values


@pytest.mark.parametrize("kind", ["chain-dense", "chain-failures", "structure-dense",
                                  "time-alerting", "time-slos", "sweep-chain",
                                  "sweep-structure", "sweep-time", "allocation"])
def test_every_group_opens_with_named_dimensions(files, kind):
    path = files[kind]
    groups = export.groups(path)
    assert groups
    with h5py.File(path) as f:
        assert f.attrs["format_minor_version"] == (2 if kind.startswith(("time", "structure")) else 1)
        for group in groups:
            ds = xarray.open_dataset(path, engine="h5netcdf", group=group)  # no phony_dims
            with ds:
                assert not [d for d in ds.dims if d.startswith("phony_dim")], group
                members = [n for n, d in f[group].items() if isinstance(d, h5py.Dataset)
                           and not export._is_dimension_only(d)]
                assert sorted(ds.variables) == sorted(members), group
                for name in members:
                    variable = ds[name]
                    assert "description" in variable.attrs and variable.attrs["description"]
                    expected = h5py_values(f[group][name])
                    got = variable.values
                    assert got.shape == expected.shape, (group, name)
                    if expected.dtype.kind == "f":
                        assert got.dtype == expected.dtype
                        np.testing.assert_array_equal(got, expected)  # NaN equal to NaN
                    elif expected.dtype.kind in "iub":
                        assert got.dtype == expected.dtype, (group, name)
                        assert np.array_equal(got, expected), (group, name)
                    else:
                        assert list(got.reshape(-1)) == list(expected.reshape(-1))


def test_dimension_names(files):
    ds = nines.open(files["structure-dense"]).to_xarray("kinds")
    assert ds["culprit_failures"].dims == ("kind", "component")
    assert ds["name"].dims == ("kind",)
    assert ds.attrs["format"] == "nines-run"  # the root attributes come along
    with nines.open(files["chain-dense"]) as run:
        requests = run.to_xarray("requests")
        assert requests["failed_component"].dims == ("request",)
        assert requests.sizes["request"] == 200_000
        assert run.to_xarray("components")["reliability"].attrs["units"] == "1"
        everything = run.to_xarray()
        assert set(everything) == {"components", "requests"}
    with nines.open(files["sweep-chain"]) as sweep:
        points = sweep.to_xarray("points")
        assert "point" in points.coords and points.sizes["point"] == 27
        assert sweep.to_xarray("point_failures")["request"].dims == ("point_failure",)
    with nines.open(files["time-alerting"]) as run:
        rules = run.to_xarray("alerting/rules")
        assert rules["noise_by_hour_per_year"].dims == ("rule", "hour_of_day")
        np.testing.assert_array_equal(rules["noise_by_hour_per_year"].values,
                                      run.alert_noise_by_hour().to_numpy())
        outages = run.to_xarray("outages")
        assert outages["start"].attrs["units"] == "s"
        assert outages["start"].dtype == np.float64  # "s", not "seconds": not decoded


def test_code_columns_carry_cf_flags(files):
    with h5py.File(files["chain-dense"]) as f:
        d = f["requests/failed_component"]
        names = [text(n) for n in f["components/name"][...]]
        assert list(d.attrs["flag_values"]) == list(range(-1, len(names)))
        assert text(d.attrs["flag_meanings"]).split() == \
            ["success"] + [export.flag_word(n) for n in names]
    with h5py.File(files["time-alerting"]) as f:
        cause = f["outages/cause"]
        assert list(cause.attrs["flag_values"]) == [0, 1]
        assert text(cause.attrs["flag_meanings"]) == "own_failure event"


def test_export_writes_one_csv_per_table(files, tmp_path, capsys):
    path = files["structure-dense"]
    assert main(["export", str(path), "--csv", str(tmp_path / "out")]) == 0
    assert "CSV files" in capsys.readouterr().out
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert {"components.csv", "kinds.csv", "requests.csv", "failures.csv",
            "kinds.kind-component.csv", "common_cause.csv"} <= set(written)
    with nines.open(path) as run:
        components = pd.read_csv(tmp_path / "out" / "components.csv", index_col="component")
        assert list(components["name"]) == list(run.components["name"])
        with h5py.File(path) as f:
            n_kinds, n_components = f["kinds/culprit_failures"].shape
            requests = pd.read_csv(tmp_path / "out" / "requests.csv", index_col="request")
            culprits = f["requests/culprit"][...]
            names = [text(n) for n in f["components/name"][...]]
        cells = pd.read_csv(tmp_path / "out" / "kinds.kind-component.csv")
        assert len(cells) == n_kinds * n_components
        assert list(cells.columns[:2]) == ["kind", "component"]
        # Codes are written as their names: -1 as "success", c as the component's name.
        expected = np.where(culprits < 0, "success",
                            np.array(names, dtype=object)[np.maximum(culprits, 0)])
        assert list(requests["culprit"]) == list(expected)


def test_export_refuses_what_is_not_a_nines_file(tmp_path, capsys):
    bogus = tmp_path / "bogus.h5"
    bogus.write_bytes(b"not hdf5")
    assert main(["export", str(bogus), "--csv", str(tmp_path / "out")]) == 2
    assert "nines:" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_tables_of_a_sweep_and_a_time_run(files):
    names = dict(export.tables(files["sweep-structure"]))
    assert {"points", "point_components", "point_kinds", "offsets"} <= set(names)
    assert names["points"].index.name == "point"
    tables = dict(export.tables(files["time-alerting"]))
    outages = tables["outages"]
    assert isinstance(outages["cause"].dtype, pd.CategoricalDtype)
    assert set(outages["cause"].cat.categories) == {"own_failure", "event"}
    assert "alerting.rules.rule-hour_of_day" in tables


def test_files_without_dimension_scales_still_export(synthetic_failures, tmp_path):
    """Older files (format minor version 0, as the synthetic writer makes them) have no
    dimension scales: to_xarray falls back to phony dimensions, tables to columns grouped by
    length."""
    with nines.open(synthetic_failures) as run:
        ds = run.to_xarray("components")
        assert all(d.startswith("phony_dim") for d in ds.dims)
    tables = dict(export.tables(synthetic_failures))
    assert "components" in tables and "failures" in tables
    written = export.export_csv(synthetic_failures, tmp_path)
    assert all(p.suffix == ".csv" for p in written)
    with open(tmp_path / "failures.csv") as f:
        assert next(csv.reader(f))[1:] == ["component", "request"]


def test_allocation_files_name_teams_methods_and_units(files):
    """nines allocate's file: a dimension per table (team, method, method_team), units on the
    numbers and the team and method names as CF flags of /allocation's codes."""
    path = files["allocation"]
    with xarray.open_dataset(path, engine="h5netcdf", group="teams") as teams:
        assert dict(teams.sizes) == {"team": 6}
        assert teams["today_reliability"].attrs["units"] == "1"
    with xarray.open_dataset(path, engine="h5netcdf", group="methods") as methods:
        assert dict(methods.sizes) == {"method": 3}
    with h5py.File(path) as f:
        team = f["allocation/team"]
        names = [export.flag_word(text(n)) for n in f["teams/name"][...]]
        assert text(team.attrs["flag_meanings"]).split() == names
        assert list(team.attrs["flag_values"]) == list(range(len(names)))
        methods = [text(n) for n in f["methods/name"][...]]
        assert text(f["allocation/method"].attrs["flag_meanings"]).split() == methods
