"""The one place free text from people is cleaned: names, titles, reasons, intake answers, file
display names, amounts and quantities. Every service that stores such text runs it through here.

What is kept is what a person meant; what is removed can never be meaningful in stored text:
- control characters (NUL, escape, the C1 range; tabs and line breaks become spaces in one-line
  text), lone surrogates (they cannot even be stored), and invisible format characters (zero-width space, BOM, soft hyphen, word joiner, tag
  characters), except the zero-width joiners some scripts (Persian, Indic, emoji) need;
- bidirectional controls (U+202A-U+202E overrides and embeddings, U+2066-U+2069 isolates, LRM,
  RLM, ALM): in stored text they only serve to make "exe.pdf" read as "fdp.exe". Pages isolate
  each piece of someone's text when they draw it (components/ui.py `their_text`) instead.
`line` is for one-line text (names, titles, file names): NFKC (fullwidth letters, ligatures and
compatibility forms become their plain equivalents, as Unicode recommends for identifiers), any
run of whitespace becomes one space. `paragraph` is for text a person writes (answers, notes):
NFC only, so their text stays exactly as typed, with line breaks kept.
Numbers are ASCII digits only: "١٢٣", "１２３" or "²" is not an amount or a quantity the portal
will guess at; the person is asked to type 0-9.
"""
from __future__ import annotations

import re
import unicodedata

from portal_app.services.kernel.errors import InvalidInput

BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
KEEP_FORMAT = frozenset("\u200c\u200d")  # zero-width non-joiner and joiner: part of how some scripts are written
LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")
WHOLE = re.compile(r"[0-9]+")


def _visible(text: str, *, keep_newlines: bool) -> str:
    out = []
    for char in text:
        if char in BIDI_CONTROLS:
            continue
        if char == "\n" and keep_newlines:
            out.append(char)
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Zl", "Zp"):
            out.append(" " if char.isspace() else "")
        elif category == "Cs" or (category == "Cf" and char not in KEEP_FORMAT):
            continue
        else:
            out.append(char)
    return "".join(out)


def _text(raw: object) -> str:
    return raw if isinstance(raw, str) else ("" if raw is None else str(raw))


def line(raw: object, max_length: int | None = None) -> str:
    """One line of text as it should be stored: see the module notes. Cut to `max_length`."""
    text = _visible(LINE_BREAKS.sub(" ", _text(raw)), keep_newlines=False)
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    return text[:max_length].rstrip() if max_length else text


LIKE_ESCAPE = "\\"


def like_contains(search: str) -> str:
    """A SQL LIKE pattern for "holds `search`, lower-cased", its wildcards taken literally (used
    with `escape=LIKE_ESCAPE`): a search for "50%" finds "50%", not everything after "50"."""
    escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def paragraph(raw: object, max_length: int | None = None) -> str:
    """Text a person wrote, line breaks kept (at most one empty line in a row), spaces at the ends
    of lines dropped, nothing invisible kept."""
    text = _visible(LINE_BREAKS.sub("\n", _text(raw)).replace("\t", " "), keep_newlines=True)
    text = unicodedata.normalize("NFC", text)
    lines = [" ".join(part.split()) if not part.strip() else part.rstrip() for part in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text[:max_length].rstrip() if max_length else text


def has_foreign_digits(raw: object) -> bool:
    """True when the text holds digits other than 0-9 (Arabic-Indic, fullwidth, superscripts...)."""
    return any(char.isdigit() and not ("0" <= char <= "9") for char in _text(raw))


def number_text(raw: object, key: str, **params: object) -> str:
    """What was typed for a number, invisible characters and spaces removed; InvalidInput(key)
    when it uses digits other than 0-9."""
    if has_foreign_digits(raw):  # before NFKC, which would turn "²" and "１" into 2 and 1
        raise InvalidInput(key, value=" ".join(_visible(_text(raw), keep_newlines=False).split())[:40], **params)
    return "".join(line(raw).split())


def whole_number(raw: object, *, low: int, high: int, key: str, **params: object) -> int:
    """A whole number from `low` to `high`, typed with 0-9 (an int passes through the same checks);
    anything else is InvalidInput(key) with the range in its parameters."""
    if isinstance(raw, bool):
        raise InvalidInput(key, low=low, high=high, **params)
    if isinstance(raw, int):
        value = raw
    else:
        text = number_text(raw, key, low=low, high=high, **params)
        if not WHOLE.fullmatch(text) or len(text) > 12:
            raise InvalidInput(key, low=low, high=high, **params)
        value = int(text)
    if not low <= value <= high:
        raise InvalidInput(key, low=low, high=high, **params)
    return value
