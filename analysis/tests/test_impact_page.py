"""The service-impact page (python3 -m nines impact): self-contained, one panel per component in
the order of nines.impact_table with its numbers, and the command's exit codes (0 written, 2 an
input that cannot be read or an output that may not be replaced, 1 the write failed)."""
from __future__ import annotations

import errno
import html
import os
import re
import subprocess
import sys

import pytest

import nines
from nines import plots
from nines.__main__ import main
from nines.report import output, render_impact_report

from conftest import ANALYSIS, SCENARIOS
from test_impact import files  # noqa: F401 - the module's run and allocation files
from test_report import assert_self_contained


def run_cli(*args):
    env = {"PYTHONPATH": str(ANALYSIS), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "nines", *map(str, args)], capture_output=True,
                          text=True, env=env, cwd=ANALYSIS)


def panels(page: str) -> list[str]:
    """The component names of the page's panels, in order."""
    return [html.unescape(name) for name in
            re.findall(r'<div class="card" id="c\d+"><h3><span class="rank">\d+</span>([^<]+)'
                       r"</h3>", page)]


@pytest.mark.parametrize("kind", ["chain", "structure", "time"])
def test_page_is_self_contained_and_follows_the_table(files, kind):
    with nines.open(files[kind]) as run:
        page = render_impact_report(run, dpi=40)
        table = nines.impact_table(run)
    assert page.startswith("<!DOCTYPE html>")
    assert_self_contained(page)
    assert page.count('src="data:image/png;base64,') == 1
    assert panels(page) == list(table["component"])
    for text in ("What the numbers mean", "Improvement potential", "Share of service failures",
                 "Reliability", f"{table.attrs['failures']:,}"):
        assert text in page, text
    if kind == "time":
        assert "Error budget used" in page and "SLO 99.9%" in page
        assert "attributed to no component" in page
    else:
        assert "Wilson interval" in page


def test_page_shows_the_allocation_targets(files):
    with nines.open(files["checkout"]) as run:
        page = render_impact_report(run, files["checkout-allocation"], dpi=40,
                                    figure_format="svg")
    assert_self_contained(page)
    assert page.count('src="data:image/svg+xml;base64,') == 1
    assert panels(page)[0] == "payments"
    assert "Target (allocation)" in page and "service target 99.95%" in page
    # web: equal 99.99%, one extra nine (README "Reliability allocation").
    web = page[page.index(">web</h3>"):]
    web = web[:web.index('<div class="card"')]
    assert "equal: <b>99.99000%</b> (+1.00 nines)" in web
    assert "cost: <b>99.997504%</b> (+1.60 nines)" in web


def test_impact_plot_draws_from_a_run_or_the_table(files):
    with nines.open(files["structure"]) as run:
        fig = plots.impact(run)
        table = nines.impact_table(run)
    assert len(fig.axes) == 2
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == f"1. {table['component'][0]}"
    assert len(plots.impact(table, top=3).axes[0].get_yticks()) == 3


# --- the command line --------------------------------------------------------------------------

