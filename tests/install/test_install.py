"""`cmake --install` gives a usable nines: the files are in place, the CMake package and the
pkg-config file name no path of the source or build tree and impose none of our warning flags,
and a project outside the tree (tests/install/consumer) builds against the installed engine both
ways, runs a scenario through it, and gets the very counts the installed `nines run` gets."""
import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest

from conftest import run

REQUESTS = 300_000
SEED = 7


def consumer_compiler():
    """The compiler and launcher (ccache) of the build under test, as CTest passes them."""
    return os.environ.get("NINES_CXX") or shutil.which("c++") or "c++", \
        os.environ.get("NINES_CXX_LAUNCHER", "")


def values_of(obj, key):
    """Every value stored under `key` anywhere in a JSON document."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == key:
                yield v
            yield from values_of(v, key)
    elif isinstance(obj, list):
        for v in obj:
            yield from values_of(v, key)


@pytest.fixture(scope="session")
def scenario(prefix):
    path = prefix / "share" / "nines" / "scenarios" / "seed-app.yaml"
    assert path.is_file(), "the example scenarios are not installed"
    return path


@pytest.fixture(scope="session")
def reference(prefix, scenario, tmp_path_factory):
    """What the installed CLI says about the run the consumer makes."""
    out = tmp_path_factory.mktemp("reference") / "reference.h5"
    proc = run([prefix / "bin" / "nines", "run", scenario, "-n", REQUESTS, "--seed", SEED,
                "--record", "none", "--json", "-o", out])
    return json.loads(proc.stdout)


def check_consumer_output(text, reference, tmp_path):
    lines = dict(line.split(" ", 1) for line in text.strip().splitlines())
    failures = re.fullmatch(r"(\d+) of (\d+) requests", lines["failures"])
    assert failures, text
    assert int(failures[2]) == REQUESTS
    # Same scenario, seed and request count: the same counts as the CLI, to the request.
    assert int(failures[1]) in set(values_of(reference, "failures")), (text, reference)
    assert float(lines["analytic"].split()[1]) == pytest.approx(0.984986, abs=5e-7)
    assert lines["scenario"].startswith("seed-app, 8 components")
    assert (tmp_path / "out.h5").stat().st_size > 0


def test_files_are_in_place(prefix, libdir, build_dir):
    assert os.access(prefix / "bin" / "nines", os.X_OK)
    # libnines_cli.a holds the command line's commands for the unit tests; it is not the engine.
    built = {p.name for p in (build_dir / "engine").glob("libnines_*.a")} - {"libnines_cli.a"}
    assert built and built == {p.name for p in libdir.glob("libnines_*.a")}
    for header in ["base/version.hpp", "input/scenario_parser.hpp",
                   "pipeline/chain_pipeline.hpp", "io/hdf5.hpp"]:
        assert (prefix / "include" / "nines" / header).is_file(), header
    assert not list((prefix / "include").rglob("*.in")), "templates are not headers"
    for name in ["nines-config.cmake", "nines-config-version.cmake", "nines-targets.cmake"]:
        assert (libdir / "cmake" / "nines" / name).is_file(), name
    assert (libdir / "pkgconfig" / "nines.pc").is_file()


def test_man_page_and_completion_are_installed(prefix, build_dir):
    completion = prefix / "share" / "bash-completion" / "completions" / "nines"
    assert completion.read_text() == (build_dir / "nines.bash").read_text()
    if (build_dir / "nines.1").exists():  # help2man is optional
        assert (prefix / "share" / "man" / "man1" / "nines.1").read_text() == \
            (build_dir / "nines.1").read_text()


def test_installed_cli_runs(prefix, root):
    proc = run([prefix / "bin" / "nines", "--version"])
    version = re.search(r"project\(nines VERSION ([0-9.]+)", (root / "CMakeLists.txt").read_text())[1]
    assert version in proc.stdout


def test_package_files_name_no_source_or_build_path(libdir, root, build_dir):
    files = list((libdir / "cmake" / "nines").glob("*.cmake")) + [libdir / "pkgconfig" / "nines.pc"]
    for path in files:
        text = path.read_text()
        for tree in {str(root), str(build_dir), os.path.realpath(root)}:
            assert tree not in text, f"{path.name} names {tree}"


def test_consumers_do_not_inherit_our_warning_flags(libdir):
    targets = (libdir / "cmake" / "nines" / "nines-targets.cmake").read_text()
    options = " ".join(re.findall(r'INTERFACE_COMPILE_OPTIONS "([^"]*)"', targets))
    pc = (libdir / "pkgconfig" / "nines.pc").read_text()
    for text in [options, pc]:
        for flag in ["-Werror", "-Wall", "-Wconversion", "-march=native"]:
            assert flag not in text
    # What the engine's results rely on does reach them.
    assert "-ffp-contract=off" in options and "-ffp-contract=off" in pc


def test_cmake_consumer_finds_nines_engine(prefix, scenario, reference, tmp_path, root, cmake):
    cxx, launcher = consumer_compiler()
    build = tmp_path / "build"
    configure = [cmake, "-S", root / "tests" / "install" / "consumer", "-B", build,
                 f"-DCMAKE_PREFIX_PATH={prefix}", f"-DCMAKE_CXX_COMPILER={cxx}",
                 "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"]
    if launcher:
        configure.append(f"-DCMAKE_CXX_COMPILER_LAUNCHER={launcher}")
    if shutil.which("ninja"):
        configure += ["-G", "Ninja"]
    run(configure)
    run([cmake, "--build", build, "-j2"])
    compile_line = json.loads((build / "compile_commands.json").read_text())[0]["command"]
    assert "-Werror" not in compile_line and "-Wconversion" not in compile_line
    assert f"{prefix}/include" in compile_line
    proc = run([build / "consumer", scenario, tmp_path / "out.h5", REQUESTS, SEED])
    check_consumer_output(proc.stdout, reference, tmp_path)


def test_pkg_config_consumer_links(prefix, libdir, scenario, reference, tmp_path, root):
    pkg_config = shutil.which("pkg-config")
    if not pkg_config:
        pytest.skip("pkg-config is not installed (Debian: pkg-config)")
    env = dict(os.environ, PKG_CONFIG_PATH=str(libdir / "pkgconfig"))
    flags = run([pkg_config, "--cflags", "--libs", "nines"], env=env).stdout.split()
    cxx, launcher = consumer_compiler()
    binary = tmp_path / "consumer"
    run([*([launcher] if launcher else []), cxx, "-std=c++20", "-O2",
         root / "tests" / "install" / "consumer" / "main.cpp", "-o", binary, *flags])
    proc = run([binary, scenario, tmp_path / "out.h5", REQUESTS, SEED])
    check_consumer_output(proc.stdout, reference, tmp_path)


def test_pkg_config_file_follows_a_moved_prefix(prefix, libdir, tmp_path):
    pkg_config = shutil.which("pkg-config")
    if not pkg_config:
        pytest.skip("pkg-config is not installed (Debian: pkg-config)")
    moved = tmp_path / "moved"
    shutil.copytree(prefix, moved, symlinks=True)
    pcdir = moved / libdir.relative_to(prefix) / "pkgconfig"
    env = dict(os.environ, PKG_CONFIG_PATH=str(pcdir))
    includedir = run([pkg_config, "--variable=includedir", "nines"], env=env).stdout.strip()
    assert os.path.realpath(includedir) == os.path.realpath(moved / "include")
    assert (pathlib.Path(includedir) / "nines" / "base" / "version.hpp").is_file()
