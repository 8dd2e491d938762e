"""The one translation function. Every string a person reads goes through `t`.

Catalogs are gettext PO files, the translators' own format (Poedit, Weblate):
`locales/<language>/<area>.po`, one per area of the product, with the key as msgid (`auth.locked`)
and, for the content files (checklists, intake questions, fee lines), `content.po` with the English
text itself as msgid. They are read once at start (no compile step, nothing fetched at run time).
A key missing from a language falls back to English, a key missing everywhere shows itself (the
catalog tests keep both from shipping). Plurals use the language's CLDR rules (Babel) with the
gettext form order; placeholders are `{name}`, the same in every language (a test checks).
"""
from __future__ import annotations

import hashlib
import json
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locales"
DEFAULT_LOCALE = "en"
CONTENT_AREA = "content"
PLURAL_ORDER = ("zero", "one", "two", "few", "many")
# The language of the person an event handler is answering (set when the page state resolves who is
# asking): text built at run time is a plain string in their language, text built while the pages
# compile is a Var the browser fills in (components/i18n.py).
READER_LOCALE: ContextVar[str | None] = ContextVar("reader_locale", default=None)


@dataclass(frozen=True)
class Language:
    code: str        # BCP 47, as in <html lang> and the account (zh-Hans, pt-BR)
    name: str        # the language's own name, as its readers look for it
    direction: str   # ltr | rtl

    @property
    def babel(self) -> str:
        return self.code.replace("-", "_")


LANGUAGES: dict[str, Language] = {lang.code: lang for lang in (
    Language("en", "English", "ltr"),
    Language("es", "Español", "ltr"),
    Language("zh-Hans", "简体中文", "ltr"),
    Language("vi", "Tiếng Việt", "ltr"),
    Language("pt-BR", "Português (Brasil)", "ltr"),
    Language("ar", "العربية", "rtl"),
)}

Entry = str | tuple[str, ...]  # one text, or the plural forms in gettext order


@lru_cache(maxsize=64)
def _read(path: Path, locale: str) -> dict[str, Entry]:
    with path.open("rb") as fh:
        po = read_po(fh, locale=LANGUAGES[locale].babel if locale in LANGUAGES else None)
    out: dict[str, Entry] = {}
    for msg in po:
        if not msg.id or msg.fuzzy:  # the header, or a text a translator marked for review
            continue
        key = msg.id[0] if isinstance(msg.id, tuple) else msg.id
        text = tuple(msg.string) if isinstance(msg.string, (tuple, list)) else msg.string
        if text and (not isinstance(text, tuple) or all(text)):
            out[key] = text
        elif locale == DEFAULT_LOCALE and text == "":  # deliberately empty (a column with no heading)
            out[key] = text
    return out


def areas(locale: str) -> list[str]:
    return sorted(p.stem for p in (LOCALE_DIR / locale).glob("*.po"))


def area_catalog(locale: str, area: str) -> dict[str, Entry]:
    path = LOCALE_DIR / locale / f"{area}.po"
    return _read(path, locale) if path.exists() else {}


@lru_cache(maxsize=16)
def catalog(locale: str) -> dict[str, Entry]:
    """Every key of a language (content texts excluded), merged over its areas."""
    merged: dict[str, Entry] = {}
    for area in areas(locale):
        if area == CONTENT_AREA:
            continue
        entries = area_catalog(locale, area)
        clash = set(entries) & set(merged)
        if clash:
            raise ValueError(f"{locale}/{area}.po repeats keys: {sorted(clash)[:5]}")
        merged.update(entries)
    return merged


def available_locales() -> list[str]:
    return [code for code in LANGUAGES if (LOCALE_DIR / code).is_dir()]


@lru_cache(maxsize=1)
def client_keys() -> frozenset[str]:
    """The keys a client or an HR contact reads (locales/client_keys.txt; a test keeps it current)."""
    return frozenset((LOCALE_DIR / "client_keys.txt").read_text(encoding="utf-8").split())


@lru_cache(maxsize=1)
def content_msgids() -> frozenset[str]:
    """Every content text (the English side of content.po, kept in the English folder)."""
    return frozenset(area_catalog(DEFAULT_LOCALE, CONTENT_AREA))


@lru_cache(maxsize=1)
def offered_locales() -> tuple[str, ...]:
    """The languages a client may choose: those complete for everything a client reads (the
    client-facing keys and every content text). English is the source and always complete."""
    return tuple(code for code in available_locales() if code == DEFAULT_LOCALE or (
        client_keys() <= set(catalog(code)) and content_msgids() <= set(area_catalog(code, CONTENT_AREA))))


def language(locale: str) -> Language:
    return LANGUAGES.get(locale) or LANGUAGES[DEFAULT_LOCALE]


def plural_order(locale: str) -> tuple[str, ...]:
    """CLDR plural categories in gettext form order (the order Babel writes Plural-Forms in)."""
    tags = Locale.parse(language(locale).babel).plural_form.tags
    return (*[c for c in PLURAL_ORDER if c in tags], "other")


def plural_index(locale: str, n: float) -> int:
    lang = language(locale)
    category = Locale.parse(lang.babel).plural_form(abs(n))
    order = plural_order(locale)
    index = order.index(category) if category in order else len(order) - 1
    return min(index, get_plural(lang.babel).num_plurals - 1)


