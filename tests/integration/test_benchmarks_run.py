"""Every benchmark runs, once, at a tiny size (no figure asserted): a benchmark that cannot run is a
defect, and this keeps them from rotting between `make bench` runs. The run writes its figures to
a results file, which renders as README's bench table."""
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
    done = subprocess.run([sys.executable, "-m", "bench", "--smoke", "--kinds", kind, "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=480)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    figures = json.loads(out.read_text())["figures"]
    families = {f["key"].split(".")[0] for f in figures}
    assert {"audit_append", "upload", "download", "upload_memory", "webhooks", "reminders",
            "reminders_statements", "insights_statements", "languages", "load"} <= families, families
    assert len(BENCHMARKS) == 7  # a new benchmark adds its figure family above
    # the load benchmark's portal worker stopped with it: none of its processes is left
    worker = re.search(r"portal worker (\d+) stopped", done.stdout)
    assert worker, done.stdout[-2000:]
    assert subprocess.run(["pgrep", "-g", worker.group(1)], capture_output=True).returncode == 1  # none left
    for figure in figures:
        assert figure["floor"] > 0 and figure["value"] >= 0 and figure["met"] in (True, False, None), figure
        assert abs(figure["ratio"] - figure["value"] / figure["floor"]) < 1e-3 * max(1, figure["ratio"]), figure
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n## Measured\n\n{START}\nold table\n{END}\n\n## Next\n")
    update_readme(readme, out)
    text = readme.read_text()
    assert "old table" not in text and text.endswith("\n## Next\n")
    assert text.count("\n| ") == len(figures) + 1  # the header and one row per figure
