"""Compressing what the portal writes itself (the per-reader pages, the catalogs): gzip when the
request accepts it. The built scripts and styles are served from their precompressed sidecars."""
from __future__ import annotations

import gzip


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding value admits gzip (`gzip;q=0` refuses it; `*` admits it)."""
    offered: dict[str, float] = {}
    for part in accept_encoding.split(","):
        name, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name:
            offered[name.lower()] = quality
    return offered.get("gzip", offered.get("*", 0.0)) > 0


def gzipped(body: bytes, level: int = 6) -> bytes:
    """`mtime=0`: the same page gives the same bytes."""
    return gzip.compress(body, compresslevel=level, mtime=0)
