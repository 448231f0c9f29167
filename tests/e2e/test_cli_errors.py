"""The CLI refuses bad input with exit 2 and a message, and never leaves a file that looks
finished."""
import os
import signal
import subprocess
import time

import pytest

SEED_APP = "scenarios/seed-app.yaml"


def partial_files(directory):
    return [p for p in os.listdir(directory) if ".partial-" in p]


def test_existing_output_is_not_overwritten_without_force(nines, root, tmp_path):
    out = tmp_path / "x.h5"
    out.write_bytes(b"precious")
    proc = nines("run", root / SEED_APP, "-n", "1000", "-o", out, check=False)
    assert proc.returncode == 2
    assert "already exists" in proc.stderr and "--force" in proc.stderr
    assert out.read_bytes() == b"precious"
    nines("run", root / SEED_APP, "-n", "1000", "-o", out, "--force", "--quiet")
    assert out.read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"


def test_unwritable_output_path(nines, root, tmp_path):
    proc = nines("run", root / SEED_APP, "-n", "1000", "-o", tmp_path / "missing" / "x.h5",
                 check=False)
    assert proc.returncode != 0
    assert "missing" in proc.stderr
    assert "Traceback" not in proc.stderr and "terminate" not in proc.stderr


@pytest.mark.parametrize("args,needle", [
    (["-n", "0"], "must be positive"),
    (["-n", "-5"], "-n: \"-5\""),
    (["-n", "1.5"], "whole number"),
    (["-n", "lots"], "is not a number"),
    (["--seed", "-1"], "is negative"),
    (["--threads", "0"], "invalid thread count"),
    (["--record", "sparse"], "dense, failures or none"),
    (["--reqests", "5"], "did you mean '--requests'"),
])
def test_bad_flags_exit_2(nines, root, tmp_path, args, needle):
    proc = nines("run", root / SEED_APP, *args, "-o", tmp_path / "x.h5", check=False)
    assert proc.returncode == 2, proc.stderr
    assert needle in proc.stderr
    assert not (tmp_path / "x.h5").exists()
    assert "(see 'nines run --help')" in proc.stderr


@pytest.mark.parametrize("command,args", [
    ("run", ["--output"]),
    ("run", ["--threds", "2"]),
    ("sweep", ["--output"]),
    ("sweep", ["--force=yes"]),
    ("sweep", ["--threds", "2"]),
])
def test_usage_errors_point_at_the_commands_help(nines, command, args):
    proc = nines(command, "input.yaml", *args, check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.rstrip().endswith(f"(see 'nines {command} --help')"), proc.stderr


def test_bad_scenario_names_the_line(nines, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format_version: 1\nname: x\ncomponents:\n  - name: a\n    reliability: 1.5\n")
    for command in (["validate", bad], ["run", bad, "-o", tmp_path / "x.h5"]):
        proc = nines(*command, check=False)
        assert proc.returncode == 2
        assert f"{bad}:5:" in proc.stderr
        assert "1.5" in proc.stderr
    assert not (tmp_path / "x.h5").exists()
    assert partial_files(tmp_path) == []


def test_missing_scenario_file(nines, tmp_path):
    proc = nines("validate", tmp_path / "nope.yaml", check=False)
    assert proc.returncode != 0
    assert "nope.yaml" in proc.stderr


def test_validate_accepts_every_shipped_scenario(nines, root):
    for path in sorted((root / "scenarios").glob("*.yaml")):
        if path.name.endswith(".sweep.yaml"):
            continue
        proc = nines("validate", path)
        assert "valid" in proc.stdout


def test_version_and_help(nines):
    assert nines("--version").stdout.startswith("nines ")
    assert "--record" in nines("run", "--help").stdout
    assert "validate" in nines("--help").stdout
    assert nines("frobnicate", check=False).returncode == 2


def test_sigint_stops_and_leaves_no_output(nines, root, tmp_path):
    from conftest import nines_binary
    out = tmp_path / "big.h5"
    proc = subprocess.Popen([nines_binary(), "run", str(root / SEED_APP), "-n", "1e12", "-o",
                             str(out), "--quiet"], stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    start = time.monotonic()
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - start < 10
    assert proc.returncode == 130, err
    assert "interrupted" in err
    assert not out.exists()
    assert partial_files(tmp_path) == []
