"""Command line: python3 -m nines report FILE.h5 [-o REPORT.html] | summary FILE.h5 [--full]

FILE is a run file (`nines run`) or a sweep file (`nines sweep`)."""
from __future__ import annotations

import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")  # the command line never opens windows

from . import open as open_run  # noqa: E402
from .errors import NinesError  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m nines",
                                     description="Read and present nines run and sweep files.")
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="write a self-contained HTML report")
    report.add_argument("run", help="run file written by `nines run` or sweep file written "
                        "by `nines sweep`")
    report.add_argument("-o", "--output", help="HTML file to write (default: RUN with .html)")
    summary = commands.add_parser("summary", help="print a short text summary")
    summary.add_argument("run", help="run file written by `nines run` or sweep file written "
                         "by `nines sweep`")
    summary.add_argument("--full", action="store_true",
                         help="sweeps: print every point, not a readable subset")
    args = parser.parse_args(argv)

    try:
        with open_run(args.run) as run:
            if args.command == "summary":
                from .report import text_summary
                print(text_summary(run, full=args.full))
            else:
                from .report import write_report
                output = args.output or os.path.splitext(args.run)[0] + ".html"
                write_report(run, output)
                print(f"wrote {output}")
    except BrokenPipeError:  # e.g. piped into head: not an error worth a message
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (NinesError, OSError) as error:
        print(f"nines: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
