"""Legal content kept as data files (case types, checklists, intake questions)."""
from __future__ import annotations

from pathlib import Path

import yaml

CONTENT_DIR = Path(__file__).parent


def load(name: str):
    with (CONTENT_DIR / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)
