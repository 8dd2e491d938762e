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

from bench.__main__ import BENCHMARKS
from bench.results import END, START, update_readme

ROOT = Path(__file__).resolve().parents[2]


def test_every_benchmark_runs_at_a_small_size_and_its_figures_render(tmp_path):
    kind = os.environ.get("PORTAL_TEST_DB", "sqlite")
    out = tmp_path / "results.json"
    others = [name for name in BENCHMARKS if name != "bench.load"]  # the load benchmark has its own test
    done = subprocess.run([sys.executable, "-m", "bench", "--smoke", "--kinds", kind, "--out", str(out), *others],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    figures = json.loads(out.read_text())["figures"]
    families = {f["key"].split(".")[0] for f in figures}
    assert {"audit_append", "upload", "download", "upload_memory", "webhooks", "reminders",
            "reminders_statements", "insights_statements", "languages", "staff_pages", "pages"} <= families, families
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
