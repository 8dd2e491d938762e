"""A ZIP written as a stream of byte pieces, never held whole: Python's zipfile writes to a sink
that only counts and collects (no seek), so each entry gets a data descriptor and the central
directory comes last. Every entry's SHA-256 is kept for the manifest. Memory stays at one piece."""
from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime


class _Sink:
    """Write-only, tell-able, not seekable: what zipfile needs to stream."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._pos = 0

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        self._pos += len(data)
        return len(data)

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


class ZipStream:
    def __init__(self) -> None:
        self._sink = _Sink()
        self._zip = zipfile.ZipFile(self._sink, mode="w", allowZip64=True)
        self.sums: list[tuple[str, str]] = []  # (path, sha256)

    def _info(self, path: str, when: datetime, size: int, compress: bool) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(path, date_time=(max(when.year, 1980), when.month, when.day, when.hour,
                                                when.minute, when.second))
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.file_size = size
        info.external_attr = 0o600 << 16
        return info

    def add(self, path: str, pieces: Iterable[bytes], *, when: datetime, size: int = 0,
            compress: bool = True) -> Iterator[bytes]:
        """Write one entry from its pieces, yielding the archive's bytes as they are made."""
        digest = hashlib.sha256()
        with self._zip.open(self._info(path, when, size, compress), mode="w", force_zip64=size > 2**31) as out:
            for piece in pieces:
                digest.update(piece)
                out.write(piece)
                yield self._sink.take()
        self.sums.append((path, digest.hexdigest()))
        yield self._sink.take()

    def add_bytes(self, path: str, data: bytes, *, when: datetime) -> Iterator[bytes]:
        yield from self.add(path, [data], when=when, size=len(data))

    def close(self) -> bytes:
        self._zip.close()
        return self._sink.take()
