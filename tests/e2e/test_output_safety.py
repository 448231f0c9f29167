"""The output policy end to end (engine/nines/io/atomic_output.hpp): what nines may replace, what
it leaves alone, one writer per output, failed writes (full disk, file size limit, stdout) as
errors with nothing left behind, signals during start-up, and sweep journals that are trusted
only when they are nines' own and whose damage is described truthfully."""
import os
import resource
import shutil
import signal
import stat
import subprocess
import time
import zlib

import h5py
import numpy as np
import pytest

from conftest import assert_same, nines_binary

SEED_APP = "scenarios/seed-app.yaml"
STRUCTURE = "scenarios/essay-app-redundant.yaml"
SMALL_SWEEP = "tests/sweeps/small.sweep.yaml"


def leftovers(directory):
    """Temporary files of nines runs in `directory`."""
    return sorted(p for p in os.listdir(directory) if ".partial-" in p)


def wait_for(condition, seconds, proc=None):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        if proc is not None and proc.poll() is not None:
            return False
        time.sleep(0.01)
    return False


# ---- what may be replaced ------------------------------------------------------------------

@pytest.mark.parametrize("command", ["run", "sweep"])
def test_force_onto_a_fifo_is_refused(nines, root, tmp_path, command):
    fifo = tmp_path / "out.h5"
    os.mkfifo(fifo)
    source = root / (SEED_APP if command == "run" else SMALL_SWEEP)
    extra = ["-n", "1000"] if command == "run" else []
    for force in ([], ["--force"]):
        proc = nines(command, source, *extra, "-o", fifo, *force, "--quiet", check=False)
        assert proc.returncode == 2, proc.stderr
        assert "is a FIFO (named pipe), not a regular file" in proc.stderr
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["out.h5"]


@pytest.mark.parametrize("command", ["run", "sweep"])
def test_force_onto_a_private_device_node_is_refused(nines, root, tmp_path, command):
    node = tmp_path / "null"
    try:
        os.mknod(node, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # the null device's numbers
    except (PermissionError, OSError) as e:
        pytest.skip(f"cannot make a device node here ({e}); needs root outside a restricted "
                    "container")
    source = root / (SEED_APP if command == "run" else SMALL_SWEEP)
    extra = ["-n", "1000"] if command == "run" else []
    proc = nines(command, source, *extra, "-o", node, "--force", "--quiet", check=False)
    assert proc.returncode == 2, proc.stderr
    assert "is a device, not a regular file" in proc.stderr
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["null"]


def test_dev_null_is_never_replaced(nines, root):
    before = os.lstat("/dev/null")
    proc = nines("run", root / SEED_APP, "-n", "1000", "-o", "/dev/null", "--force", check=False)
    assert proc.returncode == 2 and "is a device" in proc.stderr
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


def test_symbolic_links_are_neither_followed_nor_replaced(nines, root, tmp_path):
    target = tmp_path / "precious.h5"
    target.write_text("precious")
    link = tmp_path / "link.h5"
    link.symlink_to(target)
    dangling = tmp_path / "dangling.h5"
    dangling.symlink_to(tmp_path / "nowhere.h5")
    for out in (link, dangling):
        for force in ([], ["--force"]):
            proc = nines("run", root / SEED_APP, "-n", "1000", "-o", out, *force, check=False)
            assert proc.returncode == 2, proc.stderr
            assert "is a symbolic link; nines neither writes through nor replaces links" in \
                proc.stderr
            assert os.path.islink(out)
    assert target.read_text() == "precious"
    assert not (tmp_path / "nowhere.h5").exists()
    # A link among the directories on the way is fine: only the file itself must be real.
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "via").symlink_to(real)
    nines("run", root / SEED_APP, "-n", "1000", "-o", tmp_path / "via" / "out.h5", "--quiet")
    assert (real / "out.h5").is_file()


def test_a_directory_is_refused(nines, root, tmp_path):
    proc = nines("run", root / SEED_APP, "-n", "1000", "-o", tmp_path, "--force", check=False)
    assert proc.returncode == 2 and "is a directory" in proc.stderr


def test_a_leftover_temporary_file_neither_blocks_nor_is_deleted(nines, root, tmp_path):
    out = tmp_path / "out.h5"
    leftover = tmp_path / f"out.h5.partial-{os.getpid()}"
    leftover.write_text("left by a run killed with SIGKILL")
    nines("run", root / SEED_APP, "-n", "1000", "-o", out, "--quiet")
    assert out.is_file()
    assert leftover.read_text() == "left by a run killed with SIGKILL"


