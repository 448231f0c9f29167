"""Ctrl-C and SIGTERM end a run promptly in every phase (issue 10 item 4, issue 14): during the
exact set-up of a large structure, during a summary-only run whose request count no one could
finish (the loop must stop scheduling chunks, not visit the rest), during a recorded run, and
during a sweep of huge points. Each exits 130 and leaves no output behind.

The time from the signal to the exit is measured and reported; the bound asserted is generous
(the machines are shared), the design target is under a second."""
import signal
import subprocess
import time

import pytest

from conftest import nines_binary

# A structure whose exact set-up takes over a second on a quiet machine (1.2 s in 0.5.0): three
# request kinds over four groups of which 250 of 1,000 replicas must work, each kind's diagram
# near a million nodes, close to the limit for all kinds together. The signal is sent well
# inside that (SET_UP_SIGNAL_DELAY), since a busy machine only makes the set-up longer.
def wide_k_of_n(path):
    lines = ["format_version: 2", "name: wide", "components:",
             "  - {name: c, reliability: 0.999, replicas: 1000, required: 250}",
             "  - {name: d, reliability: 0.999, replicas: 1000, required: 250}",
             "  - {name: e, reliability: 0.999, replicas: 1000, required: 250}",
             "  - {name: f, reliability: 0.999, replicas: 1000, required: 250}",
             "request_kinds:",
             "  - {name: a, path: [c, d, e, f]}",
             "  - {name: b, path: [d, e, f, c]}",
             "  - {name: g, path: [e, f, c, d]}"]
    path.write_text("\n".join(lines) + "\n")
    return path


SET_UP_SIGNAL_DELAY = 0.4


def stop(args, tmp_path, sig, wait_for=None, delay=1.0, timeout=60):
    """Starts nines, waits (for `wait_for` on stderr/progress or `delay` seconds), signals it;
    returns (exit code, stderr, seconds from the signal to the exit)."""
    proc = subprocess.Popen([nines_binary(), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    assert proc.poll() is None, "finished before the signal: " + proc.stderr.read()
    proc.send_signal(sig)
    sent = time.monotonic()
    _, err = proc.communicate(timeout=timeout)
    return proc.returncode, err, time.monotonic() - sent


def leftovers(directory):
    return sorted(p.name for p in directory.iterdir())


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_during_the_exact_set_up_of_a_large_structure(tmp_path, sig):
    scenario = wide_k_of_n(tmp_path / "wide.yaml")
    out = tmp_path / "out"
    out.mkdir()
    code, err, seconds = stop(["run", scenario, "-n", "1000", "-o", out / "w.h5"], tmp_path, sig,
                              delay=SET_UP_SIGNAL_DELAY)
    print(f"set-up stopped {seconds:.3f} s after the signal")
    assert code == 130, err
    assert seconds < 5
    assert leftovers(out) == []


@pytest.mark.parametrize("record", ["none", "dense", "failures"])
def test_during_sampling_of_a_run_no_one_could_finish(root, tmp_path, record):
    out = tmp_path / "out"
    out.mkdir()
    # 2^62 requests: visiting every remaining chunk after the stop would take hours.
    code, err, seconds = stop(["run", root / "scenarios/ecommerce-mix.yaml", "-n",
                               str(2**62 if record == "none" else 10**12), "--record", record,
                               "-o", out / "r.h5", "--quiet"], tmp_path, signal.SIGINT)
    print(f"--record {record} stopped {seconds:.3f} s after the signal")
    assert code == 130, err
    assert "interrupted" in err
    assert seconds < 5
    assert leftovers(out) == []


@pytest.mark.parametrize("record", ["none", "outages"])
def test_during_a_time_run_of_many_histories(root, tmp_path, record):
    out = tmp_path / "out"
    out.mkdir()
    code, err, seconds = stop(["run", root / "scenarios/essay-app-over-a-year.yaml",
                               "--histories", str(2**32), "--record", record, "-o", out / "t.h5",
                               "--quiet"], tmp_path, signal.SIGINT)
    print(f"time run, --record {record}, stopped {seconds:.3f} s after the signal")
    assert code == 130, err
    assert "histories" in err
    assert seconds < 5
    assert leftovers(out) == []


def test_during_a_sweep_of_huge_points(tmp_path):
    sweep = tmp_path / "huge.sweep.yaml"
    sweep.write_text("format_version: 1\nkind: sweep\nname: huge\n"
                     "chain: {count: 8, reliability: 0.9}\nrun: {requests: 1e15, seed: 1}\n"
                     "grid:\n  chain.count: [4, 8]\n")
    out = tmp_path / "out"
    out.mkdir()
    code, err, seconds = stop(["sweep", sweep, "-o", out / "s.h5", "--quiet",
                               "--sampler", "per-request"], tmp_path, signal.SIGINT)
    print(f"sweep stopped {seconds:.3f} s after the signal")
    assert code == 130, err
    assert seconds < 5
