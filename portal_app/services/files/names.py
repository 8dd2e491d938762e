"""File names from clients are never paths: they are cleaned for display, and the name a file is
stored and downloaded under follows the checklist item's naming convention."""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from portal_app.services.kernel import text

MAX_NAME = 120
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/heic": "heic",
              "image/heif": "heif"}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def display_name(raw: str | None, fallback: str = "file") -> str:
    """A client's file name made safe to show: no path, no control, invisible or direction-changing
    characters (kernel/text.py: "invoice\u202efdp.exe" becomes "invoicefdp.exe"), at most 120
    characters (the extension is kept), any script allowed."""
    name = text.line(raw)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(_UNSAFE.sub(" ", name).split()).strip(". ")
    if not name:
        return fallback
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and len(ext) <= 8 else ""
        keep = MAX_NAME - (len(ext) + 1 if ext else 0)
        name = (stem if ext else name)[:keep].rstrip(". ") + (f".{ext}" if ext else "")
    return name


def ascii_words(text: str) -> str:
    """"María José O'Neil" -> "Maria_Jose_ONeil" (letters and digits only, underscores between words)."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[A-Za-z0-9]+", plain.replace("'", ""))
    return "_".join(words)


def conventional_name(convention: str, *, person: str, content_type: str, number: int = 1) -> str:
    """The stored name: the item's convention with {name} filled in, e.g. Passport_Bio_Page_Jane_Doe.pdf,
    whatever the client's file was called. The second file on an item gets _2, the third _3..."""
    filled = (convention or "Document").replace("{name}", f" {person or ''} ")
    base = ascii_words(filled) or "Document"
    suffix = f"_{number}" if number > 1 else ""
    ext = EXTENSIONS.get(content_type, "bin")
    return f"{base[:MAX_NAME - len(suffix) - 6]}{suffix}.{ext}"


def content_disposition(name: str, disposition: str = "attachment") -> str:
    """RFC 6266: an ASCII fallback plus the UTF-8 name, both quoted safely."""
    safe = display_name(name)
    fallback = ascii_words(safe.rsplit(".", 1)[0]) or "file"
    if "." in safe:
        fallback += "." + ascii_words(safe.rsplit(".", 1)[1])
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(safe, safe='')}"
