"""Damaged files raise nines.DamagedFileError, naming the file and what is wrong.

Each test copies a small file made by the engine and damages the copy the way a disk, a
transfer or a hand edit would: truncating it, flipping bytes inside a compressed chunk,
deleting or retyping an attribute, changing a dataset's length, writing values no engine
writes. Opening (or, for per-request data, reading) must raise DamagedFileError, a
FormatError, with the copy's path at the start of the message; no bare OSError, KeyError,
ValueError or RuntimeError from h5py may escape.
"""
from __future__ import annotations

import faulthandler
import os
import shutil

import h5py
import numpy as np
import pytest

import nines
from nines import engine

from conftest import SCENARIOS
from sweep_files import write_layout_1

SWEEPS = SCENARIOS.parent / "tests" / "sweeps"


@pytest.fixture(scope="session")
def originals(nines_binary, tmp_path_factory) -> dict[str, str]:
    """Small files of every kind the reader knows, made by the engine."""
    out = tmp_path_factory.mktemp("originals")
    files = {}
    for record in ("dense", "failures", "none"):
        files[f"v1-{record}"] = engine.run_scenario(
            SCENARIOS / "seed-app.yaml", out / f"v1-{record}.h5", requests=200_000, seed=7,
            record=record, extra=["--sampler", "per-request"], binary=nines_binary)
    for record in ("dense", "failures"):
        files[f"v2-{record}"] = engine.run_scenario(
            SCENARIOS / "essay-app-redundant.yaml", out / f"v2-{record}.h5", requests=200_000,
            seed=7, record=record, binary=nines_binary, extra=["--importance", "simulated"])
    files["v2-events"] = engine.run_scenario(SCENARIOS / "zone-outage.yaml",
                                             out / "v2-events.h5", requests=100_000, seed=7,
                                             record="failures", binary=nines_binary)
    files["sweep"] = engine.run_sweep(SWEEPS / "small.sweep.yaml", out / "sweep.h5",
                                      record_requests=True, binary=nines_binary)
    files["sweep-layout1"] = out / "sweep-layout1.h5"  # as nines 0.2 wrote it
    write_layout_1(files["sweep"], files["sweep-layout1"])
    return {key: str(path) for key, path in files.items()}


@pytest.fixture
def copy(originals, tmp_path):
    """copy("v1-dense") -> the path of a fresh copy to damage."""
    def make(kind: str) -> str:
        target = tmp_path / f"damaged-{kind}.h5"
        shutil.copyfile(originals[kind], target)
        return str(target)
    return make


def damaged(path: str, match: str | None = None, action=None) -> str:
    """Runs `action` (default: open and close the file) and returns the DamagedFileError's
    message, checking that it names the file."""
    def default():
        with nines.open(path) as opened:
            if isinstance(opened, nines.Sweep):
                opened.points  # read on first use
    with pytest.raises(nines.DamagedFileError) as raised:
        (action or default)()
    message = str(raised.value)
    assert message.startswith(f"{path} is damaged: "), message
    assert raised.value.path == path
    assert isinstance(raised.value, nines.FormatError)  # what nines 0.2 callers catch
    if match is not None:
        assert match in message, message
    return message


