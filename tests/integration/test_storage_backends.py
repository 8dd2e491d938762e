"""Both storage backends behind one interface: local folder and S3 (moto's standalone server).
Only ciphertext is stored, objects appear only when complete, and tampering with a stored object
is caught when it is read back."""
from __future__ import annotations

import errno
import os
import uuid

import pytest

from portal_app.services.files import storage
from portal_app.services.files import store as filestore
from portal_app.services.files.encryption import MAGIC
from portal_app.services.kernel.settings import get_settings
from tests.moto_s3 import all_objects

SIZES = [0, 1000, 3 * 1024 * 1024 + 7, 19 * 1024 * 1024]  # the last needs a multipart upload on S3


class FakeVersion:
    def __init__(self, stored: filestore.StoredObject) -> None:
        self.id, self.storage_key = stored.file_id, stored.storage_key
        self.wrapped_key, self.chunk_size = stored.sealed.wrapped_key, stored.sealed.chunk_size
        self.sha256 = stored.sealed.sha256


def _round_trip(size: int) -> None:
    data = os.urandom(size)
    stored = filestore.seal_pieces((data[i:i + 300_000] for i in range(0, size, 300_000)), uuid.uuid4())
    backend = storage.get_storage()
    assert backend.exists(stored.storage_key)
    head = backend.read_range(stored.storage_key, 0, 64)
    assert head.startswith(MAGIC) and (size == 0 or data[:32] not in head)
    assert b"".join(filestore.stream(FakeVersion(stored))) == data
    reader = filestore.seekable(stored.file_id, stored)
    reader.seek(size // 2)
    assert reader.read(100) == data[size // 2:size // 2 + 100]


@pytest.mark.parametrize("size", SIZES)
def test_local_round_trip(size):
    _round_trip(size)
    assert storage.get_storage().root == get_settings().data_dir / "files"


@pytest.mark.parametrize("size", SIZES)
def test_s3_round_trip(s3_settings, size):
    _round_trip(size)
    (name,) = all_objects(s3_settings)
    assert name.startswith("firm-files/") and len(name.split("/")[-1]) == 40


@pytest.mark.parametrize("backend_kind", ["local", "s3"])
def test_a_discarded_upload_leaves_nothing(request, backend_kind):
    backend = request.getfixturevalue("s3_settings") if backend_kind == "s3" else storage.get_storage()
    upload = filestore.Upload()
    upload.write(os.urandom(10 * 1024 * 1024))  # past one S3 part: a multipart upload is open
    assert not backend.exists(upload.key)
    upload.discard()
    assert not backend.exists(upload.key)
    if backend_kind == "s3":
        assert all_objects(backend) == []
        assert backend.client.list_multipart_uploads(Bucket=backend.bucket).get("Uploads", []) == []
    else:
        assert [p for p in backend.root.rglob("*") if p.is_file()] == []


def test_a_full_disk_mid_upload_is_an_error_and_leaves_nothing():
    """The local backend writes from a thread of its own: a write that fails there (the disk is
    full: Linux's /dev/full answers every write with ENOSPC) is raised to the upload, and the
    upload leaves nothing behind."""
    backend = storage.get_storage()
    upload = filestore.Upload()
    writer = upload._writer
    writer._fh.close()
    writer._fh = open("/dev/full", "wb", buffering=0)  # noqa: SIM115 - closed by the abort
    with pytest.raises(OSError) as failure:
        for _ in range(40):
            upload.write(os.urandom(256 * 1024))
        upload.finish()
    assert failure.value.errno == errno.ENOSPC
    upload.discard()
    assert not backend.exists(upload.key)
    assert [p for p in backend.root.rglob("*") if p.is_file()] == []


def test_s3_tampered_object_fails_loudly(s3_settings):
    data = os.urandom(2 * 1024 * 1024)
    stored = filestore.seal_bytes(data, uuid.uuid4())
    name = s3_settings.object_name(stored.storage_key)
    body = bytearray(s3_settings.client.get_object(Bucket=s3_settings.bucket, Key=name)["Body"].read())
    body[len(body) // 2] ^= 0x80
    s3_settings.client.put_object(Bucket=s3_settings.bucket, Key=name, Body=bytes(body))
    with pytest.raises(filestore.IntegrityError):
        b"".join(filestore.stream(FakeVersion(stored)))


def test_missing_object_is_a_storage_error(s3_settings):
    with pytest.raises(storage.StorageError):
        s3_settings.open(storage.new_key())
    with pytest.raises(storage.StorageError):
        storage.LocalStorage(get_settings().data_dir / "x").open(storage.new_key())


def test_keys_are_random_and_checked():
    assert storage.new_key() != storage.new_key()
    for bad in ("../etc/passwd", "ab/../../x", "AB/CD", "ab", "ab/cd/ef"):
        with pytest.raises(storage.StorageError):
            storage.get_storage().exists(bad)


def test_a_stored_object_survives_a_power_cut_after_its_rename(monkeypatch):
    """fsync of the file keeps its bytes; its new name is durable only once its folder is synced,
    after the rename, and the root too when the object's folder is new (the database row that
    names the object is committed right after)."""
    backend, synced = storage.get_storage(), []  # (path synced, the object under its final name yet)
    key = next(k for k in iter(storage.new_key, None) if not (backend.root / k).parent.exists())
    real_fsync = os.fsync

    def recording_fsync(fd):
        synced.append((os.readlink(f"/proc/self/fd/{fd}"), (backend.root / key).exists()))
        real_fsync(fd)

    def store(name: str) -> list[tuple[str, bool]]:
        synced.clear()
        writer = backend.writer(name)
        writer.write(b"sealed bytes")
        writer.commit()
        return list(synced)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    (part, renamed), *folders = store(key)
    assert part.endswith(".part") and not renamed
    assert folders == [(str(backend.root / key.split("/")[0]), True), (str(backend.root), True)]
    neighbour = f"{key.split('/')[0]}/{storage.new_key().split('/')[1]}"  # the same folder, not new now
    assert [path for path, _ in store(neighbour)][1:] == [str(backend.root / key.split("/")[0])]
