"""Tests of the golden machinery itself: a changed value, attribute, type or JSON key IS
reported, with its place and both values, and volatile fields are not. Runs without nines:
the end-to-end tests drive golden.py with a small fake binary that writes an HDF5 file."""
import json
import os
import stat
import sys
import textwrap

import h5py
import numpy as np
import pytest

import golden
from cases import CASES, Case
from compare import compare_digests, compare_json, same, ulps_apart
from digest import BLOCK_ELEMENTS, INLINE_LIMIT, VOLATILE, hdf5_digest, json_digest

LARGE = 3 * BLOCK_ELEMENTS + 5


def write_file(path, *, large=None, small=None, seed=2026, failures=7, created="2026-01-01",
               reliability=0.99, extra_attribute=False, seed_dtype="u8", names=("api", "db")):
    with h5py.File(path, "w") as f:
        f.attrs["created"] = created
        f.attrs["nines_version"] = "0.2.0"
        f.attrs["seed"] = np.array(seed, dtype=seed_dtype)
        f.attrs["failures"] = np.uint64(failures)
        f.attrs["reliability"] = reliability
        f.attrs["scenario_path"] = str(path.parent / "input.yaml")
        if extra_attribute:
            f.attrs["new"] = 1
        g = f.create_group("components")
        g.create_dataset("name", data=list(names), dtype=h5py.string_dtype())
        g.create_dataset("failures", data=np.array([3, 4] if small is None else small, "<u8"))
        g["failures"].attrs["columns"] = np.int64(2)
        column = np.full(LARGE, -1, dtype="i1") if large is None else large
        f.create_dataset("requests/failed_component", data=column, chunks=(1 << 16,),
                         compression="gzip")


def digest_of(path):
    return {"command": "nines run x", "summary_json": None,
            "hdf5": hdf5_digest(path, [(str(path.parent), "$OUTPUT_DIR")])}


@pytest.fixture
def pair(tmp_path):
    """Two directories, so that the output paths differ as they do between runs."""
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    return a / "out.h5", b / "out.h5"


def messages(differences):
    return [str(d) for d in differences]


def test_identical_outputs_in_different_places_match(pair):
    write_file(pair[0])
    write_file(pair[1], created="2031-05-05")
    assert compare_digests(digest_of(pair[0]), digest_of(pair[1])) == []


def test_paths_are_normalised_and_volatile_values_masked(pair):
    write_file(pair[0])
    root = digest_of(pair[0])["hdf5"]["/"]["attributes"]
    assert root["scenario_path"]["value"] == "$OUTPUT_DIR/input.yaml"
    assert root["created"] == {"dtype": "string(vlen,utf-8)", "value": VOLATILE}
    assert root["seed"] == {"dtype": "<u8", "value": 2026}


def test_changed_small_dataset_element_is_reported_with_both_values(pair):
    write_file(pair[0], small=[3, 4])
    write_file(pair[1], small=[3, 5])
    out = messages(compare_digests(digest_of(pair[0]), digest_of(pair[1])))
    assert out == ["/components/failures: element 1: expected 4, got 5 (1 of 2 elements differ)"]


def test_changed_string_element_is_reported(pair):
    write_file(pair[0])
    write_file(pair[1], names=("api", "dB"))
    out = messages(compare_digests(digest_of(pair[0]), digest_of(pair[1])))
    assert out == ["/components/name: element 1: expected 'db', got 'dB' (1 of 2 elements differ)"]


def test_changed_large_dataset_is_located_to_its_block(pair):
    column = np.full(LARGE, -1, dtype="i1")
    write_file(pair[0], large=column)
    column[2 * BLOCK_ELEMENTS + 17] = 3
    write_file(pair[1], large=column)
    differences = compare_digests(digest_of(pair[0]), digest_of(pair[1]))
    assert len(differences) == 1
    d = differences[0]
    assert d.where == "/requests/failed_component" and d.needs_reference
    assert f"elements [{2 * BLOCK_ELEMENTS}, {3 * BLOCK_ELEMENTS})" in d.message


def test_changed_start_of_large_dataset_names_the_element(pair):
    column = np.full(LARGE, -1, dtype="i1")
    write_file(pair[0], large=column)
    column[5] = 0
    write_file(pair[1], large=column)
    out = messages(compare_digests(digest_of(pair[0]), digest_of(pair[1])))
    assert out[0].startswith("/requests/failed_component: element 5: expected -1, got 0")


