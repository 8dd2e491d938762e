"""`python -m bench`: run every benchmark and print one line per figure."""
from __future__ import annotations

import importlib
import sys

BENCHMARKS = ["bench.audit_chain", "bench.upload", "bench.webhooks", "bench.reminders", "bench.insights", "bench.languages"]


def main(names: list[str]) -> int:
    for name in names or BENCHMARKS:
        for line in importlib.import_module(name).run():
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