def flip_in_chunk(path: str, dataset: str, chunk: int = 0) -> None:
    """Flips the bytes in the middle of one stored (compressed) chunk of a dataset."""
    with h5py.File(path, "r") as f:
        info = f[dataset].id.get_chunk_info(chunk)
    with open(path, "r+b") as handle:
        handle.seek(info.byte_offset + info.size // 2)
        middle = handle.read(4)
        handle.seek(info.byte_offset + info.size // 2)
        handle.write(bytes(b ^ 0xFF for b in middle))


def replace_dataset(path: str, name: str, values) -> None:
    with h5py.File(path, "r+") as f:
        del f[name]
        f.create_dataset(name, data=values)


# --- truncated and not-HDF5 files ------------------------------------------------------------

@pytest.mark.parametrize("kind", ["v1-dense", "v2-failures", "sweep"])
def test_truncated_files_say_truncated(copy, kind):
    path = copy(kind)
    size = os.path.getsize(path)
    for keep in (size - 1, size // 2, 100):
        os.truncate(path, keep)
        message = damaged(path)
        assert f"truncated: the file has {keep:,} bytes, its HDF5 superblock says {size:,}" \
            in message


def test_a_file_cut_inside_the_signature_or_emptied(copy):
    path = copy("v1-none")
    os.truncate(path, 5)
    assert "truncated" in damaged(path)
    os.truncate(path, 0)
    assert "the file is empty (0 bytes)" in damaged(path)


def test_a_damaged_superblock(copy):
    path = copy("v1-none")
    with open(path, "r+b") as handle:  # keep the signature, break what follows it
        handle.seek(8)
        handle.write(b"\xff" * 40)
    assert "superblock" in damaged(path)


def test_a_file_that_is_no_hdf5_at_all_is_a_format_error_not_damage(tmp_path):
    path = tmp_path / "notes.h5"
    path.write_bytes(b"just some text, long enough to be a file " * 10)
    with pytest.raises(nines.FormatError) as raised:
        nines.open(path)
    assert not isinstance(raised.value, nines.DamagedFileError)
    assert str(raised.value).startswith(f"{path} is not a nines run file (not an HDF5 file")


# --- corrupted chunks, found where per-request data is read ----------------------------------

def test_corrupted_outcome_chunk(copy):
    path = copy("v1-dense")
    flip_in_chunk(path, "requests/failed_component")
    with nines.open(path) as run:  # opening reads no per-request data
        message = damaged(path, action=run.outcomes.value_counts)
        assert "/requests/failed_component[0:" in message
        assert "a compressed chunk is corrupt" in message
        damaged(path, action=lambda: run.running_failures([10, 1000]))
        damaged(path, action=lambda: run.outcomes[5])


def test_corrupted_failures_chunk(copy):
    path = copy("v1-failures")
    flip_in_chunk(path, "failures/request")
    with nines.open(path) as run:
        damaged(path, "/failures/request", action=lambda: list(run.iter_failures()))
        damaged(path, action=lambda: run.failures[:10])


def test_corrupted_structure_chunks(copy):
    path = copy("v2-dense")
    flip_in_chunk(path, "requests/culprit")
    flip_in_chunk(path, "failures/failed_set")
    with nines.open(path) as run:
        damaged(path, "/requests/culprit", action=lambda: run.requests.value_counts("culprit"))
        damaged(path, "/failures/failed_set", action=run.failed_together)
        damaged(path, action=lambda: list(run.failed_sets()))
        run.requests.value_counts("kind")  # the undamaged columns still read


def test_corrupted_sweep_point_chunk(copy):
    path = copy("sweep-layout1")
    flip_in_chunk(path, "point/000001/failures/request")
    with nines.open(path) as sweep:
        point = sweep.point(1)
        damaged(path, "/point/000001/failures/request",
                action=lambda: list(point.failures.iter_chunks()))
    path = copy("sweep")
    with h5py.File(path, "r") as f:
        first = int(f["offsets/point_failures"][1])  # point 1's first row
        chunk = f["point_failures/request"].chunks[0]
    flip_in_chunk(path, "point_failures/request", first // chunk + 1)
    with nines.open(path) as sweep:
        point = sweep.point(1)
        damaged(path, "/point_failures/request",
                action=lambda: list(point.failures.iter_chunks()))
        assert len(sweep.point(0).components) == 3  # the other tables still read


def test_the_report_of_a_corrupted_run_fails_cleanly(copy, tmp_path):
    path = copy("v1-dense")
    flip_in_chunk(path, "requests/failed_component")
    with nines.open(path) as run:
        damaged(path, action=lambda: nines.report.write_report(run, tmp_path / "r.html",
                                                               dpi=30))
    assert not (tmp_path / "r.html").exists()


# --- attributes -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,attribute", [
    ("v1-dense", "requests"), ("v1-failures", "failures"), ("v1-none", "verdict"),
    ("v2-dense", "scenario_yaml"), ("v2-failures", "agrees"), ("sweep", "points_done"),
])
def test_missing_root_attribute(copy, kind, attribute):
    path = copy(kind)
    with h5py.File(path, "r+") as f:
        del f.attrs[attribute]
    damaged(path, f"the root attribute '{attribute}'")


@pytest.mark.parametrize("attribute,value,expected", [
    ("requests", "many", "should be an integer but holds the text 'many'"),
    ("requests", np.float64(2e5), "should be an integer"),
    ("failures", np.int64(-3), "is -3, below 0"),
    ("agrees", np.int8(7), "should be 0 or 1"),
    ("verdict", np.int64(1), "should be a string"),
    ("z_score", "high", "should be a number"),
    ("seed", np.arange(3), "an array of shape (3,)"),
])
def test_ill_typed_root_attribute(copy, attribute, value, expected):
    path = copy("v1-dense")
    with h5py.File(path, "r+") as f:
        f.attrs[attribute] = value
    damaged(path, expected)


def test_missing_sweep_point_attribute(copy):
    path = copy("sweep-layout1")
    with h5py.File(path, "r+") as f:
        del f["point/000002"].attrs["requests"]
    with nines.open(path) as sweep:
        sweep.point(1)
        damaged(path, "the attribute 'requests' of /point/000002 is missing",
                action=lambda: sweep.point(2))


def test_record_attribute_with_an_unknown_value(copy):
    path = copy("v1-dense")
    with h5py.File(path, "r+") as f:
        f.attrs["record"] = "sparse"
    damaged(path, "the root attribute 'record' is 'sparse'; expected dense, failures or none")


# --- dataset lengths against the summary ------------------------------------------------------

@pytest.mark.parametrize("kind,dataset,change,expected", [
    ("v1-dense", "requests/failed_component", -1, "expected 200,000 (one per request)"),
    ("v1-failures", "failures/request", -1, "(one per failed request)"),
    ("v1-failures", "failures/component", +2, "(one per failed request)"),
    ("v1-none", "components/reliability", -1, "expected 8 (one per component)"),
    ("v2-dense", "requests/kind", -5, "(one per request)"),
    ("v2-dense", "requests/common_cause", +1, "(one per request)"),
    ("v2-failures", "failures/culprit", -1, "(one per failed request)"),
    ("v2-failures", "failures/failed_set_size", +1, "(one per failed request)"),
    ("v2-failures", "components/retries", -1, "(one per component)"),
    ("v2-failures", "kinds/weight", +1, "(one per request kind)"),
    ("v2-failures", "importance/components/birnbaum", -1, "(one per component)"),
    ("v2-failures", "importance/components/raw_simulated_high", -1, "(one per component)"),
    ("v2-events", "common_cause/probability", -1, "(one per common-cause event)"),
    ("v2-events", "importance/common_cause/rrw", +1, "(one per common-cause event)"),
    ("sweep", "points/z_score", -1, "(one per point)"),
])
def test_dataset_length_disagrees_with_the_summary(copy, kind, dataset, change, expected):
    path = copy(kind)
    with h5py.File(path, "r+") as f:
        values = f[dataset][...]
    values = values[:change] if change < 0 else np.concatenate([values, values[:change]])
    replace_dataset(path, dataset, values)
    message = damaged(path, expected)
    assert f"/{dataset} has {values.size:,} entries" in message


def test_sweep_point_datasets_against_their_point(copy):
    path = copy("sweep-layout1")
    with h5py.File(path, "r+") as f:
        short = f["point/000003/components/failures"][:-1]
        requests = f["point/000004/failures/request"][:-1]
    replace_dataset(path, "point/000003/components/failures", short)
    replace_dataset(path, "point/000004/failures/request", requests)
    with nines.open(path) as sweep:
        damaged(path, "/point/000003/components/failures has",
                action=lambda: sweep.point(3).components)
        damaged(path, "(one per failed request)", action=lambda: sweep.point(4).failures)


def test_counts_that_do_not_add_up(copy):
    path = copy("v1-none")
    with h5py.File(path, "r+") as f:
        f["components/failures"][0] += 1
    damaged(path, "/components/failures adds up to")
    path = copy("v2-failures")
    with h5py.File(path, "r+") as f:
        f["kinds/requests"][0] -= 1
    damaged(path, "/kinds/requests adds up to")
    path = copy("sweep")
    with h5py.File(path, "r+") as f:
        done = f["points/done"][...]
        done[0] = 0
        f["points/done"][...] = done
    with nines.open(path) as sweep:
        damaged(path, "/points/done marks", action=lambda: sweep.points)


def test_missing_and_ill_typed_datasets(copy):
    path = copy("v2-failures")
    with h5py.File(path, "r+") as f:
        del f["components/culprit_probability"]
    damaged(path, "the dataset /components/culprit_probability is missing")
    path = copy("v1-none")
    replace_dataset(path, "components/failures", np.array([b"x"] * 8))
    damaged(path, "/components/failures should hold numbers")
    path = copy("v1-dense")
    with h5py.File(path, "r+") as f:
        del f["requests"]
    damaged(path, "group /requests is missing")


# --- values no engine writes --------------------------------------------------------------------

def test_outcome_codes_beyond_the_components(copy):
    path = copy("v1-dense")
    with h5py.File(path, "r+") as f:
        outcomes = f["requests/failed_component"][...]
    outcomes[123_456] = 99
    replace_dataset(path, "requests/failed_component", outcomes)
    with nines.open(path) as run:
        damaged(path, "/requests/failed_component[123456] is 99; the run's summary allows -1 "
                      "to 7", action=run.outcomes.value_counts)


def test_failed_requests_out_of_order(copy):
    path = copy("v1-failures")
    with h5py.File(path, "r+") as f:
        requests = f["failures/request"][...]
    requests[[3, 4]] = requests[[4, 3]]
    replace_dataset(path, "failures/request", requests)
    with nines.open(path) as run:
        damaged(path, "/failures/request[4]", action=lambda: run.running_failures([100]))


def test_culprit_and_failed_set_beyond_the_components(copy):
    path = copy("v2-failures")
    with h5py.File(path, "r+") as f:
        culprits = f["failures/culprit"][...]
        sets = f["failures/failed_set"][...]
    culprits[0] = 500
    sets[-1] = -2
    replace_dataset(path, "failures/culprit", culprits)
    replace_dataset(path, "failures/failed_set", sets)
    with nines.open(path) as run:
        damaged(path, "/failures/culprit[0] is 500", action=lambda: list(run.iter_failures()))
        damaged(path, "/failures/failed_set[", action=run.failed_together)


# --- text that is not UTF-8 -------------------------------------------------------------------

def write_raw_text(path: str, attribute: str, data: bytes) -> None:
    """Stores `data` as a variable-length UTF-8 string attribute, as the engine does, without
    checking it (nines 0.2 stored the bytes of a scenario file as they came)."""
    with h5py.File(path, "r+") as f:
        if attribute in f.attrs:
            del f.attrs[attribute]
        f.attrs.create(attribute, data=np.array(data, dtype=h5py.string_dtype("utf-8")))


def test_non_utf8_text_is_read_escaped(copy):
    path = copy("v1-failures")
    write_raw_text(path, "scenario_yaml", b"description: caf\xe9 \xff\xfe\nname: x\n")
    write_raw_text(path, "scenario_name", b"seed-app-\xe9")
    with nines.open(path) as run:
        assert run.metadata.scenario_yaml == "description: caf\\xe9 \\xff\\xfe\nname: x\n"
        assert run.metadata.scenario_name == "seed-app-\\xe9"
        page = nines.report.render_report(run, dpi=30)
    assert "caf\\xe9 \\xff\\xfe" in page
    page.encode("utf-8")  # no lone surrogates left to break the writing


# --- damage that crashes the HDF5 library itself ----------------------------------------------

def break_string_heap(path: str) -> None:
    """Gives the first object of the file's global heap (where variable-length strings live) a
    size of 2^40 bytes: HDF5 1.10 then copies past its buffer and crashes (SIGSEGV) when the
    string is read, which no Python code can catch."""
    with open(path, "r+b") as handle:
        data = handle.read()
        heap = data.find(b"GCOL")
        assert heap > 0
        handle.seek(heap + 24)  # "GCOL", version, reserved, collection size, index, refs, ...
        handle.write((1 << 40).to_bytes(8, "little"))


def test_check_file_reports_what_would_crash_hdf5(copy):
    path = copy("v1-none")
    nines.check_file(path)  # an intact file passes
    break_string_heap(path)
    message = damaged(path, "the HDF5 library crashed (SIGSEGV) reading the file's metadata",
                      action=lambda: nines.check_file(path))
    assert "corrupt" in message
    damaged(path, "crashed", action=lambda: nines.open(path, check=True))


def test_cli_reports_a_crashing_file_as_damaged(copy, tmp_path):
    from test_report import run_cli
    path = copy("v1-none")
    break_string_heap(path)
    for command in (["summary", path], ["report", path, "-o", tmp_path / "r.html"]):
        done = run_cli(*command)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith(f"nines: {path} is damaged: the HDF5 library crashed")
    assert not (tmp_path / "r.html").exists()


def test_check_file_passes_every_kind_of_intact_file(originals):
    for path in originals.values():
        nines.check_file(path)
    with pytest.raises(FileNotFoundError):
        nines.check_file(originals["sweep"] + ".absent")


def _outcome_of_reading(path: str) -> str:
    """Opens and reads everything of a run; "ok", "NinesError" or the name of any other
    exception."""
    try:
        with nines.open(path) as run:
            run.recompute_summary()
            if isinstance(run, nines.StructureRun):
                run.recompute_kinds()
                run.failed_together()
            run.running_failures([1, run.metadata.requests])
        return "ok"
    except nines.NinesError:
        return "NinesError"
    except Exception as error:  # noqa: BLE001 - what the test looks for
        return type(error).__name__


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.parametrize("kind", ["v1-failures", "v2-failures"])
def test_flipped_bytes_anywhere_give_nines_errors_only(copy, kind):
    # Bits flipped at 12 places spread over the whole file (metadata, heaps, chunks): each
    # read, in a child process so that a crash shows as one, ends well or in a NinesError,
    # never in a bare h5py exception; and where HDF5 itself crashes, check_file (which
    # python3 -m nines runs first) reports the file as damaged.
    original = copy(kind)
    size = os.path.getsize(original)
    seen = {}
    for position in np.linspace(0, size - 1, 12).astype(int):
        path = original + f".{position}.h5"
        shutil.copyfile(original, path)
        with open(path, "r+b") as handle:
            handle.seek(position)
            byte = handle.read(1)[0]
            handle.seek(position)
            handle.write(bytes([byte ^ 0x10]))
        read_end, write_end = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - the child reports through the pipe
            faulthandler.disable()  # a crash is expected here; pytest need not print it
            try:
                os.write(write_end, _outcome_of_reading(path).encode())
            finally:
                os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:
            outcome = pipe.read().decode()
        _, status = os.waitpid(child, 0)
        if os.WIFSIGNALED(status):
            with pytest.raises(nines.DamagedFileError, match="the HDF5 library crashed"):
                nines.check_file(path)
            outcome = "crash, found by check_file"
        seen[int(position)] = outcome
    assert set(seen.values()) <= {"ok", "NinesError", "crash, found by check_file"}, seen


# --- sweep layout 2: the per-point tables against the points table ----------------------------

def test_sweep_root_attributes_of_layout_2(copy):
    path = copy("sweep")
    with h5py.File(path, "r+") as f:
        del f.attrs["base_format"]
    damaged(path, "the root attribute 'base_format'")
    with h5py.File(path, "r+") as f:
        f.attrs["base_format"] = np.int64(4)
    damaged(path, "'base_format' is 4")
    with h5py.File(path, "r+") as f:
        f.attrs["base_format"] = np.int64(3)  # a time base, but layout 2
    damaged(path, "a sweep of a time base (3) is layout 3")


def edited(path: str, table: str, column: str, change) -> None:
    """Rewrites /table/column as change(values)."""
    with h5py.File(path, "r") as f:
        values = f[f"{table}/{column}"][...]
    replace_dataset(path, f"{table}/{column}", change(values.copy()))


def bump(index: int, by: int = 1):
    def change(values):
        values[index] += by
        return values
    return change


@pytest.mark.parametrize("table,column,change,action,expected", [
    ("point_components", "failures", lambda v: v[:-1], "components",
     "/point_components/failures has 23 entries, expected 24 (one per component of a point)"),
    ("point_components", "failures", bump(4), "components",
     "the component failures of point 1 (/point_components/failures) add up to"),
    ("point_components", "point", bump(3), "components",
     "/point_components/point[3] is 2, but /offsets/point_components gives that row to point 1"),
    ("point_components", "component", bump(5), "components",
     "/point_components/component[5] is 3, expected 2"),
    ("offsets", "point_components", bump(2, 1), "components",
     "/offsets/point_components gives point 1 4 rows of /point_components, but the points "
     "table says it has 3"),
    ("offsets", "point_components", lambda v: v[:-1], "components",
     "/offsets/point_components has 8 entries, expected 9 (one per point, plus one)"),
    ("offsets", "point_failures", bump(3, 10 ** 6), "failures",
     "/offsets/point_failures decreases"),
    ("point_failures", "point", bump(0, 2), "failures",
     "/point_failures/point[0] is 2; the points table allows 0 to 0"),
    ("point_failures", "component", bump(1, 100), "failures",
     "/point_failures/component[1] is 100; the points table allows 0 to 2"),
    ("point_failures", "request", lambda v: np.concatenate([v[:1], v[:1], v[2:]]), "failures",
     "/point_failures/request[1] is"),
])
def test_sweep_tables_against_the_points(copy, table, column, change, action, expected):
    path = copy("sweep")
    edited(path, table, column, change)

    def read():
        with nines.open(path) as sweep:
            if action == "components":
                for point in sweep.iter_points():
                    point.components
            else:
                for point in sweep.iter_points():
                    list(point.failures.iter_chunks())
    damaged(path, expected, action=read)


def test_sweep_tables_missing(copy):
    path = copy("sweep")
    with h5py.File(path, "r+") as f:
        del f["point_failures"]
    with nines.open(path) as sweep:
        sweep.point(0).components
        damaged(path, "group /point_failures is missing", action=lambda: sweep.point(0).failures)
    path = copy("sweep")
    with h5py.File(path, "r+") as f:
        del f["point_components/expected_failures"]
    with nines.open(path) as sweep:
        damaged(path, "the table /point_components lacks the column expected_failures",
                action=lambda: sweep.point(0).components)
