"""Files at rest: round trips at every size boundary, random access, key rotation, and every kind
of tampering (a flipped byte anywhere, swapped, dropped or foreign chunks, a cut or extended file,
the wrong key) fails loudly instead of returning garbage."""
from __future__ import annotations

import base64
import io
import os
import tracemalloc
import uuid

import pytest
from cryptography.fernet import Fernet, InvalidToken

from portal_app.services.files.encryption import (
    LENGTH,
    MAGIC,
    IntegrityError,
    Keyring,
    RawFernet,
    SealedReader,
    Sealer,
    open_stream,
    stored_chunk_length,
)

CHUNK = 4096


def seal(data: bytes, ring: Keyring, file_id: uuid.UUID, chunk: int = CHUNK) -> tuple[bytes, object]:
    sink = io.BytesIO()
    sealer = Sealer(sink, ring, file_id=file_id, chunk_size=chunk)
    for start in range(0, len(data), 1000):  # arbitrary write sizes
        sealer.write(data[start:start + 1000])
    sealed = sealer.close()
    return sink.getvalue(), sealed


def unseal(stored: bytes, ring: Keyring, file_id: uuid.UUID, sealed, sha: str | None = None) -> bytes:
    return b"".join(open_stream(io.BytesIO(stored).read, ring, file_id=file_id, wrapped_key=sealed.wrapped_key,
                                chunk_size=sealed.chunk_size, expected_sha256=sha))


def chunks_of(stored: bytes) -> list[bytes]:
    out, pos = [], len(MAGIC)
    while pos < len(stored):
        (n,) = LENGTH.unpack_from(stored, pos)
        out.append(stored[pos:pos + LENGTH.size + n])
        pos += LENGTH.size + n
    return out


@pytest.mark.parametrize("size", [0, 1, 15, 16, 17, 4096, 100_000])
def test_raw_tokens_are_fernet_tokens_in_both_directions(size):
    key, data = Fernet.generate_key(), os.urandom(size)
    ours, theirs = RawFernet(key), Fernet(key)
    assert theirs.decrypt(base64.urlsafe_b64encode(ours.encrypt(data))) == data
    assert ours.decrypt(base64.urlsafe_b64decode(theirs.encrypt(data))) == data


def test_raw_tokens_refuse_any_change():
    key = Fernet.generate_key()
    token = bytes(RawFernet(key).encrypt(b"x" * 100))
    for position in (0, 5, 12, 40, len(token) - 1):
        bad = bytearray(token)
        bad[position] ^= 1
        with pytest.raises(InvalidToken):
            RawFernet(key).decrypt(bytes(bad))
    for bad in (token[:-1], token + b"\0", b"", token[:56]):
        with pytest.raises(InvalidToken):
            RawFernet(key).decrypt(bad)
    with pytest.raises(InvalidToken):
        RawFernet(Fernet.generate_key()).decrypt(token)


@pytest.fixture
def ring():
    return Keyring([Fernet.generate_key().decode()])


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 517])
def test_round_trip_at_every_boundary(ring, size):
    data, fid = os.urandom(size), uuid.uuid4()
    stored, sealed = seal(data, ring, fid)
    assert sealed.size_bytes == size and sealed.stored_bytes == len(stored)
    assert unseal(stored, ring, fid, sealed, sealed.sha256) == data
    assert size < 16 or data[:64] not in stored[4:]  # ciphertext, not plaintext
    full = [len(c) for c in chunks_of(stored)[:-1]]
    assert all(n == stored_chunk_length(CHUNK) for n in full)


def test_seekable_reader_matches_the_plaintext(ring):
    data, fid = os.urandom(5 * CHUNK + 99), uuid.uuid4()
    stored, sealed = seal(data, ring, fid)
    reader = io.BufferedReader(SealedReader(lambda start, n: stored[start:start + n], ring, file_id=fid,
                                            wrapped_key=sealed.wrapped_key, chunk_size=CHUNK, size_bytes=len(data)))
    for offset, length in [(0, 10), (CHUNK - 3, 7), (4 * CHUNK + 50, 200), (len(data) - 5, 50)]:
        reader.seek(offset)
        assert reader.read(length) == data[offset:offset + length]
    reader.seek(-20, io.SEEK_END)
    assert reader.read() == data[-20:]


