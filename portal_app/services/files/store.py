"""Encrypted files in the configured storage: seal bytes or a stream into a new object, read it
back (sequentially for downloads, seekable for validators), and re-wrap every data key when the
master keys rotate. Callers record the returned StoredObject in a DocumentVersion row; the
version's id is the file id bound into every chunk.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import event
from sqlmodel import Session, select

from models import DocumentVersion
from portal_app.services.files.encryption import IntegrityError, Keyring, SealedFile, SealedReader, Sealer, open_stream
from portal_app.services.files.storage import Storage, StorageError, get_storage, new_key
from portal_app.services.kernel import audit, db
from portal_app.services.kernel.settings import get_settings

__all__ = ["IntegrityError", "StorageError", "StoredObject", "Upload", "keyring", "seal_bytes", "stream", "seekable", "rotate_keys"]


def keyring() -> Keyring:
    return Keyring([key.get_secret_value() for key in get_settings().master_keys])


@dataclass(frozen=True)
class StoredObject:
    storage_key: str
    sealed: SealedFile

    @property
    def file_id(self) -> uuid.UUID:
        return self.sealed.file_id


class Upload:
    """An object being written: write() plaintext pieces, then finish() or discard().
    Nothing is visible under the key until finish(); discard() leaves storage as it was."""

    def __init__(self, file_id: uuid.UUID | None = None, storage: Storage | None = None,
                 chunk_size: int | None = None) -> None:
        self.storage = storage or get_storage()
        self.key = new_key()
        self._writer = self.storage.writer(self.key)
        self._sealer = Sealer(self._writer, keyring(), file_id=file_id,
                              chunk_size=chunk_size or get_settings().file_chunk_bytes)
        self._done, self._discarded = False, False

    @property
    def size(self) -> int:
        return self._sealer.size

    def write(self, data: bytes) -> None:
        self._sealer.write(data)

    def finish(self) -> StoredObject:
        sealed = self._sealer.close()
        self._writer.commit()
        self._done = True
        return StoredObject(self.key, sealed)

    def discard(self) -> None:
        """Forget a write in progress, or remove an object already finished (once; again is a no-op)."""
        if self._discarded:
            return
        self._discarded = True
        if self._done:
            self.storage.delete(self.key)
        else:
            self._writer.abort()
        self._done = True


def seal_bytes(data: bytes, file_id: uuid.UUID | None = None) -> StoredObject:
    return seal_pieces([data], file_id)


def seal_pieces(pieces: Iterable[bytes], file_id: uuid.UUID | None = None) -> StoredObject:
    upload = Upload(file_id)
    try:
        for piece in pieces:
            upload.write(piece)
        return upload.finish()
    except BaseException:
        upload.discard()
        raise


def delete_if_rolled_back(s: Session, storage_key: str) -> None:
    """Remove the object again if the caller's transaction rolls back instead of committing."""
    storage, committed = get_storage(), []

    def _on_rollback(_session) -> None:
        if not committed:
            storage.delete(storage_key)

    event.listen(s, "after_commit", lambda _session: committed.append(True), once=True)
    event.listen(s, "after_rollback", _on_rollback, once=True)


def stream(version: DocumentVersion, piece_bytes: int = 256 * 1024) -> Iterator[bytes]:
    """The plaintext of a stored version, chunk by chunk; raises IntegrityError on any tampering."""
    source = get_storage().open(version.storage_key)
    try:
        yield from open_stream(lambda n: source.read(n), keyring(), file_id=version.id,
                               wrapped_key=version.wrapped_key, chunk_size=version.chunk_size,
                               expected_sha256=version.sha256)
    finally:
        source.close()


def seekable(version_id: uuid.UUID, stored: StoredObject) -> SealedReader:
    storage = get_storage()
    return SealedReader(lambda start, n: storage.read_range(stored.storage_key, start, n), keyring(),
                        file_id=version_id, wrapped_key=stored.sealed.wrapped_key,
                        chunk_size=stored.sealed.chunk_size, size_bytes=stored.sealed.size_bytes)


def rotate_keys(batch: int = 500) -> int:
    """Re-wrap every file's data key under the newest master key. Content is never read or written.
    Run after putting a new key first in PORTAL_MASTER_KEYS; afterwards the old key can go."""
    ring, done, last_id = keyring(), 0, None
    while True:
        with db.write() as s:
            query = (select(DocumentVersion).where(DocumentVersion.shredded_at.is_(None))  # a shredded key is gone
                     .order_by(DocumentVersion.id).limit(batch))
            if last_id is not None:
                query = query.where(DocumentVersion.id > last_id)
            rows = s.exec(query).all()
            for row in rows:
                row.wrapped_key = ring.rewrap(row.wrapped_key)
            if rows:
                last_id = rows[-1].id
                audit.record(s, "files.keys_rewrapped", object_type="document_version", object_id=last_id,
                             details={"count": len(rows)})
            done += len(rows)
        if len(rows) < batch:
            return done


def wrapped_by_newest_key() -> tuple[int, int]:
    """(versions whose data key opens with the newest master key alone, all versions)."""
    newest = Keyring([get_settings().master_keys[0].get_secret_value()])
    with db.read() as s:
        wrapped = s.exec(select(DocumentVersion.wrapped_key).where(DocumentVersion.shredded_at.is_(None))).all()
    ok = 0
    for value in wrapped:
        try:
            newest.unwrap(value)
            ok += 1
        except IntegrityError:
            pass
    return ok, len(wrapped)
