"""store_generated (used by billing for invoice and receipt PDFs) and the download route:
signed, short-lived links bound to a user, a session and a version; the permission table asked
again on every request; streamed decryption; every view and download audited."""
from __future__ import annotations

import contextlib
import os
import time
import uuid

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from models import AuditEvent, Document, DocumentVersion
from portal_app.api import RequestGuard, build_api
from portal_app.cli import main as cli
from portal_app.services.files import links as file_links
from portal_app.services.files import storage
from portal_app.services.files import store as filestore
from portal_app.services.files.encryption import MAGIC, stored_chunk_length
from portal_app.services.files.generated import store_generated
from portal_app.services.identity import auth, passwords
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import InvalidInput, NotAllowed
from portal_app.services.kernel.settings import reset_settings
from tests.world import build_world
from tests.identity_helpers import full_sign_in

PASSWORD = "existing password 1"
PDF = b"%PDF-1.7\n" + os.urandom(3 * 1024 * 1024) + b"\n%%EOF\n"


@pytest.fixture
def world(portal_db):
    return build_world(password_hash=passwords.hash_password(PASSWORD))


@pytest.fixture
def http(world):
    with TestClient(RequestGuard(build_api()), follow_redirects=False) as c:
        yield c


def sign_in(key: str):
    session_token, _ = auth.exchange(full_sign_in(f"{key}@firm.example", PASSWORD).exchange_token)
    return auth.resolve(session_token), {"cookie": f"portal_session={session_token}"}


def store_invoice(world, actor_key="billing", matter="own", data=PDF) -> str:
    with db.write() as s:
        return store_generated(s, actor=world.actor(actor_key) if actor_key else None,
                               matter_id=world.matters[matter].id, kind="invoice_pdf",
                               display_name="Invoice INV-0007 (Wei Zhang).pdf", data=data,
                               content_type="application/pdf")


def test_store_generated_encrypts_records_and_audits(world):
    version_id = store_invoice(world)
    with db.read() as s:
        version = s.get(DocumentVersion, uuid.UUID(version_id))
        document = s.get(Document, version.document_id)
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "document.generated")).one()
    assert document.kind == "invoice_pdf" and document.matter_id == world.matters["own"].id
    assert version.size_bytes == len(PDF) and version.stored_name == "Invoice INV-0007 (Wei Zhang).pdf"
    raw = storage.get_storage().read_range(version.storage_key, 0, 1 << 20)
    assert b"%PDF" not in raw and event.object_id == version_id
    assert store_invoice(world, actor_key=None)  # the portal itself (a webhook) may store a receipt


def test_store_generated_refuses_out_of_scope_and_unknown_kinds(world):
    with pytest.raises(NotAllowed):
        store_invoice(world, actor_key="billing", matter="other")
    with pytest.raises(NotAllowed):
        store_invoice(world, actor_key="paralegal")  # paralegals do not see invoices
    with db.write() as s, pytest.raises(InvalidInput):
        store_generated(s, actor=world.actor("billing"), matter_id=world.matters["own"].id, kind="evidence",
                        display_name="x.pdf", data=b"x", content_type="application/pdf")
    assert _objects() == []


def test_a_rolled_back_transaction_leaves_no_object(world):
    with pytest.raises(RuntimeError):
        with db.write() as s:
            store_generated(s, actor=world.actor("billing"), matter_id=world.matters["own"].id, kind="receipt_pdf",
                            display_name="r.pdf", data=PDF, content_type="application/pdf")
            raise RuntimeError("billing failed later in the same transaction")
    assert _objects() == []
    with db.read() as s:
        assert s.exec(select(DocumentVersion)).all() == []


def _objects() -> list:
    root = storage.get_storage().root
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_download_streams_the_plaintext_with_safe_headers(world, http):
    version_id = store_invoice(world)
    actor, cookie = sign_in("billing")
    link = file_links.mint(actor, version_id)
    response = http.get(link, headers=cookie)
    assert response.status_code == 200 and response.content == PDF
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="Invoice_INV_0007_Wei_Zhang.pdf"')
    assert "filename*=UTF-8''Invoice%20INV-0007%20%28Wei%20Zhang%29.pdf" in disposition
    inline = http.get(file_links.mint(actor, version_id, "inline"), headers=cookie)
    assert inline.headers["content-disposition"].startswith("inline;")
    with db.read() as s:
        actions = s.exec(select(AuditEvent.action).where(AuditEvent.object_id == version_id)).all()
    assert actions.count("document.downloaded") == 1 and actions.count("document.viewed") == 1


