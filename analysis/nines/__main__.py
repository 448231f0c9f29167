"""Command line: python3 -m nines report FILE.h5 [-o REPORT.html] [--figure-format png|svg]
| summary FILE.h5 [--full] | export FILE.h5 --csv DIR
| impact RUN.h5 [-o IMPACT.html] [--allocation ALLOC.h5] [--sort-by ...] [--figure-format ...]

FILE is a run file (`nines run`), a sweep file (`nines sweep`) or an uncertainty file
(`nines uncertainty`); impact reads run files of every format and allocation files
(`nines allocate`). Exit status: 0 done; 2 the
input cannot be read (missing, not a nines file, damaged) or the output may not be replaced
(a directory, FIFO, socket or device, or the input itself); 1 writing the report failed (e.g.
the disk is full), in which case any earlier report is left as it was. The file is checked
first in a child process (nines.check_file), so that a file whose damage would crash the HDF5
library is reported as damaged instead."""
from __future__ import annotations

import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")  # the command line never opens windows

from . import open as open_run  # noqa: E402
from .errors import NinesError  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m nines",
        description="Read and present nines run, sweep and uncertainty files.")
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser(
        "report", help="write a self-contained HTML report",
        description="Write a self-contained HTML report. It is written beside the target and "
        "renamed into place when complete: an existing report (a regular file) is replaced, "
        "a directory, FIFO, socket or device never is.")
    report.add_argument("run", help="run file written by `nines run`, sweep file written "
                        "by `nines sweep` or uncertainty file written by `nines uncertainty`")
    report.add_argument("-o", "--output", help="HTML file to write (default: RUN with .html)")
    report.add_argument("--figure-format", choices=("png", "svg"), default="png",
                        help="how figures are embedded: png (default) or svg (vector, sharp "
                        "when zoomed or printed)")
    summary = commands.add_parser("summary", help="print a short text summary")
    summary.add_argument("run", help="run file written by `nines run`, sweep file written "
                         "by `nines sweep` or uncertainty file written by "
                         "`nines uncertainty`")
    summary.add_argument("--full", action="store_true",
                         help="sweeps: print every point, not a readable subset")
    export = commands.add_parser(
        "export", help="write the file's tables as CSV files",
        description="Write every table of the file as DIR/<table>.csv: one per group's rows "
        "(components.csv, kinds.csv, requests.csv, ...) and one per 2-D dataset or ragged "
        "column (kinds.kind-component.csv, one row per cell). Codes that the file names "
        "(flag_values/flag_meanings) are written as their names.")
    export.add_argument("run", help="run file written by `nines run`, sweep file written "
                        "by `nines sweep` or uncertainty file written by `nines uncertainty`")
    export.add_argument("--csv", required=True, metavar="DIR",
                        help="directory to write the CSV files into (created if missing)")
    impact = commands.add_parser(
        "impact", help="write the service impact per component as a self-contained HTML page",
        description="Write a self-contained HTML page with one panel per component, most "
        "important first: its reliability (exact, and measured with an interval), its share "
        "of the service's failed requests, its improvement potential, for time runs the SLO "
        "error budget its outages used, and with --allocation its team's targets. The numbers "
        "are nines.impact_table's. Written like `report`: beside the target, renamed into "
        "place when complete.")
    impact.add_argument("run", help="run file written by `nines run` (any format)")
    impact.add_argument("-o", "--output",
                        help="HTML file to write (default: RUN with -impact.html)")
    impact.add_argument("--allocation", metavar="ALLOC.h5",
                        help="allocation file written by `nines allocate` for the same "
                        "scenario: adds each team's targets and extra nines")
    impact.add_argument("--sort-by", choices=("improvement-potential", "failure-share"),
                        default="improvement-potential",
                        help="rank components by improvement potential (default) or by share "
                        "of the service's failed requests")
    impact.add_argument("--figure-format", choices=("png", "svg"), default="png",
                        help="how the chart is embedded: png (default) or svg")
    args = parser.parse_args(argv)

    try:
        if args.command == "export":
            from .readers import export_csv
            with open_run(args.run, check=True):  # checks the format and the damage first
                pass
            written = export_csv(args.run, args.csv)
            print(f"wrote {len(written)} CSV files to {args.csv}")
            return 0
        if args.command == "summary":
            from .report import text_summary
            with open_run(args.run, check=True) as run:
                print(text_summary(run, full=args.full))
            return 0
        from .report import check_target, render_report, write_text_atomically
        if args.command == "impact":
            output = args.output or os.path.splitext(args.run)[0] + "-impact.html"
            page = _impact_page(args, output)
        else:
            output = args.output or os.path.splitext(args.run)[0] + ".html"
            check_target(output, args.run if os.path.exists(args.run) else None)
            with open_run(args.run, check=True) as run:
                page = render_report(run, figure_format=args.figure_format)
        try:
            write_text_atomically(output, page, source=args.run)
        except OSError as error:
            print(f"nines: cannot write {output}: {error}", file=sys.stderr)
            return 1
        print(f"wrote {output}")
    except BrokenPipeError:  # e.g. piped into head: not an error worth a message
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (NinesError, OSError) as error:
        print(f"nines: {error}", file=sys.stderr)
        return 2
    return 0


def _impact_page(args, output: str) -> str:
    """The impact page's text, its inputs checked first (the output may replace neither)."""
    from .readers import check_file, open_allocation
    from .report import check_target, render_impact_report
    check_target(output, args.run if os.path.exists(args.run) else None)
    if args.allocation and os.path.exists(args.allocation):
        check_target(output, args.allocation)
    with open_run(args.run, check=True) as run:
        if not args.allocation:
            return render_impact_report(run, figure_format=args.figure_format,
                                        sort_by=args.sort_by.replace("-", "_"))
        check_file(args.allocation)
        with open_allocation(args.allocation) as allocation:
            return render_impact_report(run, allocation, figure_format=args.figure_format,
                                        sort_by=args.sort_by.replace("-", "_"))


def report_main() -> int:
    """`nines-report RUN.h5 [-o REPORT.html]`, the console command pip installs
    (pyproject.toml): `python3 -m nines report` under a name of its own."""
    return main(["report", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
