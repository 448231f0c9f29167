"""scripts/install-deps: on Debian as root it apt-get installs what dpkg lacks; not root, or on a
system without dpkg-query and apt-get, it never fails with "command not found" but names what is
missing and how to get it, and exits 1 only when something needed (not optional) is missing.

The script runs with a PATH of our own (a directory of links to the few tools it may use, plus
fake dpkg-query, apt-get and id where a case needs them), and, for the cases off Debian, from a
copy beside package lists of our own, so that no case depends on what this machine has."""
import os
import pathlib
import re
import shutil
import stat
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "install-deps"
LISTS = ROOT / "scripts" / "packages"
# What the script itself runs besides the checks: bash (through env), dirname, grep, cat, id.
TOOLS = ["bash", "env", "dirname", "grep", "cat", "id"]


def write_executable(path, text):
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


@pytest.fixture
def fake_bin(tmp_path):
    """A PATH directory with the script's tools and nothing else; add(name) links another real
    command, add(name, script) puts a fake of it in place."""
    directory = tmp_path / "bin"
    directory.mkdir()

    def add(name, script=None):
        target = directory / name
        if target.is_symlink() or target.exists():
            target.unlink()  # never write through a link into the real command
        if script is not None:
            write_executable(target, script)
            return
        # python3: this interpreter (Debian's), not whichever python3 comes first on PATH.
        real = sys.executable if name == "python3" else shutil.which(name)
        assert real, f"{name} is needed for this test"
        target.symlink_to(real)

    for tool in TOOLS:
        add(tool)
    add.path = directory
    return add


def run_script(fake_bin, *args, script=SCRIPT, env_extra=None):
    env = {"PATH": str(fake_bin.path), "HOME": os.environ.get("HOME", "/tmp"), "LC_ALL": "C"}
    env.update(env_extra or {})
    return subprocess.run([str(script), *args], capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.fixture
def own_lists(tmp_path):
    """A copy of the script beside package lists that the test writes: lists(set=text)."""
    scripts = tmp_path / "scripts"
    (scripts / "packages").mkdir(parents=True)
    shutil.copy2(SCRIPT, scripts / "install-deps")

    def lists(**sets):
        for name in ["build", "test", "analysis"]:
            (scripts / "packages" / f"{name}.txt").write_text(sets.get(name, "# empty\n"))
        return scripts / "install-deps"

    return lists


def fake_dpkg(missing):
    """dpkg-query -W -f='${Status}' PACKAGE, saying every package is installed but `missing`."""
    cases = "|".join(missing) or "-no-such-package-"
    return ("#!/bin/sh\n"
            'for last; do :; done\n'
            f'case "$last" in {cases}) exit 1 ;; esac\n'
            'printf "install ok installed"\n')


def fake_id(uid):
    return f"#!/bin/sh\necho {uid}\n"


# Off Debian: no dpkg-query, no apt-get.

def test_without_dpkg_a_missing_command_is_named_with_its_package(fake_bin, own_lists):
    fake_bin("cmake")
    script = own_lists(build="cmake  cmd:cmake\n"
                             "ninja-build  cmd:ninja-nines-test-absent  # a build tool\n")
    proc = run_script(fake_bin, "build", script=script)
    assert proc.returncode == 1, proc.stderr
    assert "command not found" not in proc.stderr
    assert "not Debian or Ubuntu" in proc.stderr
    assert "ninja-build (command ninja-nines-test-absent not found)" in proc.stderr
    assert "cmake (" not in proc.stderr  # it is there
    assert "Other platforms" in proc.stderr


def test_without_dpkg_headers_and_python_modules_are_checked(fake_bin, own_lists):
    fake_bin("c++")
    fake_bin("python3")
    script = own_lists(build="libc-dev header:stdio.h\nlibfoo-dev header:nines-test-absent.h\n",
                       analysis="python3-stdlib py:json\npython3-foo py:nines_test_absent\n")
    proc = run_script(fake_bin, "build", "analysis", script=script)
    assert proc.returncode == 1
    assert "libfoo-dev (header <nines-test-absent.h> not found)" in proc.stderr
    assert "python3-foo (Python module nines_test_absent not found)" in proc.stderr
    assert "libc-dev" not in proc.stderr and "python3-stdlib" not in proc.stderr


def test_without_dpkg_everything_found_is_success(fake_bin, own_lists):
    fake_bin("cmake")
    script = own_lists(build="cmake  cmd:cmake\nlibclang-rt-14-dev  -\n")
    proc = run_script(fake_bin, script=script)
    assert proc.returncode == 0, proc.stderr
    assert "all found" in proc.stdout
    # What cannot be checked without dpkg is said, not counted as missing.
    assert "not checkable without dpkg" in proc.stdout and "libclang-rt-14-dev" in proc.stdout


def test_without_dpkg_only_optional_missing_is_success(fake_bin, own_lists):
    fake_bin("cmake")
    script = own_lists(build="cmake  cmd:cmake\nopenmpi-bin  cmd:mpirun-nines-test-absent  optional\n")
    proc = run_script(fake_bin, "build", script=script)
    assert proc.returncode == 0, proc.stderr
    assert "openmpi-bin (command mpirun-nines-test-absent not found)" in proc.stderr
    assert "optional" in proc.stderr


def test_without_a_compiler_headers_are_reported_uncheckable(fake_bin, own_lists):
    script = own_lists(build="libfoo-dev header:stdio.h\n")
    proc = run_script(fake_bin, "build", script=script, env_extra={"CXX": "nines-test-no-cxx"})
    assert proc.returncode == 0, proc.stderr
    assert "not checkable without dpkg" in proc.stdout and "libfoo-dev" in proc.stdout


def test_the_real_lists_run_without_dpkg(fake_bin):
    """The shipped lists, off Debian: whatever this machine lacks, a clear report and 0 or 1."""
    for tool in ["c++", "python3"]:
        if shutil.which(tool):
            fake_bin(tool)
    proc = run_script(fake_bin, "all")
    assert proc.returncode in (0, 1), proc.stderr
    assert "command not found" not in proc.stderr
    assert "not Debian or Ubuntu" in proc.stdout + proc.stderr


# Debian or Ubuntu: dpkg-query says what is installed.

def test_debian_not_root_names_the_packages_and_sudo(fake_bin):
    fake_bin("dpkg-query", fake_dpkg(["ninja-build", "catch2"]))
    fake_bin("id", fake_id(1000))
    fake_bin("apt-get", "#!/bin/sh\necho apt-get must not run >&2\nexit 99\n")
    proc = run_script(fake_bin, "build")
    assert proc.returncode == 1
    assert "missing for build: ninja-build" in proc.stderr
    assert "catch2" not in proc.stderr  # a test package, not asked for
    assert "sudo" in proc.stderr and "scripts/install-deps build" in proc.stderr
    assert "apt-get install ninja-build" in proc.stderr
    assert "must not run" not in proc.stderr


def test_debian_not_root_only_optional_missing_is_success(fake_bin):
    fake_bin("dpkg-query", fake_dpkg(["openmpi-bin"]))
    fake_bin("id", fake_id(1000))
    proc = run_script(fake_bin, "build")
    assert proc.returncode == 0, proc.stderr
    assert "optional, not installed: openmpi-bin" in proc.stderr


def test_debian_all_present(fake_bin):
    fake_bin("dpkg-query", fake_dpkg([]))
    fake_bin("id", fake_id(1000))
    proc = run_script(fake_bin, "test", "analysis")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"all \d+ packages of test analysis present", proc.stdout)


