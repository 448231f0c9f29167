"""The command line as GNU tools take it (CLI11): attached and = values, combined flags, --;
the generated bash completion and man page."""
import os
import shutil
import subprocess

import h5py
import pytest

from conftest import nines_binary

SEED_APP = "scenarios/seed-app.yaml"


def requests_in(path):
    with h5py.File(path, "r") as f:
        return int(f.attrs["requests"])


@pytest.mark.parametrize("spelling", [["-n1e4"], ["-n", "1e4"], ["--requests=1e4"],
                                      ["--requests", "10k"]])
def test_value_spellings(nines, root, tmp_path, spelling):
    out = tmp_path / "x.h5"
    nines("run", root / SEED_APP, *spelling, "-qfo", out)
    assert requests_in(out) == 10_000


def test_combined_flags_and_double_dash(nines, root, tmp_path):
    odd = tmp_path / "-odd.yaml"
    shutil.copy(root / SEED_APP, odd)
    out = tmp_path / "x.h5"
    out.write_bytes(b"old")
    # -qf: quiet and force; after --, "-odd.yaml" is the scenario, not -o dd.yaml.
    proc = nines("run", "-qfn", "2k", "-o", out, "--", "-odd.yaml", cwd=tmp_path)
    assert proc.stdout == "" and requests_in(out) == 2000


def test_sweep_and_validate_accept_json(nines, root):
    # What they print is the JSON writer's business; the flag itself must parse.
    for command in ("sweep", "validate"):
        proc = nines(command, "--json", "--help")
        assert "--json" in proc.stdout


def test_help_lists_every_option_for_man_page(nines):
    text = nines("--help-all").stdout
    for command in ("run", "validate", "sweep", "allocate"):
        assert f"nines {command} FILE" in text
        for line in nines(command, "--help").stdout.splitlines():
            if line.startswith("  -"):
                assert line.split()[0].rstrip(",") in text


def build_file(name):
    path = os.path.join(os.path.dirname(nines_binary()), name)
    if not os.path.exists(path):
        pytest.skip(f"{path} not built (target nines_completion / nines_man)")
    return path


def complete(words):
    """The words bash completion offers for the command line `words` (the last is the word
    under the cursor)."""
    script = (f"source {build_file('nines.bash')}\n"
              f"COMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}\n"
              "_nines; printf '%s\\n' \"${COMPREPLY[@]}\"\n")
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True)
    return proc.stdout.split()


def test_bash_completion(nines):
    assert {"run", "validate", "sweep", "allocate"} <= set(complete(["nines", ""]))
    assert complete(["nines", "sw"]) == ["sweep"]
    assert complete(["nines", "run", "--req"]) == ["--requests"]
    assert set(complete(["nines", "run", "x.yaml", "--record", ""])) == {
        "dense", "failures", "none", "outages", "requests"}
    assert complete(["nines", "run", "--color", "al"]) == ["always"]
    assert "--resume" in complete(["nines", "sweep", "--"])
    assert "--resume" not in complete(["nines", "run", "--"])
    assert "--json" in complete(["nines", "validate", "--"])
    assert complete(["nines", "run", "-n", ""]) == []  # a number: nothing to offer
    assert open(build_file("nines.bash")).read() == nines("--completion", "bash").stdout


def test_man_page(nines):
    page = open(build_file("nines.1")).read().replace("\\-", "-")
    assert page.startswith(".\\\" DO NOT MODIFY THIS FILE!") or ".TH NINES" in page
    for command in ("run", "validate", "sweep", "allocate"):
        assert f'.SS "nines {command}' in page
    for option in ("--requests", "--color", "--record-requests", "--target", "--version"):
        assert option in page


def test_completion_needs_a_known_shell(nines):
    proc = nines("--completion", "fish", check=False)
    assert proc.returncode == 2 and "nines --completion bash" in proc.stderr