def test_two_dimensional_element_is_named_by_its_index(pair):
    for path, value in zip(pair, (7, 8)):
        with h5py.File(path, "w") as f:
            table = np.zeros((3, 4), dtype="<f8")
            table[2, 1] = value
            f["table"] = table
    out = messages(compare_digests(digest_of(pair[0]), digest_of(pair[1])))
    assert out == [f"/table: element (2, 1): expected 7.0, got 8.0 ({2**50} ulp apart) "
                   "(1 of 12 elements differ)"]


def test_dataset_growing_past_the_inline_limit_is_reported(pair):
    for path, size in zip(pair, (INLINE_LIMIT, INLINE_LIMIT + 1)):
        with h5py.File(path, "w") as f:
            f["counts"] = np.arange(size, dtype="<u8")
    out = messages(compare_digests(digest_of(pair[0]), digest_of(pair[1])))
    assert out[0] == f"/counts: shape changed from [{INLINE_LIMIT}] to [{INLINE_LIMIT + 1}]"
    assert out[1].startswith("/counts: contents differ")


def test_float_attribute_one_ulp_off_is_reported(pair):
    write_file(pair[0], reliability=0.99)
    write_file(pair[1], reliability=np.nextafter(0.99, 1.0))
    out = messages(compare_digests(digest_of(pair[0]), digest_of(pair[1])))
    assert out == ["/@reliability: expected 0.99, got 0.9900000000000001 (1 ulp apart)"]


def test_attribute_type_change_missing_and_unexpected_attributes_are_reported(pair):
    write_file(pair[0])
    write_file(pair[1], seed_dtype="i8", extra_attribute=True)
    out = messages(compare_digests(digest_of(pair[0]), digest_of(pair[1])))
    assert out == ["/@seed: attribute type changed from <u8 scalar to <i8 scalar",
                   "/@new: unexpected attribute (value 1)"]
    with h5py.File(pair[1], "a") as f:
        del f.attrs["created"]
    out = messages(compare_digests(digest_of(pair[0]), digest_of(pair[1])))
    assert "/@created: attribute missing" in out


def test_missing_and_unexpected_objects_are_reported(pair):
    write_file(pair[0])
    write_file(pair[1])
    with h5py.File(pair[1], "a") as f:
        del f["components/name"]
        f.create_dataset("kinds/name", data=["browse"], dtype=h5py.string_dtype())
    out = messages(compare_digests(digest_of(pair[0]), digest_of(pair[1])))
    assert out == ["/components/name: dataset missing", "/kinds: unexpected group (not in the "
                   "golden file)", "/kinds/name: unexpected dataset (not in the golden file)"]


def test_json_summary_differences_have_paths():
    subs = [("/tmp/x", "$OUTPUT_DIR")]
    want = json_digest({"run": {"threads": 2, "elapsed_seconds": 0.1, "output": "/tmp/x/o.h5"},
                        "summary": {"failures": 10, "agrees": True, "weight": 75},
                        "components": [{"failures": 1}, {"failures": 2}]}, subs)
    got = json_digest({"run": {"threads": 8, "elapsed_seconds": 9.0, "output": "/tmp/x/o.h5"},
                       "summary": {"failures": 11, "agrees": True, "weight": 75.0, "new": 0},
                       "components": [{"failures": 1}, {}]}, subs)
    assert want["run"] == {"threads": VOLATILE, "elapsed_seconds": VOLATILE,
                           "output": "$OUTPUT_DIR/o.h5"}
    assert messages(compare_json("$", want, got)) == [
        "$.summary.failures: expected 10, got 11",
        "$.summary.weight: expected 75 (int), got 75.0 (float)",
        "$.summary.new: unexpected key (value 0)",
        "$.components[1].failures: missing",
    ]


def test_exact_equality_rules():
    assert not same(0.0, -0.0)
    assert not same(1, 1.0) and not same(True, 1)
    assert same("nan", "nan")
    assert ulps_apart(1.0, np.nextafter(1.0, 2.0)) == 1
    assert ulps_apart(-0.0, 0.0) == 0
    assert ulps_apart(np.nextafter(0.0, -1.0), np.nextafter(0.0, 1.0)) == 2


