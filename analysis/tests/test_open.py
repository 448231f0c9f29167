"""nines.open: what it accepts, the plain messages for what it refuses, what it reads eagerly."""
import time

import h5py
import numpy as np
import pandas as pd
import pytest

import nines
import synthetic


def small(tmp_path, name="x.h5", **kwargs):
    return synthetic.write_run(tmp_path / name, requests=10_000, **kwargs)


def message_of(path):
    with pytest.raises(nines.FormatError) as raised:
        nines.open(path)
    return str(raised.value)


def test_format_attribute_missing(tmp_path):
    path = small(tmp_path, format_value=None)
    assert message_of(path) == f"{path} is not a nines run file (format attribute missing)"


def test_wrong_format(tmp_path):
    path = small(tmp_path, format_value="openmc-statepoint")
    assert message_of(path) == (f"{path} is not a nines run file (format is "
                                "'openmc-statepoint'; this nines package reads nines-run, "
                                "nines-sweep, nines-uncertainty)")


def test_a_run_file_labelled_as_a_sweep_is_named(tmp_path):
    path = small(tmp_path, format_value="nines-sweep")
    assert message_of(path) == (f"{path} is damaged: the root attribute 'parameters' of a "
                                "nines sweep file is missing")


def test_newer_major_version(tmp_path):
    path = small(tmp_path, format_version=4)
    assert message_of(path) == (f"{path} has format_version 4; this nines package reads "
                                "versions 1, 2 and 3")


def test_readers_table_maps_format_and_major_version():
    assert nines.READERS[("nines-run", 1)] is nines.Run
    assert nines.READERS[("nines-run", 2)] is nines.StructureRun
    assert nines.READERS[("nines-run", 3)] is nines.TimeRun
    assert nines.READERS[("nines-sweep", 1)] is nines.Sweep


def test_version_missing(tmp_path):
    path = small(tmp_path, format_version=None)
    assert message_of(path) == f"{path} is a nines-run file without a format_version attribute"


def test_not_hdf5(tmp_path):
    path = tmp_path / "notes.h5"
    path.write_text("hello")
    assert message_of(path).startswith(f"{path} is not a nines run file (not an HDF5 file")


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        nines.open(tmp_path / "absent.h5")


def test_missing_summary_attribute_is_named(tmp_path):
    path = small(tmp_path)
    with h5py.File(path, "a") as f:
        del f.attrs["z_score"]
    assert message_of(path) == (f"{path} is damaged: the root attribute 'z_score' of a nines "
                                "run file is missing")


def test_files_without_the_exact_test_get_it_computed(tmp_path):
    # Engines before 0.2 wrote no reliability_p_value; the reader computes the same test.
    path = small(tmp_path)
    with h5py.File(path, "a") as f:
        stored = float(f.attrs["reliability_p_value"])
        del f.attrs["reliability_p_value"]
    with nines.open(path) as run:
        assert run.summary.reliability_p_value == pytest.approx(stored, rel=1e-12)


def test_metadata_summary_and_components(tmp_path):
    path = small(tmp_path, seed=5)
    with nines.open(path) as run:
        m = run.metadata
        assert (m.format, m.format_version, m.scenario_name, m.seed, m.requests, m.record) == \
            ("nines-run", 1, "synthetic", 5, 10_000, "dense")
        assert m.scenario_yaml.startswith("format_version: 1\nname: synthetic\n")
        assert len(m.scenario_sha256) == 64 and m.created.endswith("Z")
        s = run.summary
        assert s.failures == run.components["failures"].sum()
        assert s.successes + s.failures == s.requests
        assert isinstance(s.agrees, bool) and s.verdict
        assert s.nines_analytic == pytest.approx(-np.log10(s.unreliability_analytic))
        c = run.components
        assert isinstance(c, pd.DataFrame)
        assert list(c.columns) == ["name", "reliability", "failures", "expected_failures",
                                   "first_failure_probability", "share"]
        assert list(c["name"]) == ["api", "db", "cache"]
        assert c["share"].sum() == pytest.approx(1.0)


def test_bytes_attributes_read_as_text(tmp_path):
    path = small(tmp_path, attrs_as_bytes=True)
    with nines.open(path) as run:
        assert run.metadata.format == "nines-run"
        assert run.metadata.record == "dense"
        assert isinstance(run.summary.verdict, str)


def test_context_manager_closes(tmp_path):
    path = small(tmp_path)
    with nines.open(path) as run:
        assert len(run.outcomes) == 10_000
    with pytest.raises(Exception):
        run.outcomes[0:10]
    run2 = nines.open(path)
    run2.close()


def test_record_modes_expose_what_they_recorded(tmp_path):
    with nines.open(small(tmp_path, "n.h5", record="none")) as run:
        assert not run.has_request_records
        with pytest.raises(nines.RecordError, match="--record none: it has no per-request"):
            run.outcomes
        with pytest.raises(nines.RecordError, match="no /failures group"):
            run.failures
    with nines.open(small(tmp_path, "f.h5", record="failures")) as run:
        assert len(run.failures) == run.summary.failures
        with pytest.raises(nines.RecordError):
            run.outcomes


def test_recomputed_summary_matches_the_stored_one(synthetic_dense):
    with nines.open(synthetic_dense) as run:
        assert run.recompute_summary() == nines.analytic.Summary(
            **{f: getattr(run.summary, f) for f in nines.analytic.Summary.__dataclass_fields__})


def test_open_reads_no_per_request_data(synthetic_dense, monkeypatch):
    # Opening must not touch the outcomes dataset: make any read of it fail.
    def refuse(self, *args, **kwargs):
        raise AssertionError("open() read per-request data")

    monkeypatch.setattr(nines.Outcomes, "bincount", refuse)
    monkeypatch.setattr(nines.Outcomes, "__getitem__", refuse)
    monkeypatch.setattr(nines.Outcomes, "iter_chunks", refuse)
    start = time.perf_counter()
    with nines.open(synthetic_dense) as run:
        assert run.summary.requests == 2_500_000
    assert time.perf_counter() - start < 0.5
