"""Size budgets above the services (pages, components, state, api, jobs, cli, the app module):
a module stays under 300 lines, a function under 50, a state class under 150, so each still reads
at one sitting. Read from the source with `ast`; nothing is imported or run."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "portal_app"
MODULE_LINES, FUNCTION_LINES, STATE_LINES = 300, 50, 150


def _modules() -> list[Path]:
    found = [p for p in ROOT.rglob("*.py") if "services" not in p.relative_to(ROOT).parts]
    assert len(found) > 40, "the tree above the services is not where this test looks for it"
    return sorted(found)


def _nodes(path: Path):
    return ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))


def _length(node: ast.AST) -> int:
    return node.end_lineno - node.lineno + 1


def _is_state(node: ast.ClassDef) -> bool:
    return any("State" in ast.unparse(base) for base in node.bases)


def test_no_module_over_its_budget():
    over = {str(p.relative_to(ROOT)): n for p in _modules() if (n := len(p.read_text().splitlines())) > MODULE_LINES}
    assert over == {}


def test_no_function_over_its_budget():
    over = {f"{p.relative_to(ROOT)}:{n.lineno} {n.name}": _length(n) for p in _modules() for n in _nodes(p)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and _length(n) > FUNCTION_LINES}
    assert over == {}


def test_no_state_class_over_its_budget():
    states = [(p, n) for p in _modules() for n in _nodes(p) if isinstance(n, ast.ClassDef) and _is_state(n)]
    assert len(states) > 30, "the page states are not where this test looks for them"
    over = {f"{p.relative_to(ROOT)}:{n.lineno} {n.name}": _length(n) for p, n in states if _length(n) > STATE_LINES}
    assert over == {}