def test_cli_writes_the_page(files, tmp_path):
    out = tmp_path / "impact.html"
    done = run_cli("impact", files["checkout"], "-o", out, "--allocation",
                   files["checkout-allocation"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {out}"
    page = out.read_text()
    assert_self_contained(page)
    assert panels(page)[0] == "payments" and "Target (allocation)" in page


def test_cli_default_output_and_sort(files, tmp_path):
    run = tmp_path / "seed.h5"
    run.write_bytes(files["chain"].read_bytes())
    done = run_cli("impact", run, "--sort-by", "failure-share")
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "seed-impact.html").read_text()
    table = nines.impact_table(run, sort_by="failure_share")
    assert panels(page) == list(table["component"])
    assert "share of the service's failed requests, largest first" in page


@pytest.mark.parametrize("case", ["missing run", "not hdf5", "allocation as run",
                                  "run as allocation", "missing allocation",
                                  "another scenario's allocation", "sweep-like garbage"])
def test_cli_unreadable_input_exits_2(files, tmp_path, case):
    bad = tmp_path / "bad.h5"
    bad.write_text("not hdf5")
    args = {
        "missing run": [tmp_path / "none.h5"],
        "not hdf5": [bad],
        "allocation as run": [files["checkout-allocation"]],
        "run as allocation": [files["checkout"], "--allocation", files["chain"]],
        "missing allocation": [files["checkout"], "--allocation", tmp_path / "none.h5"],
        "another scenario's allocation": [files["chain"], "--allocation",
                                          files["checkout-allocation"]],
        "sweep-like garbage": [files["checkout"], "--allocation", bad],
    }[case]
    out = tmp_path / "out.html"
    done = run_cli("impact", *args, "-o", out)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("nines: ") and "Traceback" not in done.stderr
    assert not out.exists()


def test_cli_refuses_to_replace_a_directory_or_an_input(files, tmp_path):
    directory = tmp_path / "d"
    directory.mkdir()
    done = run_cli("impact", files["chain"], "-o", directory)
    assert done.returncode == 2 and "is a directory" in done.stderr
    allocation = tmp_path / "a.h5"
    allocation.write_bytes(files["checkout-allocation"].read_bytes())
    done = run_cli("impact", files["checkout"], "--allocation", allocation, "-o", allocation)
    assert done.returncode == 2 and "the file the report is made from" in done.stderr
    assert allocation.read_bytes() == files["checkout-allocation"].read_bytes()


def test_cli_write_failure_exits_1_and_keeps_the_old_page(files, tmp_path, monkeypatch, capsys):
    out = tmp_path / "impact.html"
    out.write_text("the old page")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", full)
    assert main(["impact", str(files["chain"]), "-o", str(out)]) == 1
    assert "No space left" in capsys.readouterr().err
    assert out.read_text() == "the old page"
    assert [p for p in os.listdir(tmp_path) if p.endswith(".tmp")] == []


def test_impact_plot_draws_into_the_given_axes(synthetic_dense):
    from matplotlib.figure import Figure
    fig = Figure(figsize=(6, 3))
    axes = list(fig.subplots(1, 3))
    with nines.open(synthetic_dense) as run:
        assert plots.impact(run, ax=axes[:2]) is fig
        with pytest.raises(ValueError, match="impact draws 2 panels"):
            plots.impact(run, ax=axes[0])
        page = render_impact_report(run, dpi=20)  # a synthetic chain, no engine needed
    assert axes[0].has_data() and axes[1].has_data() and not axes[2].has_data()
    assert_self_contained(page)


def test_common_cause_events_have_panels(files):
    with nines.open(files["zones"]) as run:
        page = render_impact_report(run, dpi=30)
        table = nines.impact_table(run)
    assert panels(page) == list(table["component"])
    assert "common-cause event" in page and "Common-cause events" in page
    assert "Components and common-cause events, most important first" in page
    with nines.open(files["zones-time"]) as run:
        page = render_impact_report(run, dpi=30)
    assert "of the time not going on (measured)" in page


def test_the_glance_table_lists_every_element_in_order(files):
    with nines.open(files["checkout"]) as run:
        page = render_impact_report(run, files["checkout-allocation"], dpi=20)
        table = nines.impact_table(run)
    glance = page[page.index('<table class="glance">'):]
    glance = glance[:glance.index("</table>")]
    names = [html.unescape(n) for n in re.findall(r"<tr><td>\d+</td><td>([^<]+)</td>", glance)]
    assert names == list(table["component"])
    assert "<td>1.30 / 0.88 / 0.90</td>" in glance  # payments' extra nines per method


def test_an_allocation_of_another_version_of_the_scenario_is_shown_with_a_warning(
        files, nines_binary, tmp_path):
    edited = tmp_path / "checkout-teams.yaml"
    edited.write_text(SCENARIOS.joinpath("checkout-teams.yaml").read_text()
                      + "\n# edited after the run\n")
    allocation = tmp_path / "edited.allocation.h5"
    subprocess.run([nines_binary, "allocate", str(edited), "--target", "99.95%", "-o",
                    str(allocation)], check=True, capture_output=True)
    table = nines.impact_table(files["checkout"], allocation)
    assert not table.attrs["allocation_matches"]
    assert table["target_equal"].notna().all()  # same teams: still joined
    with nines.open(files["checkout"]) as run:
        page = render_impact_report(run, allocation, dpi=20, common_cause=False)
    assert "made from another version of the scenario" in page
