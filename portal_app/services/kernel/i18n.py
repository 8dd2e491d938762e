"""The one translation function. Every client-facing string goes through `t`.

Catalogs are JSON files in services/locales/<locale>/*.json (one file per area of the product,
merged); a key missing from a locale falls back to English, and a key missing everywhere shows
itself (a test keeps that from shipping).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locales"
DEFAULT_LOCALE = "en"


@lru_cache(maxsize=16)
def catalog(locale: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / locale).glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        clash = set(entries) & set(merged)
        if clash:
            raise ValueError(f"{path.name} repeats keys: {sorted(clash)[:5]}")
        merged.update(entries)
    return merged


def available_locales() -> list[str]:
    return sorted(p.name for p in LOCALE_DIR.iterdir() if p.is_dir())


def t(key: str, locale: str = DEFAULT_LOCALE, **params: object) -> str:
    own, default = catalog(locale), catalog(DEFAULT_LOCALE)
    # an entry that is deliberately empty (a column with no heading) stays empty, not its key
    text = own[key] if own.get(key) is not None and (own[key] or key not in default) else default.get(key, key)
    return text.format(**params) if params else text


# Pages are compiled once, in these languages. Text a page fetches at run time (statuses, error
# messages, deadline names) uses the same language, so a page never mixes two; mail always goes
# in the reader's own language. Add a locale here when the page text is translated.
PAGE_LOCALES = frozenset({DEFAULT_LOCALE})


def page_locale(locale: str) -> str:
    return locale if locale in PAGE_LOCALES else DEFAULT_LOCALE
