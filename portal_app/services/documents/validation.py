"""Checking uploads by their content, never by their name: magic bytes against the item's accepted
types, then a structural check with a real parser (pypdf for PDFs, Pillow and pillow-heif for
images) through a seekable decrypting reader, so plaintext never touches disk. Every refusal is
an InvalidInput whose message tells the client, in plain words, what to do.
"""
from __future__ import annotations

import io
import warnings
from typing import BinaryIO

import pillow_heif
from PIL import Image, ImageOps
from pypdf import PasswordType, PdfReader

from portal_app.services.files.encryption import IntegrityError
from portal_app.services.kernel.errors import InvalidInput
from portal_app.services.kernel.i18n import t

MAX_PIXELS = 60_000_000  # a 48 MP phone photo passes; a pixel flood does not
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
pillow_heif.register_heif_opener()
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"heif"}
PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/heic": "HEIF", "image/heif": "HEIF"}
TYPE_LABELS = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG", "heic": "HEIC"}
TYPE_TOKENS = {"application/pdf": "pdf", "image/jpeg": "jpeg", "image/png": "png", "image/heic": "heic",
               "image/heif": "heic"}
RENDITION_MAX_SIDE = 4096


class UnknownFileType(InvalidInput):
    """A file that is none of the stored types; the message says what it looks like instead."""

    def __init__(self, *, name: str, kind_key: str, accepted: str) -> None:
        super().__init__("upload.type_unknown", name=name, kind_key=kind_key, accepted=accepted)

    def message(self, locale: str = "en") -> str:
        params = {k: v for k, v in self.params.items() if k != "kind_key"}
        return t(self.code, locale, kind=t(str(self.params["kind_key"]), locale), **params)


def sniff(head: bytes) -> str | None:
    """The content type the first bytes prove, among those the portal stores; None otherwise."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "image/heic" if head[8:12] != b"mif1" else "image/heif"
    return None


def describe(head: bytes) -> str:
    """What a refused file looks like, as a catalog key (upload.kind.*)."""
    checks = [
        (head.startswith(b"PK\x03\x04"), "zip"), (head.startswith(b"\xd0\xcf\x11\xe0"), "office"),
        (head.startswith(b"MZ") or head.startswith(b"\x7fELF"), "program"), (head.startswith(b"GIF8"), "gif"),
        (head[:4] == b"RIFF" and head[8:12] == b"WEBP", "webp"), (head[4:8] == b"ftyp", "video"),
        (head.lstrip()[:1] == b"<", "web_page"),
    ]
    for matched, kind in checks:
        if matched:
            return f"upload.kind.{kind}"
    try:
        text = head.decode("utf-8")
        if text and all(c.isprintable() or c.isspace() for c in text):
            return "upload.kind.text"
    except UnicodeDecodeError:
        pass
    return "upload.kind.unknown"


def accepted_label(tokens: list[str]) -> str:
    return ", ".join(TYPE_LABELS.get(t, t.upper()) for t in tokens)


def check_type(head: bytes, accepted: list[str], *, name: str, item: str) -> str:
    """The file's content type if the item accepts it; otherwise a message naming what it is."""
    content_type = sniff(head)
    if content_type is None:
        raise UnknownFileType(name=name, kind_key=describe(head), accepted=accepted_label(accepted))
    if TYPE_TOKENS[content_type] not in accepted:
        raise InvalidInput("upload.type_not_accepted", name=name, kind=TYPE_LABELS[TYPE_TOKENS[content_type]],
                           item=item, accepted=accepted_label(accepted))
    return content_type


def check_content(reader: BinaryIO, content_type: str, *, name: str, size: int) -> None:
    """Open the whole file with a real parser; raise InvalidInput if it is damaged or unusable."""
    try:
        if content_type == "application/pdf":
            _check_pdf(reader, name, size)
        else:
            _check_image(reader, content_type, name)
    except (InvalidInput, IntegrityError):
        raise
    except Exception:  # noqa: BLE001 - any parser failure on client bytes means "damaged"
        key = "upload.pdf_corrupt" if content_type == "application/pdf" else "upload.image_corrupt"
        raise InvalidInput(key, name=name) from None


def _check_pdf(reader: BinaryIO, name: str, size: int) -> None:
    reader.seek(max(0, size - 2048))
    if b"%%EOF" not in reader.read():
        raise InvalidInput("upload.pdf_truncated", name=name)
    reader.seek(0)
    pdf = PdfReader(reader, strict=False)
    if pdf.is_encrypted and pdf.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise InvalidInput("upload.pdf_encrypted", name=name)
    if len(pdf.pages) == 0:
        raise InvalidInput("upload.pdf_corrupt", name=name)
    _ = pdf.pages[0].mediabox


def _open_image(reader: BinaryIO, content_type: str) -> Image.Image:
    reader.seek(0)
    return Image.open(reader, formats=[PIL_FORMATS[content_type]])


def _check_image(reader: BinaryIO, content_type: str, name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = _open_image(reader, content_type)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            if content_type == "image/png":
                image.verify()  # chunk CRCs
                image = _open_image(reader, content_type)
            if content_type == "image/jpeg":
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            image.load()  # decodes everything: a cut-off file fails here
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise InvalidInput("upload.image_too_big", name=name, limit=MAX_PIXELS // 1_000_000) from None
        except OSError as exc:
            key = "upload.image_truncated" if "truncated" in str(exc) else "upload.image_corrupt"
            raise InvalidInput(key, name=name) from None


def jpeg_rendition(reader: BinaryIO, content_type: str) -> bytes:
    """A JPEG of a HEIC photo that any browser opens (upright, at most 4096 px on a side)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = ImageOps.exif_transpose(_open_image(reader, content_type))
    image = image.convert("RGB")
    image.thumbnail((RENDITION_MAX_SIDE, RENDITION_MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88, optimize=True)
    return out.getvalue()