@pytest.mark.parametrize("position", ["magic", "length", "timestamp", "iv", "body", "hmac", "last_chunk"])
def test_a_flipped_byte_anywhere_fails(ring, position):
    data, fid = os.urandom(3 * CHUNK + 10), uuid.uuid4()
    stored, sealed = seal(data, ring, fid)
    first = len(MAGIC) + LENGTH.size  # first token's first byte
    offsets = {"magic": 1, "length": len(MAGIC) + 2, "timestamp": first + 3, "iv": first + 12,
               "body": first + 200, "hmac": first + stored_chunk_length(CHUNK) - LENGTH.size - 1,
               "last_chunk": len(stored) - 40}
    tampered = bytearray(stored)
    tampered[offsets[position]] ^= 0x01
    with pytest.raises(IntegrityError):
        unseal(bytes(tampered), ring, fid, sealed)


def test_swapped_dropped_and_foreign_chunks_fail(ring):
    data, fid = os.urandom(3 * CHUNK + 10), uuid.uuid4()
    stored, sealed = seal(data, ring, fid)
    c = chunks_of(stored)
    swapped = MAGIC + c[1] + c[0] + c[2] + c[3]
    dropped_middle = MAGIC + c[0] + c[2] + c[3]
    cut_before_last = MAGIC + c[0] + c[1] + c[2]
    extended = stored + c[3]
    for bad in (swapped, dropped_middle, cut_before_last, extended, stored[:-1], MAGIC):
        with pytest.raises(IntegrityError):
            unseal(bad, ring, fid, sealed)
    other_stored, other_sealed = seal(data, ring, uuid.uuid4())
    with pytest.raises(IntegrityError, match="another file|authenticate"):
        unseal(MAGIC + c[0] + chunks_of(other_stored)[1] + c[2] + c[3], ring, fid, sealed)
    with pytest.raises(IntegrityError, match="another file"):  # the whole file under another id
        unseal(stored, ring, uuid.uuid4(), sealed)


def test_wrong_master_key_and_wrong_data_key_fail(ring):
    data, fid = os.urandom(CHUNK * 2), uuid.uuid4()
    stored, sealed = seal(data, ring, fid)
    stranger = Keyring([Fernet.generate_key().decode()])
    with pytest.raises(IntegrityError, match="master key"):
        unseal(stored, stranger, fid, sealed)
    _other_stored, other_sealed = seal(data, ring, fid)  # same id, different data key
    with pytest.raises(IntegrityError, match="authenticate"):
        unseal(stored, ring, fid, other_sealed)


def test_recorded_sha256_is_checked(ring):
    data, fid = b"hello", uuid.uuid4()
    stored, sealed = seal(data, ring, fid)
    with pytest.raises(IntegrityError, match="SHA-256"):
        unseal(stored, ring, fid, sealed, sha="0" * 64)


def test_rotation_rewraps_the_key_and_leaves_content_alone():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    before = Keyring([old])
    data, fid = os.urandom(CHUNK * 2 + 1), uuid.uuid4()
    stored, sealed = seal(data, before, fid)
    during = Keyring([new, old])
    rewrapped = during.rewrap(sealed.wrapped_key)
    assert rewrapped != sealed.wrapped_key
    after = Keyring([new])
    assert after.unwrap(rewrapped) == before.unwrap(sealed.wrapped_key)
    moved = type(sealed)(fid, rewrapped, sealed.chunk_size, sealed.size_bytes, sealed.sha256, sealed.stored_bytes)
    assert unseal(stored, after, fid, moved, sealed.sha256) == data
    with pytest.raises(IntegrityError):
        after.unwrap(sealed.wrapped_key)


def _peak_sealing(ring, total: int, chunk: int) -> int:
    piece = os.urandom(chunk)

    class CountingSink:
        written = 0

        def write(self, data):
            self.written += len(data)

    tracemalloc.start()
    sealer = Sealer(CountingSink(), ring, chunk_size=chunk)
    for _ in range(total // chunk):
        sealer.write(piece)
    sealer.close()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def test_memory_stays_bounded_whatever_the_size(ring):
    chunk = 256 * 1024
    small, large = _peak_sealing(ring, 4 * 1024 * 1024, chunk), _peak_sealing(ring, 64 * 1024 * 1024, chunk)
    assert large < 16 * chunk, f"peak {large} bytes sealing 64 MiB"
    assert large < small * 1.5, f"peak grows with size: {small} -> {large}"
