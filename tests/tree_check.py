"""`make test` leaves the git tree as it found it: no tracked file rewritten, no new file that git
does not ignore. `save FILE` records the tree's state before the run, `compare FILE` fails (exit 1)
and names each path that changed. The state is `git status` plus a hash of every listed file, so a
file that was already modified and is rewritten again is caught too.

Usage: python -m tests.tree_check save test-artifacts/tree-before.json
       python -m tests.tree_check compare test-artifacts/tree-before.json
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HINTS = {
    "reflex.lock/": "Reflex rewrites reflex.lock/ on every build in its own form (one-line package.json): "
                    "commit the rewritten files as they are.",
}


def tree_state() -> dict[str, str] | None:
    """Each changed or untracked path (as `git status` shows it) with a hash of its content."""
    try:
        out = subprocess.run(["git", "status", "--porcelain=v1", "-z", "--untracked-files=all"], cwd=ROOT,
                             capture_output=True, check=True).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        return None
    state = {}
    for entry in filter(None, out.split("\0")):
        code, path = entry[:2], entry[3:]
        file = ROOT / path
        digest = hashlib.sha256(file.read_bytes()).hexdigest()[:16] if file.is_file() else "-"
        state[path] = f"{code} {digest}"
    return state


def differences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    lines = []
    for path in sorted(set(before) | set(after)):
        if before.get(path) != after.get(path):
            was, now = before.get(path, "clean"), after.get(path, "clean")
            hint = next((text for prefix, text in HINTS.items() if path.startswith(prefix)), "")
            lines.append(f"  {path}: {was} -> {now}" + (f"\n    {hint}" if hint else ""))
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in {"save", "compare"}:
        print(__doc__)
        return 2
    command, record = argv[0], Path(argv[1])
    state = tree_state()
    if state is None:
        print("tree check: not a git checkout, skipped")
        return 0
    if command == "save":
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(state, indent=1))
        return 0
    changed = differences(json.loads(record.read_text()), state)
    if changed:
        print("make test changed the git tree (generated files must be stable or ignored):", *changed, sep="\n")
        return 1
    print("tree check: the git tree is as it was before the run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
