"""The domain and the tables never load reflex; SDKs are imported only inside services."""
from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import portal_app.services

ROOT = Path(__file__).resolve().parents[2]


def test_models_and_services_import_without_reflex():
    modules = ["models"] + [f"portal_app.services.{m.name}" for m in pkgutil.iter_modules(portal_app.services.__path__)]
    code = ("import importlib, sys\n"
            f"for name in {modules!r}: importlib.import_module(name)\n"
            "loaded = sorted(m for m in sys.modules if m == 'reflex' or m.startswith(('reflex.', 'reflex_')))\n"
            "print(loaded); sys.exit(1 if loaded else 0)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"reflex was loaded: {result.stdout} {result.stderr[-2000:]}"
    assert len(modules) > 10


def _imports(path: Path) -> list[str]:
    return re.findall(r"^\s*(?:import|from)\s+([\w.]+)", path.read_text(), flags=re.M)


def test_sdks_are_imported_only_in_services():
    offenders = []
    for path in (ROOT / "portal_app").rglob("*.py"):
        if "services" in path.relative_to(ROOT / "portal_app").parts[:1]:
            continue
        for name in _imports(path):
            if name.split(".")[0] in {"stripe", "boto3", "cryptography", "botocore"}:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders


def test_models_import_only_sqlmodel_sqlalchemy_and_stdlib():
    allowed = {"sqlmodel", "sqlalchemy", "models", "__future__", "uuid", "datetime", "typing", "decimal", "enum"}
    offenders = [f"{p.name}: {n}" for p in (ROOT / "models").glob("*.py") for n in _imports(p)
                 if n.split(".")[0] not in allowed]
    assert not offenders


def test_pages_and_states_never_open_database_sessions():
    offenders = []
    for path in list((ROOT / "portal_app" / "pages").glob("*.py")) + [ROOT / "portal_app" / "state.py"]:
        text = path.read_text()
        if re.search(r"rx\.session\(|Session\(|services\.db\b|from portal_app\.services import .*\bdb\b", text):
            offenders.append(path.name)
    assert not offenders
