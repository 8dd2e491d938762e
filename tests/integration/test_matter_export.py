"""The full export of a demo matter round-trips: every stored version is in the ZIP under its item's
folder, its manifest SHA-256 is the stored plaintext hash, the index lists every item, version and
review, the audit events recompute and sit in the verified chain. The CLI, the staff link and the
client's own copy; clear answers for an unknown matter, no permission, a matter under deletion."""
from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from models import AuditEvent, Document, DocumentVersion, Matter, RetentionReview, User
from portal_app.api import RequestGuard, build_api
from portal_app.cli import main as cli
from portal_app.services.demo import seed
from portal_app.services.identity import auth
from portal_app.services.kernel import audit, db
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import Conflict, NotAllowed
from portal_app.services.records.export import archive, links, verify
from portal_app.services.records.export.verify import event_from_json
from tests.identity_helpers import full_sign_in


@pytest.fixture
def demo(portal_db):
    seed.seed()
    with db.read() as s:
        return {m.reference: m for m in s.exec(select(Matter)).all()}


def actor(email: str) -> Actor:
    with db.read() as s:
        user = s.exec(select(User).where(User.email == email)).one()
    return Actor(user_id=user.id, role=user.role, email=email, full_name=user.full_name)


def export_with_cli(tmp_path, reference: str) -> zipfile.ZipFile:
    path = tmp_path / "export.zip"
    assert cli(["matters", "export", reference, "--out", str(path)]) == 0
    return zipfile.ZipFile(path)


def test_a_demo_matter_round_trips(demo, tmp_path):
    z = export_with_cli(tmp_path, "MTR-2026-0001")
    assert z.testzip() is None
    manifest = dict(reversed(line.split("  ", 1)) for line in z.read("manifest.sha256").decode().splitlines())
    assert set(manifest) == set(z.namelist()) - {"manifest.sha256"}
    with db.read() as s:
        versions = s.exec(select(DocumentVersion, Document).join(Document, Document.id == DocumentVersion.document_id)
                          .where(Document.matter_id == demo["MTR-2026-0001"].id)).all()
    assert len(versions) >= 4  # three evidence files and the invoice PDFs at least
    for version, document in versions:
        (path,) = [p for p in manifest if p.endswith(f"/v{version.version_no}_{version.stored_name}")
                   and (p.startswith("billing/") == (document.kind != "evidence"))]
        assert manifest[path] == version.sha256  # the manifest says what was stored...
        assert z.read(path).startswith(b"%PDF") or z.read(path)[:3] == b"\xff\xd8\xff"  # ...decrypted
    index = list(csv.DictReader(io.StringIO(z.read("index.csv").decode("utf-8-sig"))))
    rejected = [r for r in index if r["review"] == "rejected"]
    assert len(rejected) == 1 and "long-form birth certificate" in rejected[0]["review_reason"]
    assert {r["item"] for r in index} >= {"Passport bio page", "Marriage certificate"}
    assert z.read("index.pdf").startswith(b"%PDF")
    intake = z.read("intake.csv").decode("utf-8-sig")
    assert "country_of_birth" in intake and "Mexico" in intake
    assert b"INV-2026-" in z.read("billing/invoices.csv")


def test_the_exported_audit_events_prove_their_place_in_the_chain(demo, tmp_path):
    path = tmp_path / "e.zip"
    cli(["matters", "export", "MTR-2026-0002", "--out", str(path)])
    z = zipfile.ZipFile(path)
    rows = [json.loads(line) for line in z.read("audit/events.jsonl").decode().splitlines()]
    proof = json.loads(z.read("audit/proof.json"))
    assert rows and proof["chain_verified"] and [e["seq"] for e in proof["matter_events"]] == [r["seq"] for r in rows]
    for row in rows:
        assert audit.compute_hash(row["prev_hash"], event_from_json(row)) == row["entry_hash"]
    assert verify.verify_export(str(path)).ok
    with db.read() as s:
        done = s.exec(select(AuditEvent).where(AuditEvent.action == "matter.exported")).one()
    assert done.details["via"] == "cli" and done.details["entries"] == len(z.namelist())

    tampered = tmp_path / "t.zip"  # an edited index no longer matches the manifest
    with zipfile.ZipFile(tampered, "w") as out:
        for info in z.infolist():
            data = z.read(info)
            out.writestr(info.filename, data.replace(b"Passport", b"Pasaport") if info.filename == "index.csv" else data)
    result = verify.verify_export(str(tampered))
    assert not result.ok and result.problems == ["index.csv: does not match the manifest"]


def test_bad_input_gets_a_clear_message(demo, capsys):
    assert cli(["matters", "export", "MTR-2099-0001"]) == 1
    assert "There is no matter MTR-2099-0001." in capsys.readouterr().err
    paralegal, billing = actor("paralegal@demo.example"), actor("billing@demo.example")
    with pytest.raises(NotAllowed):  # Amara's matter has no paralegal assigned
        archive.prepare(paralegal, str(demo["MTR-2026-0003"].id))
    with pytest.raises(NotAllowed):
        archive.prepare(billing, str(demo["MTR-2026-0001"].id))
    with pytest.raises(NotAllowed):
        archive.prepare(actor("maria@demo.example"), str(demo["MTR-2026-0002"].id))
    with db.write() as s:
        matter = s.get(Matter, demo["MTR-2026-0003"].id)
        s.add(RetentionReview(matter_id=matter.id, status="approved", policy_scope="default", keep_months=84,
                              closed_on=matter.opened_at.date(), due_on=matter.opened_at.date()))
    with pytest.raises(Conflict) as deleting:
        archive.prepare(actor("admin@demo.example"), str(demo["MTR-2026-0003"].id))
    assert "being deleted" in deleting.value.message()


def _session(email: str):
    token, _ = auth.exchange(full_sign_in(email, seed.DEMO_PASSWORD).exchange_token)
    return auth.resolve(token), {"cookie": f"portal_session={token}"}


def test_a_client_downloads_a_copy_of_their_own_file_through_a_short_lived_link(demo):
    maria, cookie = _session("maria@demo.example")
    url = links.mint(maria, str(demo["MTR-2026-0001"].id))
    with TestClient(RequestGuard(build_api()), follow_redirects=False) as http:
        answer = http.get(url, headers=cookie)
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
        assert "MTR-2026-0001_file_" in answer.headers["content-disposition"]
        assert "documents/" in " ".join(zipfile.ZipFile(io.BytesIO(answer.content)).namelist())
        _wei, wei_cookie = _session("wei@demo.example")
        assert http.get(url, headers=wei_cookie).status_code == 403  # the link is Maria's
        assert http.get(url.replace(str(demo["MTR-2026-0001"].id), str(uuid.uuid4())), headers=cookie).status_code == 403
        assert http.get(url.split("?")[0] + "?t=forged", headers=cookie).status_code == 403
    with pytest.raises(NotAllowed):
        links.mint(maria, str(demo["MTR-2026-0002"].id))