def test_debian_root_installs_only_what_is_missing(fake_bin, tmp_path):
    log = tmp_path / "apt-get.log"
    fake_bin("dpkg-query", fake_dpkg(["python3-xarray", "help2man"]))
    fake_bin("id", fake_id(0))
    fake_bin("apt-get", f'#!/bin/sh\necho "$@" >> {log}\n')
    proc = run_script(fake_bin, "build", "analysis")
    assert proc.returncode == 0, proc.stderr
    calls = log.read_text().splitlines()
    assert calls[0] == "update -qq"
    assert calls[1].split()[:3] == ["install", "-y", "-qq"]
    assert sorted(calls[1].split()[3:]) == ["help2man", "python3-xarray"]


def test_check_never_installs(fake_bin, tmp_path):
    log = tmp_path / "apt-get.log"
    fake_bin("dpkg-query", fake_dpkg(["cmake"]))
    fake_bin("id", fake_id(0))
    fake_bin("apt-get", f'#!/bin/sh\necho "$@" >> {log}\n')
    proc = run_script(fake_bin, "--check", "build")
    assert proc.returncode == 1
    assert "missing for build: cmake" in proc.stderr
    assert not log.exists()


def test_a_bad_set_is_a_usage_error(fake_bin):
    proc = run_script(fake_bin, "everything")
    assert proc.returncode == 2
    assert "unknown set or option 'everything'" in proc.stderr and "Usage:" in proc.stderr


# The shipped lists.

def entries(name):
    for line in (LISTS / f"{name}.txt").read_text().splitlines():
        fields = line.split("#", 1)[0].split()
        if fields:
            yield fields


@pytest.mark.parametrize("name", ["build", "test", "analysis"])
def test_every_list_line_is_package_check_and_optional_flag(name):
    packages = []
    for fields in entries(name):
        assert 2 <= len(fields) <= 3, fields
        assert re.fullmatch(r"[a-z0-9][a-z0-9+.-]+", fields[0]), fields
        assert fields[1] == "-" or re.fullmatch(r"(cmd|header|py):\S+", fields[1]), fields
        assert len(fields) == 2 or fields[2] == "optional", fields
        packages.append(fields[0])
    assert len(packages) == len(set(packages)), f"{name}.txt lists a package twice"


def test_lists_hold_what_the_engine_tests_and_package_use():
    build = {f[0] for f in entries("build")}
    test = {f[0] for f in entries("test")}
    analysis = {f[0] for f in entries("analysis")}
    assert {"cmake", "libhdf5-dev", "libtbb-dev", "libyaml-cpp-dev", "libcli11-dev",
            "nlohmann-json3-dev", "help2man"} <= build
    assert {"catch2", "python3-pytest", "python3-jsonschema", "clang-format"} <= test
    assert {"python3-h5py", "python3-pandas", "python3-scipy", "python3-matplotlib",
            "python3-xarray", "python3-h5netcdf", "python3-venv", "python3-setuptools"} <= analysis
    # A build needs nothing from the test tools (README: quickstart needs only build).
    assert not {"clang-format", "catch2"} & build
