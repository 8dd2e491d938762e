"""The layers are import-linter contracts (.importlinter), run here and by `make test`. These tests
show the contracts hold on the real tree and that they catch the two breaches that matter most:
a page that reaches into the tables, and a domain module that imports reflex."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture
def tree_copy(tmp_path):
    for name in ("portal_app", "models"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.yaml", "*.json"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_the_contracts_hold_on_the_real_tree():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert re.search(r"Contracts: \d+ kept, 0 broken", result.stdout)


def test_a_page_importing_a_table_breaks_a_contract(tree_copy):
    page = tree_copy / "portal_app" / "pages" / "matters" / "client_home.py"
    page.write_text(page.read_text() + "\nfrom models import Matter  # a page reaching into the tables\n")
    result = _lint(tree_copy)
    assert result.returncode != 0
    assert "portal_app.pages.matters.client_home -> models" in result.stdout


def test_a_service_importing_reflex_breaks_a_contract(tree_copy):
    module = tree_copy / "portal_app" / "services" / "billing" / "invoices" / "views.py"
    module.write_text(module.read_text() + "\nimport reflex  # the domain must not know the framework\n")
    result = _lint(tree_copy)
    assert result.returncode != 0
    assert "portal_app.services.billing.invoices.views -> reflex" in result.stdout


def test_models_import_only_sqlmodel_sqlalchemy_and_the_standard_library():
    allowed = {"sqlmodel", "sqlalchemy", "models", "__future__", "uuid", "datetime", "typing", "decimal", "enum"}
    imports = [(p.name, n) for p in (ROOT / "models").glob("*.py")
               for n in re.findall(r"^\s*(?:import|from)\s+([\w.]+)", p.read_text(), flags=re.M)]
    assert not [f"{p}: {n}" for p, n in imports if n.split(".")[0] not in allowed]
