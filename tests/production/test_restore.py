"""A backup of the running portal (PostgreSQL, S3), made with the CLI while both workers serve,
restored with the CLI into a new, empty database and a new bucket: every document downloads
byte for byte, the audit chain verifies and trust reconciles to the same figures."""
from __future__ import annotations

import subprocess
import sys
import uuid

import sqlalchemy as sa
from sqlmodel import select

from models import DocumentRequest, Matter
from portal_app.services.documents import uploads
from portal_app.services.kernel import audit, db
from portal_app.services.kernel.settings import reset_settings
from tests import sample_files
from tests.integration.test_backups import documents, trust_figures
from tests.production.steps import actor, deliver, paid_in_sandbox_but_not_delivered
from tests.production.topology import PG_ADMIN, ROOT


def _cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "portal_app.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


def test_backup_of_the_running_portal_restores_elsewhere(topology, tmp_path, monkeypatch):
    _, events = paid_in_sandbox_but_not_delivered(cents=31_000)
    assert all(deliver(topology, event)[0] == 200 for event in events)
    with db.read() as s:
        request = s.exec(select(DocumentRequest).join(Matter, Matter.id == DocumentRequest.matter_id)
                         .where(Matter.reference == "MTR-2026-0003", DocumentRequest.provided_by == "beneficiary")
                         .order_by(DocumentRequest.key)).first()
    uploads.upload_bytes(actor("amara@demo.example"), str(request.id), "scan.pdf", sample_files.pdf(4, padding=50_000))
    billing = actor("billing@demo.example")
    before_docs, before_trust = documents(), trust_figures(billing)

    folder = tmp_path / "portal-backup"
    made = _cli(topology.env, "backup", "create", "--out", str(folder))
    assert made.returncode == 0, made.stdout + made.stderr
    assert (folder / "database.dump").stat().st_size > 0

    target_db, target_bucket = f"{topology.db_name}_restored", f"restored-{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{target_db}"')
    topology.s3().create_bucket(Bucket=target_bucket)
    target = {**topology.env, "PORTAL_DATABASE_URL": topology.database_url.rsplit("/", 1)[0] + f"/{target_db}",
              "PORTAL_S3_BUCKET": target_bucket}
    try:
        restored = _cli(target, "backup", "restore", str(folder))
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "audit chain OK" in restored.stdout
        for key in ("PORTAL_DATABASE_URL", "PORTAL_S3_BUCKET"):
            monkeypatch.setenv(key, target[key])
        db.dispose_engines()
        reset_settings()
        after = documents()  # every version decrypts (PDFs the jobs made meanwhile are in it too)
        assert before_docs.items() <= after.items()  # and every document from before reads back the same
        assert audit.verify_stored().ok
        assert trust_figures(billing) == before_trust
        assert _cli(target, "backup", "restore", str(folder)).returncode == 1  # never over a database in use
    finally:
        db.dispose_engines()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target_db}" WITH (FORCE)')
        admin.dispose()
