"""Writing the report file (nines.report.output): rendered first, written beside the target,
renamed into place when complete; regular files are replaced, nothing else is; any bytes in a
run's text are written."""
from __future__ import annotations

import errno
import os
import stat

import h5py
import numpy as np
import pytest

import nines
import synthetic
from nines.report import output, write_report
from nines.report.output import write_text_atomically

from test_report import run_cli


PAGE = "<!DOCTYPE html><html><body>a report</body></html>"


def leftovers(directory) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_an_existing_report_is_replaced(synthetic_none, tmp_path):
    target = tmp_path / "r.html"
    target.write_text("an old report")
    os.chmod(target, 0o640)
    with nines.open(synthetic_none) as run:
        assert write_report(run, target, dpi=30) == str(target)
    assert target.read_text().startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # keeps its permissions
    assert leftovers(tmp_path) == []


def test_a_new_report_gets_the_umask_permissions(synthetic_none, tmp_path):
    old = os.umask(0o027)
    try:
        write_text_atomically(tmp_path / "new.html", PAGE, source=synthetic_none)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.html").stat().st_mode) == 0o640


@pytest.mark.parametrize("make", ["directory", "fifo", "device"])
def test_only_regular_files_are_replaced(synthetic_none, tmp_path, make):
    target = tmp_path / "target.html"
    if make == "directory":
        target.mkdir()
    elif make == "fifo":
        os.mkfifo(target)
    else:
        if os.geteuid() != 0:
            pytest.skip("making a device node needs root")
        os.mknod(target, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
    before = os.lstat(target)
    with pytest.raises(nines.OutputError) as raised:
        write_text_atomically(target, PAGE, source=synthetic_none)
    assert "a report only ever replaces a regular file" in str(raised.value)
    after = os.lstat(target)
    assert (after.st_ino, after.st_mode, after.st_rdev) == \
        (before.st_ino, before.st_mode, before.st_rdev)
    assert leftovers(tmp_path) == []


def test_dev_null_is_refused_not_replaced(synthetic_none):
    with pytest.raises(nines.OutputError, match="a character device"):
        write_text_atomically("/dev/null", PAGE, source=synthetic_none)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_symbolic_link_is_followed(synthetic_none, tmp_path):
    real = tmp_path / "real.html"
    real.write_text("old")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    write_text_atomically(link, PAGE, source=synthetic_none)
    assert link.is_symlink()
    assert real.read_text() == PAGE
    directory = tmp_path / "d"
    directory.mkdir()
    (tmp_path / "to-dir.html").symlink_to(directory)
    with pytest.raises(nines.OutputError, match="a directory"):
        write_text_atomically(tmp_path / "to-dir.html", PAGE, source=synthetic_none)


def test_the_run_file_itself_is_refused(synthetic_none, tmp_path):
    with nines.open(synthetic_none) as run, pytest.raises(nines.OutputError,
                                                          match="the file the report is made"):
        write_report(run, synthetic_none, dpi=30)
    with nines.open(synthetic_none) as run:  # still a run file
        assert run.summary.requests > 0


def test_a_failed_write_leaves_the_old_report(synthetic_none, tmp_path, monkeypatch):
    target = tmp_path / "r.html"
    target.write_text("the old report")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        write_text_atomically(target, PAGE, source=synthetic_none)
    assert target.read_text() == "the old report"
    assert leftovers(tmp_path) == []


def test_a_failed_rendering_writes_nothing(synthetic_none, tmp_path, monkeypatch):
    target = tmp_path / "r.html"
    target.write_text("the old report")

    def broken(run, **kwargs):
        raise nines.DamagedFileError(run.path, "a compressed chunk is corrupt")

    monkeypatch.setattr("nines.report.render_report", broken)
    with nines.open(synthetic_none) as run, pytest.raises(nines.DamagedFileError):
        write_report(run, target, dpi=30)
    assert target.read_text() == "the old report"
    assert leftovers(tmp_path) == []


def test_a_temporary_file_never_takes_another_files_name(synthetic_none, tmp_path):
    # Someone else's file with a name like ours is left alone.
    target = tmp_path / "r.html"
    theirs = tmp_path / ".r.html.tmp"
    theirs.write_text("not ours")
    write_text_atomically(target, PAGE, source=synthetic_none)
    assert theirs.read_text() == "not ours"
    assert target.read_text() == PAGE


# --- the command line ---------------------------------------------------------------------------

def non_utf8_run(source, tmp_path):
    """A copy of a run whose scenario text and name hold bytes that are not UTF-8, as
    nines 0.2 stored them from a scenario file written in Latin-1."""
    path = tmp_path / "latin1.h5"
    path.write_bytes(source.read_bytes())
    with h5py.File(path, "r+") as f:
        for key, data in (("scenario_yaml", b"name: x\ndescription: caf\xe9 \xff\xfe na\xefve\n"),
                          ("scenario_name", b"caf\xe9")):
            del f.attrs[key]
            f.attrs.create(key, data=np.array(data, dtype=h5py.string_dtype("utf-8")))
    return path


def test_cli_report_of_non_utf8_text(tmp_path):
    small = synthetic.write_run(tmp_path / "small.h5", requests=20_000, record="failures")
    run = non_utf8_run(small, tmp_path)
    out = tmp_path / "latin1.html"
    out.write_text("an older report")
    done = run_cli("report", run, "-o", out)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    page = out.read_text(encoding="utf-8")
    assert "description: caf\\xe9 \\xff\\xfe na\\xefve" in page
    assert "caf\\xe9" in page.split("<title>")[1]
    summary = run_cli("summary", run)
    assert summary.returncode == 0, summary.stderr
    assert summary.stdout.startswith("caf\\xe9: ")


def test_cli_refuses_a_directory_and_keeps_it(synthetic_none, tmp_path):
    target = tmp_path / "out.html"
    target.mkdir()
    (target / "inside").write_text("kept")
    done = run_cli("report", synthetic_none, "-o", target)
    assert done.returncode == 2
    assert done.stderr == f"nines: {target} is a directory: a report only ever replaces a " \
                          "regular file\n"
    assert (target / "inside").read_text() == "kept"


def test_cli_on_a_damaged_file_keeps_the_old_report(synthetic_dense, tmp_path):
    damaged = tmp_path / "cut.h5"
    damaged.write_bytes(synthetic_dense.read_bytes()[:5000])
    out = tmp_path / "cut.html"
    out.write_text("the old report")
    done = run_cli("report", damaged)
    assert done.returncode == 2
    assert done.stderr.startswith(f"nines: {damaged} is damaged: truncated: the file has 5,000 "
                                  "bytes")
    assert "Traceback" not in done.stderr
    assert out.read_text() == "the old report"
    assert leftovers(tmp_path) == []
