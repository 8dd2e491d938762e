"""Where encrypted files live: one small interface, two backends.

LocalStorage (the default) keeps objects in a private folder under settings.data_dir, written to
a temporary name, fsynced and renamed, so a half-written object never appears under its key.
S3Storage (files/s3.py, the one module that imports boto3) streams objects up as a multipart
upload with a bounded buffer, and reads them back by byte range. Keys are random (see new_key): they say nothing about the
client. Only ciphertext ever reaches a backend (filecrypt seals before writing).
"""
from __future__ import annotations

import os
import re
import secrets
import uuid
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Protocol

from portal_app.services.kernel.settings import Settings, get_settings


class StorageError(Exception):
    """The backend failed or the object is missing."""


@dataclass(frozen=True)
class StoredItem:
    key: str
    modified: datetime  # aware UTC
    size: int


KEY_PATTERN = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{40}$")


class ObjectWriter(Protocol):
    def write(self, data: bytes) -> None: ...
    def commit(self) -> None: ...
    def abort(self) -> None: ...


class Storage(Protocol):
    name: str

    def writer(self, key: str) -> ObjectWriter: ...
    def open(self, key: str) -> BinaryIO: ...
    def read_range(self, key: str, start: int, length: int) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def items(self) -> Iterator[StoredItem]: ...
    def abort_stale_writes(self, older_than: datetime) -> int: ...


def new_key() -> str:
    """A random object key, sharded by its first two characters."""
    token = secrets.token_hex(20)
    return f"{token[:2]}/{token}"


def check_key(key: str) -> str:
    parts = key.split("/")
    if len(parts) != 2 or not all(p and all(c in "0123456789abcdef" for c in p) for p in parts):
        raise StorageError("malformed storage key")
    return key


def _fsync_folder(folder: Path) -> None:
    """A rename is durable only once its folder is synced (fsync of the file keeps the bytes only)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _LocalWriter:
    """Writes the object under a temporary name from a thread of its own, in order: the kernel's
    copy releases the GIL, so sealing the next chunk overlaps writing the last one (alone, the
    write was half an upload's time). At most PENDING pieces wait, so memory stays flat; a failed
    write raises from the next write() or from commit()."""

    PENDING = 8

    def __init__(self, final: Path) -> None:
        self._new_folder = not final.parent.exists()  # its name in the root must be made durable too
        final.parent.mkdir(parents=True, exist_ok=True)
        self._final = final
        self._tmp = final.with_name(f".{final.name}.{uuid.uuid4().hex}.part")
        self._fh = open(self._tmp, "xb")  # noqa: SIM115 - closed by commit/abort
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="object-writer")
        self._pending: deque[Future] = deque()

    def write(self, data: bytes) -> None:
        self._pending.append(self._thread.submit(self._fh.write, data))
        while len(self._pending) > self.PENDING or (self._pending and self._pending[0].done()):
            self._pending.popleft().result()

    def commit(self) -> None:
        try:
            while self._pending:
                self._pending.popleft().result()
        finally:
            self._thread.shutdown(wait=True)
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        os.replace(self._tmp, self._final)
        _fsync_folder(self._final.parent)  # the new name survives a power cut, as the database row will
        if self._new_folder:
            _fsync_folder(self._final.parent.parent)

    def abort(self) -> None:
        for pending in self._pending:
            pending.cancel()
        self._thread.shutdown(wait=True)
        self._pending.clear()
        self._fh.close()
        self._tmp.unlink(missing_ok=True)


class LocalStorage:
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def writer(self, key: str) -> _LocalWriter:
        return _LocalWriter(self._path(key))

    def open(self, key: str) -> BinaryIO:
        try:
            return open(self._path(key), "rb")  # noqa: SIM115 - the caller closes it
        except FileNotFoundError:
            raise StorageError(f"object {key} is missing") from None

    def read_range(self, key: str, start: int, length: int) -> bytes:
        with self.open(key) as fh:
            fh.seek(start)
            return fh.read(length)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def items(self) -> Iterator[StoredItem]:
        """Every finished object (only names in our key format: nothing else is ever touched)."""
        for path in self.root.glob("??/*"):
            key = f"{path.parent.name}/{path.name}"
            if KEY_PATTERN.match(key) and path.is_file():
                info = path.stat()
                yield StoredItem(key, datetime.fromtimestamp(info.st_mtime, timezone.utc), info.st_size)

    def abort_stale_writes(self, older_than: datetime) -> int:
        """Remove temporary files of writes that never finished (a process killed mid-upload)."""
        removed = 0
        for path in self.root.glob("??/.*.part"):
            if datetime.fromtimestamp(path.stat().st_mtime, timezone.utc) < older_than:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def storage_from(cfg: Settings) -> Storage:
    if cfg.storage_backend == "s3":
        from portal_app.services.files.s3 import S3Storage  # boto3 loads only when S3 is configured

        return S3Storage(bucket=cfg.s3_bucket, prefix=cfg.s3_prefix, region=cfg.s3_region,
                         endpoint_url=cfg.s3_endpoint_url)
    return LocalStorage(cfg.data_dir / "files")


_backends: dict[tuple, Storage] = {}


def get_storage() -> Storage:
    """The configured backend (one client per configuration)."""
    cfg = get_settings()
    ident = (cfg.storage_backend, str(cfg.data_dir), cfg.s3_bucket, cfg.s3_prefix, cfg.s3_region, cfg.s3_endpoint_url)
    if ident not in _backends:
        _backends[ident] = storage_from(cfg)
    return _backends[ident]
