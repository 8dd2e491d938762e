"""`backup create` and `backup restore` on SQLite and the local folder (PostgreSQL and S3 are
restored by `make prod-check`): a restore into an empty database and folder gives back the
documents (downloaded and compared byte for byte), an audit chain that verifies, and trust books
that reconcile to the same figures; a damaged backup, a non-empty target and missing master keys
are refused with a plain reason."""
from __future__ import annotations

import hashlib
import shutil
from datetime import timedelta

import pytest
from sqlmodel import select

from models import DocumentRequest, DocumentVersion
from portal_app.cli import main as cli
from portal_app.services.backups import snapshot
from portal_app.services.backups.database import BackupError
from portal_app.services.billing.accounting import reconciliation
from portal_app.services.documents import checklists, uploads
from portal_app.services.files import store as filestore
from portal_app.services.kernel import audit, db
from portal_app.services.kernel.clock import utcnow
from portal_app.services.kernel.settings import get_settings, reset_settings
from tests import sample_files
from tests.billing_helpers import allow_trust_cards, make_invoice, pay_with_card
from tests.conftest import TEST_DB
from tests.world import build_world

pytestmark = pytest.mark.skipif(TEST_DB != "sqlite", reason="PostgreSQL and S3 backups are restored by make prod-check")


def trust_figures(actor) -> tuple:
    today = utcnow().date()
    report = reconciliation.report(actor, today - timedelta(days=30), today, "0")
    return report.journal_balance_cents, report.client_ledgers_cents, report.owed_by_operating_cents, \
        [(c.client, c.balance_cents) for c in report.clients]


def documents() -> dict[str, str]:
    """Every stored version's plaintext SHA-256, read back through decryption."""
    with db.read() as s:
        versions = s.exec(select(DocumentVersion)).all()
    return {str(v.id): hashlib.sha256(b"".join(filestore.stream(v))).hexdigest() for v in versions}


@pytest.fixture
def firm(portal_db):
    world = build_world()
    allow_trust_cards(world)
    with db.write() as s:
        checklists.instantiate(s, None, s.merge(world.matters["own"]))
    with db.read() as s:
        request = s.exec(select(DocumentRequest).where(DocumentRequest.matter_id == world.matters["own"].id,
                                                       DocumentRequest.provided_by == "beneficiary")).first()
    uploads.upload_bytes(world.actor("client"), str(request.id), "passport.pdf", sample_files.pdf(2, padding=700_000))
    uploads.upload_bytes(world.actor("client"), str(request.id), "photo.jpg", sample_files.jpeg((900, 700)))
    pay_with_card(world, make_invoice(world, "retainer", 250_000))
    return world


def _move_to_empty_place(tmp_path, monkeypatch, keys: str | None) -> None:
    """Point the portal at a new, empty database and data folder (as on a replacement machine)."""
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path / "new-machine"))
    monkeypatch.setenv("PORTAL_DATABASE_URL", f"sqlite:///{tmp_path / 'new-machine' / 'portal.db'}")
    if keys is None:
        monkeypatch.delenv("PORTAL_MASTER_KEYS", raising=False)
    else:
        monkeypatch.setenv("PORTAL_MASTER_KEYS", keys)
    db.dispose_engines()
    reset_settings()


def test_a_backup_restores_into_an_empty_database_and_folder(firm, tmp_path, monkeypatch, capsys):
    before_docs, before_trust = documents(), trust_figures(firm.actor("billing"))
    keys = ",".join(key.get_secret_value() for key in get_settings().master_keys)
    folder = tmp_path / "backup"
    assert cli(["backup", "create", "--out", str(folder)]) == 0
    assert "PORTAL_MASTER_KEYS" in capsys.readouterr().out
    assert keys.split(",")[0] not in "".join(p.read_text(errors="ignore") for p in folder.rglob("*.json"))

    _move_to_empty_place(tmp_path, monkeypatch, keys)
    assert cli(["backup", "check", str(folder)]) == 0
    assert cli(["backup", "restore", str(folder)]) == 0
    assert "audit chain OK" in capsys.readouterr().out
    assert documents() == before_docs
    assert trust_figures(firm.actor("billing")) == before_trust
    assert audit.verify_stored().ok

    assert cli(["backup", "restore", str(folder)]) == 1  # never over a database in use
    assert "not empty" in capsys.readouterr().out


def test_a_damaged_backup_is_refused(firm, tmp_path, capsys):
    folder = tmp_path / "backup"
    snapshot.create(folder)
    damaged = tmp_path / "damaged"
    shutil.copytree(folder, damaged)
    victim = next(p for p in (damaged / "objects").rglob("*") if p.is_file())
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    assert cli(["backup", "check", str(damaged)]) == 1
    assert "does not match its checksum" in capsys.readouterr().out
    with pytest.raises(BackupError, match="damaged"):
        snapshot.restore(damaged)


def test_without_the_master_keys_a_restore_says_so(firm, tmp_path, monkeypatch):
    folder = tmp_path / "backup"
    snapshot.create(folder)
    _move_to_empty_place(tmp_path, monkeypatch, keys=None)  # a fresh machine makes a new key of its own
    with pytest.raises(BackupError, match="master keys the backup was made with"):
        snapshot.restore(folder)
