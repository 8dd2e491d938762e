"""Generated files stay out of the diff: reflex.lock/ is committed exactly as Reflex writes it, and
what the build and the suite create is ignored by git. (`make test` also compares the whole tree
before and after the run: tests/tree_check.py.)"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# c() reads the file it renders: compute it before opening the file for writing (which empties it)
RERENDER = ('.venv/bin/python -c "from reflex.utils.frontend_skeleton import _compile_package_json as c; '
            "text = c(); open('reflex.lock/package.json', 'w').write(text)\"")


def test_reflex_lock_package_json_is_in_the_form_reflex_writes(monkeypatch):
    """Each build re-renders reflex.lock/package.json from itself; bun's indented form (written when a
    frontend package is added) would flip back on the next fresh build and dirty the checkout."""
    from reflex.utils.frontend_skeleton import _compile_package_json

    monkeypatch.chdir(ROOT)
    assert (ROOT / "reflex.lock" / "package.json").read_text() == _compile_package_json(), (
        f"reflex.lock/package.json is not in Reflex's form; re-render it with {RERENDER} and commit it")


@pytest.mark.parametrize("path", [".web/package.json", ".states/x", "tools/reflex-home/bun", "data/portal.db",
                                  "portal_app/data/keys/master.key", "assets/external/x.js", "uploaded_files/a.pdf",
                                  "test-artifacts/shot.png", ".venv", "tools/node_modules", ".env",
                                  "portal_app/__pycache__/x.pyc", ".pytest_cache/v"])
def test_what_runs_create_is_ignored(path):
    answer = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=ROOT)
    if answer.returncode == 128:
        pytest.skip("not a git checkout")
    assert answer.returncode == 0, f"{path} is not ignored by .gitignore"
