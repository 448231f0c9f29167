"""The HTML report is one self-contained page; the command line writes it and a summary."""
import re
import subprocess
import sys


import nines
from nines.report import render_report, text_summary

from conftest import ANALYSIS


def assert_self_contained(page: str):
    assert "http://" not in page and "https://" not in page
    for match in re.finditer(r'(?:src|href)\s*=\s*"([^"]*)"', page):
        assert match.group(1).startswith("data:"), match.group(0)[:80]
    assert "<link" not in page and "@import" not in page and "url(" not in page


def test_report_is_self_contained_and_complete(synthetic_dense):
    with nines.open(synthetic_dense) as run:
        page = render_report(run, dpi=40)
        s = run.summary
    assert page.startswith("<!DOCTYPE html>")
    assert_self_contained(page)
    assert page.count('src="data:image/png;base64,') == 3
    for text in ("synthetic", "AGREES", "Wilson", "Nines", "DPMO", "Sigma level", "χ²",
                 "format_version: 1", "cache", f"{s.failures:,}"):
        assert text in page, text


def test_report_without_per_request_records(synthetic_none):
    with nines.open(synthetic_none) as run:
        page = render_report(run, dpi=40)
    assert_self_contained(page)
    assert page.count("data:image/png") == 2
    assert "--record none</code>, which keeps no per-request" in page


def run_cli(*args):
    env = {"PYTHONPATH": str(ANALYSIS), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "nines", *map(str, args)], capture_output=True,
                          text=True, env=env, cwd=ANALYSIS)


def test_cli_report_and_summary(synthetic_failures, tmp_path):
    out = tmp_path / "r.html"
    done = run_cli("report", synthetic_failures, "-o", out)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {out}"
    assert_self_contained(out.read_text())
    summary = run_cli("summary", synthetic_failures)
    assert summary.returncode == 0, summary.stderr
    assert "reliability" in summary.stdout and "verdict" in summary.stdout
    assert "cache" in summary.stdout


def test_cli_plain_error(tmp_path):
    bad = tmp_path / "bad.h5"
    bad.write_text("not hdf5")
    done = run_cli("summary", bad)
    assert done.returncode == 2
    assert done.stderr.startswith(f"nines: {bad} is not a nines run file")
    assert "Traceback" not in done.stderr


def test_text_summary(synthetic_dense):
    with nines.open(synthetic_dense) as run:
        text = text_summary(run)
    assert text.splitlines()[0].startswith("synthetic: 2,500,000 requests")
    assert "95% CI" in text and "sigma" in text