def _pick(entry: Entry, locale: str, params: dict) -> str:
    if isinstance(entry, str):
        return entry
    n = params.get("count", params.get("n", 0))
    try:
        index = plural_index(locale, float(n))
    except (TypeError, ValueError):
        index = len(entry) - 1
    return entry[min(index, len(entry) - 1)]


def t(key: str, locale: str = DEFAULT_LOCALE, **params: object) -> str:
    own = catalog(locale).get(key)
    if own is None or (own == "" and locale != DEFAULT_LOCALE):  # an empty English entry (a column with
        entry, used = catalog(DEFAULT_LOCALE).get(key, key), DEFAULT_LOCALE  # no heading) stays empty
    else:
        entry, used = own, locale
    text = _pick(entry, used, params)
    if not params:
        return text
    if locale != DEFAULT_LOCALE:  # an item title or a fee line inside a message: in the same language
        params = {k: content(v, locale) if isinstance(v, str) else v for k, v in params.items()}
    return text.format(**params)


class LaterText(str):
    """A text asked for in an event handler before it knew whose language to speak (a notice handed to
    the page state's `_act`): the English, with the key kept, so it is said again in the reader's."""

    key: str
    params: dict

    def __new__(cls, key: str, params: dict) -> "LaterText":
        text = super().__new__(cls, t(key, DEFAULT_LOCALE, **params))
        text.key, text.params = key, params
        return text


def in_language(text: str, locale: str) -> str:
    """A LaterText in the reader's language; any other text as it is."""
    return t(text.key, locale, **text.params) if isinstance(text, LaterText) else text


def content(text: str, locale: str = DEFAULT_LOCALE, **params: object) -> str:
    """Firm content (a checklist item's title, an intake question, a fee line) in the reader's
    language. The English text is the msgid: once staff edit the English, the old translation no
    longer matches and the English shows until a translator updates it ("needs review")."""
    if not text:
        return text
    found = area_catalog(locale, CONTENT_AREA).get(text) if locale != DEFAULT_LOCALE else None
    shown = found if isinstance(found, str) else text
    if params:
        try:
            return shown.format(**params)
        except (KeyError, IndexError, ValueError):
            return shown
    return shown


def content_line(text: str, locale: str = DEFAULT_LOCALE) -> str:
    """An invoice line from the fee schedule ("I-130: Petition for Alien Relative (paper filing)"):
    the form number stays, the description is the content text."""
    whole = content(text, locale)
    if whole != text or ": " not in text:
        return whole
    form, _, rest = text.partition(": ")
    return f"{form}: {content(rest, locale)}"


def best_match(accept_language: str | None, offered: tuple[str, ...] | None = None) -> str:
    """The offered language an `Accept-Language` header prefers most (RFC 9110 q-values)."""
    offered = offered or offered_locales()
    wanted: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        if tag:
            wanted.append((-weight, i, tag.strip().lower()))
    for _w, _i, tag in sorted(wanted):
        for code in offered:
            if tag == code.lower() or tag.split("-")[0] == code.lower().split("-")[0] and not _traditional(tag):
                return code
    return DEFAULT_LOCALE


def _traditional(tag: str) -> bool:
    """zh-Hant, zh-TW, zh-HK: a reader of Traditional Chinese is not sent Simplified by guess."""
    return tag.startswith("zh-") and any(p in tag.split("-")[1:] for p in ("hant", "tw", "hk", "mo"))


def browser_catalog(locale: str) -> dict:
    """What a page needs in the browser: the keys of one language and its plural order. English
    sends no keys: every text on a page carries its English words (components/i18n.py), which the
    browser shows when the reader's catalog has no entry, so the English keys were 74 KB that every
    English reader's first visit fetched and never read (issue 15)."""
    messages = {} if locale == DEFAULT_LOCALE else catalog(locale)
    return {"lang": locale, "dir": language(locale).direction, "plural": list(plural_order(locale)),
            "nplurals": get_plural(language(locale).babel).num_plurals,
            "messages": {k: (list(v) if isinstance(v, tuple) else v) for k, v in sorted(messages.items())}}


@lru_cache(maxsize=16)
def catalog_version(locale: str) -> str:
    body = json.dumps(browser_catalog(locale), ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(body).hexdigest()[:12]


def catalog_url(locale: str) -> str:
    """Where the browser loads a language's catalog (api/i18n_catalogs.py serves it)."""
    return f"/api/i18n/{locale}.{catalog_version(locale)}.js"


def page_locale(locale: str) -> str:
    """The language pages are shown in: the person's own when it is offered, English otherwise."""
    return locale if locale in offered_locales() else DEFAULT_LOCALE


LANGUAGE_COOKIE = "portal_lang"


def reader_locale(account: str | None, chosen: str | None, accept_language: str | None) -> str:
    """The language a page is shown in: the account's, else the one chosen on this browser (the
    switch's cookie), else the best match of the browser's Accept-Language."""
    offered = offered_locales()
    for code in (account, chosen):
        if code and code in offered:
            return code
    return best_match(accept_language, offered)


def clear_caches() -> None:
    """After a PO file changed on disk (the translations cli, tests)."""
    for cached in (_read, catalog, offered_locales, catalog_version, client_keys, content_msgids):
        cached.cache_clear()
