"""Real files made in the tests (valid PDFs, JPEGs, PNGs, HEIC photos) and a corpus of malformed ones."""
from __future__ import annotations

import io
import struct
import zlib

import pillow_heif
from PIL import Image
from pypdf import PdfWriter

pillow_heif.register_heif_opener()


def pdf(pages: int = 1, password: str | None = None, padding: int = 0) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    if padding:
        writer.add_metadata({"/Padding": "x" * padding})
    if password:
        writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image(fmt: str = "JPEG", size=(320, 240), color=(30, 90, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def jpeg(size=(320, 240)) -> bytes:
    return image("JPEG", size)


def png(size=(320, 240)) -> bytes:
    return image("PNG", size)


def heic(size=(320, 240)) -> bytes:
    return image("HEIF", size)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb() -> bytes:
    """A tiny PNG that claims 100,000 x 100,000 pixels (10 gigapixels)."""
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1000)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b"")


def jpeg_bomb() -> bytes:
    """A valid small JPEG whose frame header is rewritten to claim 65,000 x 65,000 pixels."""
    data = bytearray(jpeg((64, 64)))
    sof = data.find(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", 65000, 65000)
    return bytes(data)


def png_bad_crc() -> bytes:
    data = bytearray(png((64, 64)))
    idat = data.find(b"IDAT")
    length = struct.unpack(">I", data[idat - 4:idat])[0]
    data[idat + 4 + length] ^= 0xFF  # first byte of the IDAT CRC
    return bytes(data)


def zip_file() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def malformed_corpus() -> list[tuple[str, str, bytes, str]]:
    """(case, file name, bytes, expected message fragment) - each must be refused, storing nothing."""
    good_pdf, good_jpeg, good_png, good_heic = pdf(2), jpeg((400, 300)), png((300, 300)), heic((200, 200))
    return [
        ("empty", "passport.pdf", b"", "is empty"),
        ("one byte", "passport.pdf", b"%", "is not a PDF, JPEG, PNG or HEIC"),
        ("random bytes", "passport.pdf", bytes(range(256)) * 8, "a kind of file we cannot open"),
        ("text named pdf", "passport.pdf", b"This is my passport number: X1234567\n" * 10, "a plain text file"),
        ("html named jpg", "photo.jpg", b"<html><script>alert(1)</script></html>", "a web page"),
        ("svg named png", "photo.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "a web page"),
        ("zip named pdf", "passport.pdf", zip_file(), "a ZIP archive or a Word/Excel document"),
        ("old word document", "letter.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "an old Word"),
        ("windows program", "passport.pdf.exe", b"MZ\x90\x00" + b"\x00" * 600, "a program"),
        ("linux program", "scan.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 600, "a program"),
        ("gif", "photo.gif", b"GIF89a" + b"\x00" * 100, "a GIF animation"),
        ("webp", "photo.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 100, "a WebP picture"),
        ("mp4 video", "video.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100, "a video"),
        ("pdf cut in half", "passport.pdf", good_pdf[:len(good_pdf) // 2], "is incomplete: the end of the PDF"),
        ("pdf header only", "passport.pdf", b"%PDF-1.7\n", "is incomplete: the end of the PDF"),
        ("pdf garbage body", "passport.pdf", b"%PDF-1.7\n" + b"garbage " * 200 + b"\n%%EOF\n", "is damaged"),
        ("pdf with a password", "passport.pdf", pdf(1, password="secret"), "protected with a password"),
        ("jpeg cut in half", "photo.jpg", good_jpeg[:len(good_jpeg) // 2], "is incomplete"),
        ("jpeg header only", "photo.jpg", good_jpeg[:20], "cannot be opened as a picture"),
        ("jpeg pixel flood", "photo.jpg", jpeg_bomb(), "megapixels"),
        ("png cut in half", "photo.png", good_png[:len(good_png) // 2], "photo"),
        ("png bad checksum", "photo.png", png_bad_crc(), "cannot be opened as a picture"),
        ("png decompression bomb", "photo.png", png_bomb(), "megapixels"),
        ("heic cut in half", "IMG_0001.HEIC", good_heic[:len(good_heic) // 2], "cannot be opened as a picture"),
        ("heic header only", "IMG_0002.HEIC", good_heic[:40], "cannot be opened as a picture"),
        ("pdf where only photos are accepted", "photo.pdf", good_pdf, "is a PDF file, but for"),
        ("too large for the item", "passport.pdf", pdf(1, padding=60_000) , "larger than the"),
    ]
