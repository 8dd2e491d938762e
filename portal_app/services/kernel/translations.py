"""The translators' side of the catalogs: coverage per language and area, what needs review, the
template (POT) Babel extracts from the code and the content files, and writing PO files.

Keys come from the code (calls of `t` and errors raised with a key) and live in the English PO
files; content texts (checklist items, intake questions, fee lines, invoice templates) come from the
yaml files and are msgids of `content.po` themselves.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from portal_app.services.kernel import i18n
from portal_app.services.kernel.content import CONTENT_DIR, load

PACKAGE = Path(__file__).resolve().parents[2]
KEYWORDS = {"t": (1,), "InvalidInput": (1,), "NotAllowed": (1,), "NotFound": (1,), "Conflict": (1,)}
CONTENT_FIELDS = ("title", "why", "example", "label", "help", "description", "name")


@dataclass(frozen=True)
class Coverage:
    locale: str
    area: str
    done: int
    total: int
    needs_review: int  # translated once, but the English changed since (or marked fuzzy)

    @property
    def percent(self) -> float:
        return 100.0 * self.done / self.total if self.total else 100.0


def _walk(node, out: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in CONTENT_FIELDS and isinstance(value, str) and value.strip():
                out.add(value)
            else:
                _walk(value, out)
    elif isinstance(node, list):
        for value in node:
            _walk(value, out)


def content_texts() -> set[str]:
    """Every text a client may read in the content files (the msgids of content.po)."""
    out: set[str] = set()
    for path in sorted(CONTENT_DIR.glob("*.yaml")):
        _walk(load(path.name), out)
    return out


def coverage(locale: str) -> list[Coverage]:
    rows = []
    for area in i18n.areas(i18n.DEFAULT_LOCALE):
        english = i18n.area_catalog(i18n.DEFAULT_LOCALE, area)
        theirs = i18n.area_catalog(locale, area)
        fuzzy = _fuzzy_ids(locale, area)
        rows.append(Coverage(locale, area, sum(1 for k in english if k in theirs), len(english),
                             sum(1 for k in english if k in fuzzy)))
    texts = content_texts()
    theirs = i18n.area_catalog(locale, i18n.CONTENT_AREA) if locale != i18n.DEFAULT_LOCALE else dict.fromkeys(texts)
    rows.append(Coverage(locale, "content (yaml)", sum(1 for x in texts if x in theirs), len(texts),
                         len(_stale_content(locale, texts))))
    return rows


def _fuzzy_ids(locale: str, area: str) -> set[str]:
    path = i18n.LOCALE_DIR / locale / f"{area}.po"
    if not path.exists():
        return set()
    with path.open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id and m.fuzzy}


def _stale_content(locale: str, texts: set[str]) -> set[str]:
    """Content translated for an English text that is no longer in the files: staff or the firm
    changed the English, so the translation needs review (the English shows meanwhile)."""
    if locale == i18n.DEFAULT_LOCALE:
        return set()
    return set(i18n.area_catalog(locale, i18n.CONTENT_AREA)) - texts


def needs_review(locale: str, current_english: set[str]) -> set[str]:
    """Of the English texts in use (from the templates in the database), those with no translation."""
    theirs = i18n.area_catalog(locale, i18n.CONTENT_AREA)
    return {text for text in current_english if text and text not in theirs}


def extract_template() -> Catalog:
    """The POT: keys Babel finds in the code, plus every content text."""
    pot = Catalog(project="portal", fuzzy=False)
    with warnings.catch_warnings():  # keys built in f-strings (`f"billing.status.{s}"`) are listed by area
        warnings.simplefilter("ignore")
        found = list(extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS))
    for filename, lineno, message, _comments, _ctx in found:
        if isinstance(message, str) and "." in message and " " not in message:
            pot.add(message, locations=[(filename, lineno)])
    for text in sorted(content_texts()):
        pot.add(text, context=None, auto_comments=["content"])
    return pot


def write_area(locale: str, area: str, entries: dict[str, i18n.Entry], english: dict[str, i18n.Entry] | None = None) -> Path:
    """Write (or update) one PO file, keeping what it already holds; the English text goes along
    as an extracted comment, so a translator sees the source next to the key."""
    path = i18n.LOCALE_DIR / locale / f"{area}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    lang = i18n.language(locale)
    if path.exists():
        with path.open("rb") as fh:
            po = read_po(fh, locale=lang.babel)
    else:
        po = Catalog(locale=lang.babel, project="portal", domain=area, fuzzy=False)
    for key, text in entries.items():
        source = (english or {}).get(key)
        comment = [source if isinstance(source, str) else " | ".join(source)] if source and area != i18n.CONTENT_AREA else []
        if isinstance(text, (tuple, list)):
            po.add((key, key), tuple(text), auto_comments=comment)
        else:
            po.add(key, text, auto_comments=comment)
    with path.open("wb") as fh:
        write_po(fh, po, width=0, sort_output=False)
    i18n.clear_caches()
    return path
