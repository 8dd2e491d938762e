"""The one translation function. Every client-facing string goes through `t`.

Catalogs are JSON files in services/locales/<locale>.json; a key missing from a locale falls
back to English, and a key missing everywhere shows itself (a test keeps that from shipping).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locales"
DEFAULT_LOCALE = "en"


@lru_cache(maxsize=16)
def catalog(locale: str) -> dict[str, str]:
    path = LOCALE_DIR / f"{locale}.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def available_locales() -> list[str]:
    return sorted(p.stem for p in LOCALE_DIR.glob("*.json"))


def t(key: str, locale: str = DEFAULT_LOCALE, **params: object) -> str:
    text = catalog(locale).get(key) or catalog(DEFAULT_LOCALE).get(key) or key
    return text.format(**params) if params else text
