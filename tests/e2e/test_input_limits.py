"""Issue 14's inputs that crashed nines, ran it out of memory or never finished: each now ends
in a clear error (exit 2) within a memory limit and a timeout, the same way for `validate`,
`run` and `sweep`. Memory is bounded with RLIMIT_AS (or, for an AddressSanitizer build, which
cannot run under it, with ASan's hard_rss_limit_mb); time with a timeout, never measured."""
import os
import resource
import subprocess

import pytest

from conftest import nines_binary

MEMORY_LIMIT = 1 << 30  # 1 GiB: the runaway inputs took 10 to 24 GB
TIMEOUT = 120  # seconds; every case here ends in well under one on a quiet machine

CHAIN = "format_version: 1\nname: c\ncomponents:\n  - {name: a, reliability: 0.9}\n"
STRUCTURE_HEAD = "format_version: 2\nname: s\ncomponents:\n  - {name: a, reliability: 0.9}\n"


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.fixture(scope="session")
def bounded():
    """Runs nines with bounded memory and time; returns the CompletedProcess."""
    binary = nines_binary()
    env = dict(os.environ)
    preexec = _limit_memory
    probe = subprocess.run([binary, "--version"], capture_output=True, preexec_fn=_limit_memory)
    if probe.returncode != 0:  # a sanitizer build reserves terabytes of address space
        preexec = None
        options = env.get("ASAN_OPTIONS", "")
        env["ASAN_OPTIONS"] = (options + ":" if options else "") + \
            f"hard_rss_limit_mb={MEMORY_LIMIT >> 20}:detect_leaks=0"

    def run(*args, cwd=None):
        proc = subprocess.run([binary, *map(str, args)], capture_output=True, timeout=TIMEOUT,
                              preexec_fn=preexec, env=env, cwd=cwd)
        proc.stdout = proc.stdout.decode("utf-8", "backslashreplace")
        proc.stderr = proc.stderr.decode("utf-8", "backslashreplace")
        return proc

    return run


def expect_input_error(proc, needle):
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert needle in proc.stderr, proc.stderr
    # One line: "nines: error: ...", nothing raw after it, no crash report.
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("nines: error: "), proc.stderr
    assert "\r" not in proc.stderr and "\x00" not in proc.stderr


def validate_and_run(bounded, tmp_path, path, needle):
    """validate and run refuse the file with the same message; run leaves no file behind."""
    out = tmp_path / "out.h5"
    checked = bounded("validate", path)
    expect_input_error(checked, needle)
    ran = bounded("run", path, "-n", "1000", "-o", out, "--quiet")
    expect_input_error(ran, needle)
    assert ran.stderr == checked.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name])


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path


# --- yaml-cpp 0.7's runaway documents (upstream issue 1040) ----------------------------------

COMMAS = {
    "comma": ",",
    "quoted-comma": '"a",',
    "list-comma": "[a],",
    "mapping-comma": "{a: b},",
    "flow-chain-trailing-comma":
        "{format_version: 1, name: c, components: [{name: a, reliability: 0.9}]},",
    "flow-structure-trailing-comma":
        "{format_version: 2, name: s, components: [{name: a, reliability: 0.9}]},\n",
    "dash-comma": "- ,",
}


@pytest.mark.parametrize("name", sorted(COMMAS))
def test_a_stray_comma_is_a_syntax_error_not_endless_memory(bounded, tmp_path, name):
    path = write(tmp_path, f"{name}.yaml", COMMAS[name])
    validate_and_run(bounded, tmp_path, path, 'YAML syntax error: unexpected ","')


@pytest.mark.parametrize("text", [",", '"a",', "[a],", "{a: b},",
                                  "{format_version: 1, kind: sweep, name: s, "
                                  "chain: {count: 2, reliability: 0.9}},"])
def test_a_stray_comma_in_a_sweep_file(bounded, tmp_path, text):
    path = write(tmp_path, "s.sweep.yaml", text)
    proc = bounded("sweep", path, "-o", tmp_path / "s.h5", "--quiet")
    expect_input_error(proc, 'YAML syntax error: unexpected ","')
    assert not (tmp_path / "s.h5").exists()


