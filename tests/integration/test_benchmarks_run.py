"""Every benchmark runs, once, at a tiny size (no figure asserted): a benchmark that cannot run is a
defect, and this keeps them from rotting between `make bench` runs. The run writes its figures to
a results file, which renders as README's bench table. bench.pages builds and serves the pages
(one round of browser visits), which is most of this test's time."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import BENCHMARKS
from bench.results import END, START, update_readme

ROOT = Path(__file__).resolve().parents[2]
# one figure per database
BY_DATABASE = {"bench.audit_chain", "bench.webhooks", "bench.reminders", "bench.insights", "bench.staff_pages"}
DATABASE_FAMILIES = {"audit_append", "webhooks", "reminders", "reminders_statements", "insights_statements",
                     "staff_pages"}


def test_every_benchmark_runs_at_a_small_size_and_its_figures_render(tmp_path):
    kind = os.environ.get("PORTAL_TEST_DB", "sqlite")
    out = tmp_path / "results.json"
    # the load benchmark has its own test; the PostgreSQL run repeats only what a database changes
    # (the pages' build and the file throughput are the same on both, and the SQLite run has them)
    others = [name for name in BENCHMARKS if name != "bench.load" and (kind == "sqlite" or name in BY_DATABASE)]
    done = subprocess.run([sys.executable, "-m", "bench", "--smoke", "--kinds", kind, "--out", str(out), *others],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    figures = json.loads(out.read_text())["figures"]
    families = {f["key"].split(".")[0] for f in figures}
    expected = set(DATABASE_FAMILIES)
    if kind == "sqlite":
        expected |= {"upload", "download", "upload_memory", "languages", "pages"}
    assert expected <= families, families
    assert all(f["key"].endswith(kind) for f in figures if f["key"].split(".")[0] in DATABASE_FAMILIES), figures
    assert len(BENCHMARKS) == 9  # a new benchmark adds its figure family above
    for figure in figures:
        assert figure["floor"] > 0 and figure["value"] >= 0 and figure["met"] in (True, False, None), figure
        assert abs(figure["ratio"] - figure["value"] / figure["floor"]) < 1e-3 * max(1, figure["ratio"]), figure
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n## Measured\n\n{START}\nold table\n{END}\n\n## Next\n")
    update_readme(readme, out)
    text = readme.read_text()
    assert "old table" not in text and text.endswith("\n## Next\n")
    assert text.count("\n| ") == len(figures) + 1  # the header and one row per figure


@pytest.mark.skipif(os.environ.get("PORTAL_TEST_DB", "sqlite") != "sqlite",
                    reason="the worker runs on its own SQLite file whatever the suite's database: once is enough")
def test_the_load_benchmark_runs_small_and_its_worker_stops_with_it(tmp_path):
    """Five clients on one worker (bench/load.py starts and stops it): figures written, and none of
    the worker's processes is left afterwards."""
    out = tmp_path / "results.json"
    done = subprocess.run([sys.executable, "-m", "bench", "--smoke", "--out", str(out), "bench.load"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    keys = {f["key"] for f in json.loads(out.read_text())["figures"]}
    assert {"load.p95", "load.p95_absolute", "load.cpu_per_visit", "load.memory_per_client"} <= keys, keys
    worker = re.search(r"portal worker (\d+) stopped", done.stdout)
    assert worker, done.stdout[-2000:]
    assert subprocess.run(["pgrep", "-g", worker.group(1)], capture_output=True).returncode == 1  # none left