def test_bad_links_get_403_and_no_bytes(world, http, monkeypatch):
    version_id = store_invoice(world)
    other_id = store_invoice(world, matter="own")
    actor, cookie = sign_in("billing")
    link = file_links.mint(actor, version_id)
    token = link.split("?t=")[1]
    client_actor, client_cookie = sign_in("client")
    cases = {
        "no cookie": http.get(link),
        "someone else's session": http.get(link, headers=client_cookie),
        "tampered": http.get(link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"), headers=cookie),
        "another version": http.get(f"/api/files/{other_id}?t={token}", headers=cookie),
        "not a uuid": http.get(f"/api/files/123?t={token}", headers=cookie),
        "no token": http.get(f"/api/files/{version_id}", headers=cookie),
    }
    real_time = time.time
    monkeypatch.setattr("cryptography.fernet.time.time", lambda: real_time() + file_links.LINK_SECONDS + 61)
    cases["expired"] = http.get(link, headers=cookie)
    monkeypatch.undo()
    for name, response in cases.items():
        assert response.status_code == 403, name
        assert PDF[:8] not in response.content and response.headers["cache-control"] == "no-store", name


def test_permission_is_checked_again_on_every_request(world, http):
    version_id = store_invoice(world)
    actor, cookie = sign_in("billing")
    link = file_links.mint(actor, version_id)
    with db.write() as s:
        from models import MatterMember

        s.delete(s.get(MatterMember, (world.matters["own"].id, world.users["billing"].id)))
    assert http.get(link, headers=cookie).status_code == 403
    with pytest.raises(NotAllowed):
        file_links.mint(actor, version_id)


def test_paralegal_and_other_client_cannot_mint_invoice_links(world):
    version_id = store_invoice(world)
    for key in ("paralegal", "other_client"):
        with pytest.raises(NotAllowed):
            file_links.mint(world.actor(key), version_id)
    assert file_links.mint(world.actor("client"), version_id).startswith(f"/api/files/{version_id}?t=")


def test_a_tampered_stored_file_is_never_sent(world, http):
    version_id = store_invoice(world)
    with db.read() as s:
        version = s.get(DocumentVersion, uuid.UUID(version_id))
    path = storage.get_storage().root / version.storage_key
    data = bytearray(path.read_bytes())
    data[100] ^= 1
    path.write_bytes(bytes(data))
    actor, cookie = sign_in("billing")
    response = http.get(file_links.mint(actor, version_id), headers=cookie)
    assert response.status_code == 500 and PDF[:8] not in response.content


def test_a_file_damaged_after_its_first_chunks_is_cut_off_before_the_damage(world, http):
    """The route sends what opened before the damage and then stops: nothing from the damaged
    chunk on ever leaves, and what did leave is the file's own bytes."""
    version_id = store_invoice(world)
    with db.read() as s:
        version = s.get(DocumentVersion, uuid.UUID(version_id))
    path = storage.get_storage().root / version.storage_key
    data = bytearray(path.read_bytes())
    damaged = 6  # of 13 chunks; the route hands over about 1 MiB (4 chunks) per trip
    data[len(MAGIC) + damaged * stored_chunk_length(version.chunk_size) + 100] ^= 1
    path.write_bytes(bytes(data))
    actor, cookie = sign_in("billing")
    received = bytearray()
    with contextlib.suppress(filestore.IntegrityError), http.stream(  # the test client may pass the error on
            "GET", file_links.mint(actor, version_id), headers=cookie) as response:
        assert response.status_code == 200
        for piece in response.iter_raw():
            received += piece
    assert 0 < len(received) <= damaged * version.chunk_size and bytes(received) == PDF[:len(received)]


def test_key_rotation_command_rewraps_every_key_without_touching_content(world, http, monkeypatch, capsys):
    from cryptography.fernet import Fernet

    from portal_app.services.kernel.settings import get_settings

    version_id = store_invoice(world)
    with db.read() as s:
        before = s.get(DocumentVersion, uuid.UUID(version_id))
    path = storage.get_storage().root / before.storage_key
    content_before = path.read_bytes()
    old_key, new_key = get_settings().master_keys[0].get_secret_value(), Fernet.generate_key().decode()
    monkeypatch.setenv("PORTAL_MASTER_KEYS", f"{new_key},{old_key}")
    reset_settings()
    assert cli(["keys", "status"]) == 1
    assert cli(["keys", "rotate"]) == 0
    assert "1 data keys re-wrapped" in capsys.readouterr().out
    monkeypatch.setenv("PORTAL_MASTER_KEYS", new_key)  # the old key is gone
    reset_settings()
    with db.read() as s:
        after = s.get(DocumentVersion, uuid.UUID(version_id))
    assert after.wrapped_key != before.wrapped_key and path.read_bytes() == content_before
    actor, cookie = sign_in("billing")
    assert http.get(file_links.mint(actor, version_id), headers=cookie).content == PDF