def test_golden_text_round_trips_exactly(pair):
    write_file(pair[0], reliability=0.1 + 0.2)
    digest = digest_of(pair[0])
    assert json.loads(golden.to_text(digest)) == digest
    assert compare_digests(json.loads(golden.to_text(digest)), digest) == []


def test_case_table_is_well_formed():
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))
    for case in CASES:
        assert case.args[0] in ("run", "sweep")
        assert "{output}" in case.args
        assert "--threads" not in case.args and "-t" not in case.args
        assert case.json_summary == ("--json" in case.args)
        input_file = case.args[1].replace("{inputs}", str(golden.INPUTS))
        assert os.path.isfile(input_file), input_file


FAKE_NINES = """\
#!{python}
# A stand-in for nines: writes a tiny run file whose failed_component column has element
# {changed} set to {value}, and prints a --json summary.
import json, sys
import h5py, numpy as np
if sys.argv[1] == "--version":
    print("nines fake")
    sys.exit(0)
output = sys.argv[sys.argv.index("-o") + 1]
column = np.full({size}, -1, dtype="i1")
column[{changed}] = {value}
with h5py.File(output, "w") as f:
    f.attrs["failures"] = np.uint64(1)
    f.attrs["created"] = "now"
    f.create_dataset("requests/failed_component", data=column)
print(json.dumps({{"run": {{"output": output, "threads": 2}}, "summary": {{"failures": 1}}}}))
"""


def fake_nines(path, value):
    path.write_text(FAKE_NINES.format(python=sys.executable, size=LARGE,
                                      changed=LARGE - 3, value=value))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def fake_project(tmp_path, monkeypatch):
    """golden.py pointed at a scratch directory with one case and two fake binaries."""
    golden_dir = tmp_path / "golden"
    golden_dir.mkdir()
    case = Case("fake.dense", ("run", "{inputs}/x.yaml", "-o", "{output}", "--json"))
    monkeypatch.setattr(golden, "HERE", golden_dir)
    monkeypatch.setattr(golden, "CASES", (case,))
    return fake_nines(tmp_path / "good", 0), fake_nines(tmp_path / "bad", 1)


def run_golden(capsys, *argv):
    status = golden.main(list(map(str, argv)))
    return status, capsys.readouterr().out


def test_check_passes_after_regenerate_and_reports_a_changed_element(fake_project, capsys):
    good, bad = fake_project
    status, out = run_golden(capsys, "--regenerate", "--nines", good)
    assert status == 0, out
    status, out = run_golden(capsys, "--check", "--nines", good, "--threads", "1")
    assert status == 0 and "golden: 1 of 1 cases match" in out, out

    status, out = run_golden(capsys, "--check", "--nines", bad)
    assert status == 1
    assert "FAIL fake.dense" in out and "/requests/failed_component: contents differ" in out
    assert "--reference" in out

    status, out = run_golden(capsys, "--check", "--nines", bad, "--reference", good)
    assert status == 1
    assert (f"/requests/failed_component: element {LARGE - 3}: expected 0, got 1 "
            f"(1 of {LARGE} elements differ; from the reference binary)") in out, out


def test_check_fails_without_golden_file_and_on_stale_ones(fake_project, capsys):
    good, _ = fake_project
    status, out = run_golden(capsys, "--check", "--nines", good)
    assert status == 1 and "no golden file fake.dense.json" in out
    run_golden(capsys, "--regenerate", "--nines", good)
    (golden.HERE / "removed.case.json").write_text("{}")
    status, out = run_golden(capsys, "--check", "--nines", good)
    assert status == 1 and "removed.case.json: golden file without a case" in out


def test_failing_binary_is_reported_with_its_error(fake_project, capsys, tmp_path):
    broken = tmp_path / "broken"
    broken.write_text(textwrap.dedent("""\
        #!/bin/sh
        echo "nines: error: something broke" >&2
        exit 1
        """))
    broken.chmod(0o755)
    run_golden(capsys, "--regenerate", "--nines", fake_project[0])
    status, out = run_golden(capsys, "--check", "--nines", broken)
    assert status == 1 and "exited 1" in out and "something broke" in out