# --- crashes: aliases that contain themselves, deeply nested blocks ---------------------------

@pytest.mark.parametrize("body", [
    "request_kinds:\n  - name: r\n    path: &q [a, *q]\n",
    "blocks:\n  x: &q [a, *q]\n",
])
def test_an_alias_inside_itself_is_refused(bounded, tmp_path, body):
    path = write(tmp_path, "alias.yaml", STRUCTURE_HEAD + body)
    validate_and_run(bounded, tmp_path, path, 'the alias "*q" is inside the node it names')


def nested_blocks(levels, shapes):
    lines = [STRUCTURE_HEAD.rstrip("\n"), "  - {name: y, reliability: 0.8}", "blocks:"]
    for i in range(1, levels + 1):
        previous = "a" if i == 1 else f"d{i - 1}"
        lines.append(f"  d{i}: " + shapes[i % len(shapes)].replace("@", previous))
    lines += ["request_kinds:", f"  - {{name: r, path: d{levels}}}"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels,shapes", [
    (10_000, ["[@]"]),
    (4_000, ["{series: [@, y]}", "{parallel: [y, @]}", "{k_of_n: {k: 1, of: [@, a]}}", "[@]"]),
])
def test_deeply_nested_blocks_are_refused_at_the_depth_limit(bounded, tmp_path, levels, shapes):
    path = write(tmp_path, "deep.yaml", nested_blocks(levels, shapes))
    validate_and_run(bounded, tmp_path, path, "blocks.d100: this block nests 101 levels deep")


def test_nesting_deeper_than_yaml_allows_names_the_limit(bounded, tmp_path):
    path = write(tmp_path, "nest.yaml", "format_version: 1\nname: c\ncomponents: "
                 + "[" * 2000 + "]" * 2000 + "\n")
    validate_and_run(bounded, tmp_path, path, "nested more than 400 levels deep")


# --- accepted but never finishing: bombs ------------------------------------------------------

def test_a_block_bomb_is_counted_not_expanded(bounded, tmp_path):
    lines = [STRUCTURE_HEAD.rstrip("\n"), "blocks:", "  b0: a"]
    lines += [f"  b{i}: [b{i - 1}, b{i - 1}]" for i in range(1, 41)]
    lines += ["request_kinds:", "  - {name: r, path: b40}"]
    path = write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    validate_and_run(bounded, tmp_path, path, "blocks.b19: this block expands to 1048575")


def test_an_alias_bomb_is_counted_not_walked(bounded, tmp_path):
    lines = [STRUCTURE_HEAD.rstrip("\n"), "blocks:", "  l0: &l0 [a, a, a, a, a, a, a, a, a, a]"]
    lines += [f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 10)]
    path = write(tmp_path, "laughs.yaml", "\n".join(lines) + "\n")
    validate_and_run(bounded, tmp_path, path, "more than 1000000 values")


def test_a_sweep_too_large_is_refused_before_its_points_exist(bounded, tmp_path):
    path = write(tmp_path, "big.sweep.yaml",
                 "format_version: 1\nkind: sweep\nname: s\nchain: {count: 100000, "
                 "reliability: 0.9}\nreplications: 1000000\n")
    proc = bounded("sweep", path, "-o", tmp_path / "s.h5", "--quiet")
    expect_input_error(proc, "the sweep has more than 10000000 component values")
    assert not (tmp_path / "s.h5").exists()


def test_an_endless_input_is_read_only_to_the_size_limit(bounded):
    expect_input_error(bounded("validate", "/dev/zero"), "larger than 16777216 bytes")


