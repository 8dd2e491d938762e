"""`python -m bench`: run every benchmark, print one line per figure (each beside its floor,
measured in the same run) and write bench/results.json.

  python -m bench [module ...]        the named modules only (bench.topology is not in the default set)
  python -m bench --smoke             every benchmark once at a tiny size (the suite's smoke test); writes nothing
  python -m bench --kinds sqlite      only these databases (default: SQLite, and PostgreSQL when it answers)
  python -m bench --update MODULE     run MODULE and replace only its figures in bench/results.json
  python -m bench --readme            regenerate README's bench table from bench/results.json"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from bench.results import RESULTS, Figure, update_readme, write

BENCHMARKS = ["bench.audit_chain", "bench.upload", "bench.webhooks", "bench.reminders", "bench.insights", "bench.languages",
              "bench.staff_pages", "bench.pages", "bench.load"]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("modules", nargs="*")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, nothing written")
    parser.add_argument("--kinds", help="comma-separated: sqlite,postgresql")
    parser.add_argument("--readme", action="store_true", help="regenerate README's table from results.json")
    parser.add_argument("--update", action="store_true", help="replace only these figures in results.json")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.readme:
        update_readme()
        return 0
    if args.kinds:
        os.environ["BENCH_KINDS"] = args.kinds
    figures: list[Figure] = []
    for name in args.modules or BENCHMARKS:
        for item in importlib.import_module(name).run(smoke=args.smoke):
            if isinstance(item, Figure):
                figures.append(item)
            print(item.line() if isinstance(item, Figure) else item, flush=True)
    out = args.out or (None if args.smoke or (args.modules and not args.update) else RESULTS)
    if out is not None:
        write(figures, out, update=args.update)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