# ---- one writer per output -----------------------------------------------------------------

@pytest.mark.parametrize("force", [[], ["--force"]])
def test_the_loser_of_two_concurrent_runs_finds_out_at_start(nines, root, tmp_path, force):
    out = tmp_path / "out.h5"
    # Long enough to be running throughout (minutes), short enough to stop at once on SIGINT.
    first = subprocess.Popen([nines_binary(), "run", str(root / SEED_APP), "-n", "1e11",
                              "--record", "none", "-o", str(out), "--quiet"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: leftovers(tmp_path), 30, first), first.communicate()
        second = nines("run", root / SEED_APP, "-n", "1000", "-o", out, *force, check=False)
        assert second.returncode == 2, second.stderr
        assert f"another nines process is writing '{out}' right now" in second.stderr
        assert len(leftovers(tmp_path)) == 1  # the loser removed its own temporary file
    finally:
        first.send_signal(signal.SIGINT)
        try:
            _, stderr = first.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            first.kill()
            raise
    assert first.returncode == 130, stderr
    assert os.listdir(tmp_path) == []


def test_the_second_sweep_on_one_output_is_refused(nines, root, tmp_path):
    out = tmp_path / "s.h5"
    first = subprocess.Popen([nines_binary(), "sweep", str(root / "tests/sweeps/resume.sweep.yaml"),
                              "--sampler", "per-request", "-o", str(out), "--quiet"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: os.path.exists(f"{out}.journal"), 30, first)
        second = nines("sweep", root / "tests/sweeps/resume.sweep.yaml", "--sampler",
                       "per-request", "-o", out, check=False)
        assert second.returncode == 2, second.stderr
        assert "journal is locked" in second.stderr
    finally:
        first.send_signal(signal.SIGINT)
        try:
            first.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            first.kill()
            raise
    assert first.returncode == 130


# ---- failed writes -------------------------------------------------------------------------

def test_a_failed_write_to_stdout_is_an_error(nines, root, tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    out = tmp_path / "out.h5"
    with open("/dev/full", "w") as full:
        proc = subprocess.run([nines_binary(), "run", str(root / SEED_APP), "-n", "1000", "--json",
                               "-o", str(out)], stdout=full, stderr=subprocess.PIPE, text=True)
        assert proc.returncode == 1, proc.stderr
        assert "cannot write to standard output: No space left on device" in proc.stderr
        proc = subprocess.run([nines_binary(), "--help"], stdout=full, stderr=subprocess.PIPE,
                              text=True)
        assert proc.returncode == 1


def limited_file_size(limit):
    """Runs nines under `ulimit -f`; SIGXFSZ keeps its default action: nines ignores it itself."""
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


FILE_TOO_LARGE_RUNS = [
    ("chain dense", SEED_APP, ["--record", "dense", "-n", "1e7"], 100_000),
    ("chain failures", SEED_APP, ["--record", "failures", "-n", "1e7"], 100_000),
    ("chain none", SEED_APP, ["--record", "none", "-n", "1e5"], 3_000),
    ("structure dense", STRUCTURE, ["--record", "dense", "-n", "1e6"], 20_000),
    ("structure failures", STRUCTURE, ["--record", "failures", "-n", "1e7"], 20_000),
    ("structure none", STRUCTURE, ["--record", "none", "-n", "1e5"], 3_000),
]


@pytest.mark.parametrize("name,scenario,args,limit", FILE_TOO_LARGE_RUNS,
                         ids=[r[0] for r in FILE_TOO_LARGE_RUNS])
def test_a_full_disk_is_an_io_error_not_a_crash(root, tmp_path, name, scenario, args, limit):
    out = tmp_path / "out.h5"
    proc = subprocess.run([nines_binary(), "run", str(root / scenario), *args, "-o", str(out),
                           "--quiet"], capture_output=True, text=True,
                          preexec_fn=limited_file_size(limit))
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert "File too large" in proc.stderr
    assert os.listdir(tmp_path) == []


def test_a_full_disk_while_a_sweep_records_requests_is_an_io_error(root, tmp_path):
    out = tmp_path / "s.h5"
    proc = subprocess.run([nines_binary(), "sweep", str(root / SMALL_SWEEP), "--record-requests",
                           "-o", str(out), "--quiet"], capture_output=True, text=True,
                          preexec_fn=limited_file_size(200_000))
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert "File too large" in proc.stderr
    # What a resume needs stays: the journal and the last complete partial file.
    assert sorted(os.listdir(tmp_path)) == ["s.h5", "s.h5.journal"]
    with h5py.File(out, "r") as f:
        assert int(f.attrs["complete"]) == 0


@pytest.fixture
def small_tmpfs(tmp_path):
    """A 256 KiB tmpfs, where mounting is permitted (root, outside restricted containers)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_no_space_left_on_device_is_an_io_error_and_leaves_nothing(root, small_tmpfs):
    for args in (["--record", "dense", "-n", "1e8"], ["--record", "failures", "-n", "1e7"]):
        proc = subprocess.run([nines_binary(), "run", str(root / SEED_APP), *args,
                               "-o", str(small_tmpfs / "out.h5"), "--quiet"],
                              capture_output=True, text=True)
        assert proc.returncode == 1, (proc.returncode, proc.stderr)
        assert "No space left on device" in proc.stderr
        assert os.listdir(small_tmpfs) == []


# ---- signals -------------------------------------------------------------------------------

def catches(pid, sig):
    """True once the process has a handler for `sig` (the SigCgt mask of /proc/PID/status)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) & (1 << (sig - 1)))
    except FileNotFoundError:
        pass
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_right_after_start_up_exits_130_and_leaves_nothing(root, tmp_path, sig):
    if not os.path.exists(f"/proc/{os.getpid()}/status"):
        pytest.skip("needs /proc to see when the handlers are installed")
    for attempt in range(10):
        out = tmp_path / f"out{attempt}.h5"
        proc = subprocess.Popen([nines_binary(), "run", str(root / SEED_APP), "-n", "1e11",
                                 "--record", "none", "-o", str(out)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # The earliest moment the program can act on a signal: the dynamic loader is done and
        # main() has installed its handlers, before it parses anything.
        try:
            assert wait_for(lambda: catches(proc.pid, sig), 30, proc)
            proc.send_signal(sig)
            _, stderr = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == 130, stderr
        assert "interrupted" in stderr
    assert os.listdir(tmp_path) == []


# ---- sweep journals ------------------------------------------------------------------------

def with_crc(text):
    return f"{text} {zlib.crc32(text.encode()):08x}"


@pytest.fixture(scope="module")
def reference(root, tmp_path_factory):
    out = tmp_path_factory.mktemp("reference") / "ref.h5"
    subprocess.run([nines_binary(), "sweep", str(root / SMALL_SWEEP), "-o", str(out), "--quiet"],
                   check=True)
    return out


def journal_of(reference, points):
    """The journal an interrupted run of the small sweep leaves after finishing `points`: the
    header and records rebuilt from the complete reference file (the same sweep, so the same
    counts)."""
    with h5py.File(reference, "r") as f:
        header = (f"nines-sweep-journal 1 points={int(f.attrs['points'])} "
                  f"sweep-sha256={f.attrs['sweep_sha256']} "
                  f"base-sha256={f.attrs['base_scenario_sha256']} sampler=auto")
        lines = [with_crc(header)]
        offsets = f["offsets/point_components"][...]
        for i in points:
            counts = f["point_components/failures"][offsets[i]:offsets[i + 1]]
            requests = int(f["points/requests"][i])
            lines.append(with_crc(f"P {i} {requests} {len(counts)} " +
                                  " ".join(str(int(c)) for c in counts)))
    return "\n".join(lines) + "\n"


def sweep(nines, root, out, *extra):
    return nines("sweep", root / SMALL_SWEEP, "-o", out, *extra, check=False)


def test_a_flipped_byte_mid_journal_keeps_the_other_records(nines, root, tmp_path, reference):
    out = tmp_path / "s.h5"
    text = journal_of(reference, range(8))
    lines = text.split("\n")
    lines[5] = lines[5][:4] + ("7" if lines[5][4] != "7" else "8") + lines[5][5:]  # record 5
    (tmp_path / "s.h5.journal").write_text("\n".join(lines))
    proc = sweep(nines, root, out)
    assert proc.returncode == 0, proc.stderr
    assert ("nines: note: '" + str(out) + ".journal': kept 7 of 8 lines after the header; "
            "dropped line 6 (checksum mismatch; apparently point 4); points without a kept "
            "record are sampled again") in proc.stderr
    assert "7 of 8 points already done" in proc.stderr
    assert not os.path.exists(f"{out}.journal")
    assert_same(out, reference)


def test_crlf_journal_is_converted_and_kept(nines, root, tmp_path, reference):
    out = tmp_path / "s.h5"
    (tmp_path / "s.h5.journal").write_bytes(journal_of(reference, [0, 3, 6]).replace(
        "\n", "\r\n").encode())
    proc = sweep(nines, root, out)
    assert proc.returncode == 0, proc.stderr
    assert "converted its CRLF (Windows) line endings" in proc.stderr
    assert "3 of 8 points already done" in proc.stderr
    assert_same(out, reference)


def test_random_bytes_are_not_a_journal(nines, root, tmp_path):
    out = tmp_path / "s.h5"
    journal = tmp_path / "s.h5.journal"
    noise = np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    journal.write_bytes(noise)
    for flags in ([], ["--restart"], ["--restart", "--force"], ["--resume"]):
        proc = sweep(nines, root, out, *flags)
        assert proc.returncode == 2, proc.stderr
        assert "not a nines sweep journal; nines will not read, continue or delete it" in \
            proc.stderr
        assert journal.read_bytes() == noise
    assert sorted(os.listdir(tmp_path)) == ["s.h5.journal"]


def test_a_foreign_journal_protects_the_output(nines, root, tmp_path):
    out = tmp_path / "s.h5"
    out.write_text("someone's results")
    journal = tmp_path / "s.h5.journal"
    journal.write_text("my notes about s.h5\n")
    for flags in ([], ["--force"], ["--restart"], ["--force", "--restart"]):
        proc = sweep(nines, root, out, *flags)
        assert proc.returncode == 2, proc.stderr
        assert "not a nines sweep journal" in proc.stderr
    assert out.read_text() == "someone's results"
    assert journal.read_text() == "my notes about s.h5\n"


def test_a_deleted_header_line_is_called_that(nines, root, tmp_path, reference):
    out = tmp_path / "s.h5"
    journal = tmp_path / "s.h5.journal"
    text = journal_of(reference, [0, 1, 2])
    headless = text[text.index("\n") + 1:]
    journal.write_text(headless)
    proc = sweep(nines, root, out)
    assert proc.returncode == 2, proc.stderr
    assert ("is a nines sweep journal (3 finished points) but it has no header line (its first "
            "line is a point record), so it cannot be matched to this sweep; use --restart"
            ) in proc.stderr
    assert "different sweep" not in proc.stderr
    assert journal.read_text() == headless
    nines("sweep", root / SMALL_SWEEP, "-o", out, "--restart", "--quiet")
    assert_same(out, reference)


def test_a_damaged_header_is_called_that(nines, root, tmp_path, reference):
    out = tmp_path / "s.h5"
    journal = tmp_path / "s.h5.journal"
    text = journal_of(reference, [0, 1])
    journal.write_text(text[:25] + ("0" if text[25] != "0" else "1") + text[26:])
    proc = sweep(nines, root, out)
    assert proc.returncode == 2, proc.stderr
    assert "but its header line fails its checksum" in proc.stderr


def test_restart_never_overwrites_a_file_without_force(nines, root, tmp_path):
    sweep_file = tmp_path / "small.sweep.yaml"
    shutil.copy(root / SMALL_SWEEP, sweep_file)
    shutil.copy(root / "tests/sweeps/base.yaml", tmp_path / "base.yaml")
    before = sweep_file.read_bytes()
    proc = nines("sweep", sweep_file, "-o", sweep_file, "--restart", check=False)
    assert proc.returncode == 2, proc.stderr
    assert "already exists" in proc.stderr and "--restart discards a journal" in proc.stderr
    assert sweep_file.read_bytes() == before
    resume = nines("sweep", sweep_file, "-o", sweep_file, "--resume", check=False)
    assert resume.returncode == 2 and sweep_file.read_bytes() == before


def test_continuing_a_journal_replaces_only_its_own_sweep_file(nines, root, tmp_path, reference):
    out = tmp_path / "s.h5"
    journal = tmp_path / "s.h5.journal"
    # The journal's own partial file (here: a copy of the same sweep's file) is replaced.
    shutil.copy(reference, out)
    journal.write_text(journal_of(reference, [0, 1]))
    nines("sweep", root / SMALL_SWEEP, "-o", out, "--quiet")
    assert_same(out, reference)
    # Anything else at the output needs --force, journal or not.
    out.write_text("someone's results")
    journal.write_text(journal_of(reference, [0, 1]))
    proc = sweep(nines, root, out)
    assert proc.returncode == 2, proc.stderr
    assert f"output file '{out}' already exists and is not the sweep file of" in proc.stderr
    assert out.read_text() == "someone's results"
    nines("sweep", root / SMALL_SWEEP, "-o", out, "--force", "--quiet")
    assert_same(out, reference)