# --- encodings ---------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding,name", [
    ("utf-16-le", "UTF-16 (little-endian)"),
    ("utf-16-be", "UTF-16 (big-endian)"),
    ("utf-16", "UTF-16 (little-endian, with a byte-order mark)"),
    ("utf-32-le", "UTF-32 (little-endian)"),
    ("utf-32", "UTF-32 (little-endian, with a byte-order mark)"),
])
def test_utf16_and_utf32_are_refused_by_validate_and_run_alike(bounded, tmp_path, encoding, name):
    path = write(tmp_path, "wide.yaml", CHAIN.encode(encoding))
    validate_and_run(bounded, tmp_path, path, f"the file is {name} text; nines reads UTF-8 only")


def test_invalid_utf8_is_refused_with_its_position(bounded, tmp_path):
    path = write(tmp_path, "latin1.yaml", CHAIN.replace("name: c", "name: caf\xe9").encode("latin-1"))
    validate_and_run(bounded, tmp_path, path, "latin1.yaml:2:10: the byte \\xe9 is not UTF-8")


def test_a_utf8_byte_order_mark_is_accepted(bounded, tmp_path):
    path = write(tmp_path, "bom.yaml", b"\xef\xbb\xbf" + CHAIN.encode())
    assert bounded("validate", path).returncode == 0
    proc = bounded("run", path, "-n", "1000", "-o", tmp_path / "bom.h5", "--quiet")
    assert proc.returncode == 0, proc.stderr
    import h5py
    with h5py.File(tmp_path / "bom.h5") as f:
        text = f.attrs["scenario_yaml"]
    assert (text.decode() if isinstance(text, bytes) else text) == CHAIN  # the mark dropped


# --- messages ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text,needle", [
    (CHAIN.replace("name: c", "name: na\u00efve"), 'name: "na\u00efve" contains "\u00ef"'),
    (CHAIN.replace("name: c", 'name: "ab\\0cd"'), 'name: "ab\\0cd" contains "\\0"'),
    (CHAIN.replace("name: c", 'name: "a\\\rb"'), '"\\" followed by "\\r" is not a YAML escape'),
    (CHAIN.replace("name: c", 'name: "a\\\u00e9"'), '"\\" followed by "\u00e9" is not a YAML escape'),
    (STRUCTURE_HEAD + "request_kinds:\n  - {name: r, path: {k_of_n: "
     "{k: 99999999999999999999999, of: [a]}}}\n",
     '"99999999999999999999999" is larger than the 1 blocks listed in of'),
])
def test_values_are_quoted_as_written(bounded, tmp_path, text, needle):
    path = write(tmp_path, "m.yaml", text)
    validate_and_run(bounded, tmp_path, path, needle)


def test_missing_files_are_input_errors(bounded, tmp_path):
    missing = tmp_path / "nope.yaml"
    for command in (["validate", missing], ["run", missing, "-o", tmp_path / "x.h5"]):
        expect_input_error(bounded(*command),
                           f"{missing}: cannot read the scenario file: No such file or directory")
    expect_input_error(bounded("sweep", missing, "-o", tmp_path / "x.h5"),
                       f"{missing}: cannot read the sweep file: No such file or directory")
    expect_input_error(bounded("validate", tmp_path), "cannot read the scenario file: Is a directory")


def test_the_readme_inline_sweep_syntax_runs(bounded, tmp_path):
    path = write(tmp_path, "inline.sweep.yaml",
                 "format_version: 1\nkind: sweep\nname: inline\n"
                 "scenario: {components: [{name: a, reliability: 0.9}]}\n"
                 "run: {requests: 1000, seed: 3}\n"
                 "grid:\n  components[a].reliability: [0.9, 0.99]\n")
    out = tmp_path / "inline.h5"
    proc = bounded("sweep", path, "-o", out, "--quiet", "--threads", "1")
    assert proc.returncode == 0, proc.stderr
    assert out.exists()


def test_inline_sweep_errors_keep_the_path_apart(bounded, tmp_path):
    path = write(tmp_path, "inline.sweep.yaml",
                 "format_version: 1\nkind: sweep\nname: inline\n"
                 "scenario: {colour: red, components: [{name: a, reliability: 0.9}]}\n")
    expect_input_error(bounded("sweep", path, "-o", tmp_path / "x.h5"),
                       'inline.sweep.yaml:4:12: scenario: unknown key "colour"')
