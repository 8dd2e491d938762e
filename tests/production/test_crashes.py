"""kill -9 one worker in the middle of an upload, of a webhook and of a job: nothing is lost and
nothing is applied twice.

To stop a worker at a known point without any test hook in the portal, the test holds a row lock
in PostgreSQL that the worker's transaction needs (the audit chain's head, which every audited
write locks; or the job's state row, which finishing a job locks), waits until PostgreSQL shows
the worker waiting on it, and then kills the worker. Its open transaction dies with its
connection, exactly as in a real crash."""
from __future__ import annotations

import contextlib
import re
import threading
import uuid
from collections import Counter
from datetime import timedelta

import psycopg
from playwright.sync_api import expect
from sqlmodel import func, select

from models import Document, DocumentVersion, JobRun, JobState, OutboxMessage, ProviderEvent
from portal_app.services.files import orphans
from portal_app.services.files.storage import get_storage
from portal_app.services.kernel import db
from portal_app.services.kernel.clock import utcnow
from portal_app.services.messaging import mail
from tests import sample_files
from tests.billing_helpers import books_balanced
from tests.billing_scenarios import posted_exactly_once
from tests.production.conftest import ARTIFACTS, new_page
from tests.production.steps import (
    deliver,
    eventually,
    invoice_status,
    matter_id,
    paid_in_sandbox_but_not_delivered,
    pin,
    sign_in,
)
from tests.production.test_across_workers import H1B, request_id


GRACE = timedelta(hours=24)  # PORTAL_ORPHAN_GRACE_HOURS's default, which the workers use


def _dsn(topology) -> str:
    return topology.database_url.replace("postgresql+psycopg://", "postgresql://")


@contextlib.contextmanager
def row_locked(topology, sql: str, *params):
    """Hold a row lock (SELECT ... FOR UPDATE) until the block ends."""
    conn = psycopg.connect(_dsn(topology), autocommit=False)
    try:
        conn.execute(sql, params)
        yield conn
    finally:
        conn.rollback()
        conn.close()


def waiting_on_locks(topology) -> int:
    with psycopg.connect(_dsn(topology), autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                            (topology.db_name,)).fetchone()[0]


def in_background(fn, *args, **kwargs) -> dict:
    box: dict = {}

    def run():
        try:
            box["value"] = fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the caller looks at it
            box["error"] = exc

    box["thread"] = threading.Thread(target=run, daemon=True)
    box["thread"].start()
    return box


def test_kill_mid_webhook_posting_then_the_other_worker_posts_it(both_workers_up):
    """The route stores the event and answers; worker a is killed while its drain waits to post it
    (the audit head held). The stored event is still open, and worker b posts it once: its drain,
    started by the duplicate delivery, or its job loop (whose lease a may have held when it died)."""
    topology = both_workers_up
    invoice_id, events = paid_in_sandbox_but_not_delivered(cents=72_500)
    with row_locked(topology, "SELECT * FROM audit_head WHERE id = 1 FOR UPDATE"):
        assert deliver(topology, events[0], cookies={"prodcheck_worker": "a"})[0] == 200
        eventually(lambda: waiting_on_locks(topology) >= 1)
        topology.kill_worker("a")
        assert invoice_status(invoice_id) == "sent"  # still held: nobody can have posted it
        with db.read() as s:
            assert s.exec(select(ProviderEvent.status).where(ProviderEvent.event_id == _event_id(events[0]))).one() \
                == "pending"

    retried = [deliver(topology, event) for event in events]  # Stripe retries; worker a is down
    assert [status for status, _ in retried] == [200] * len(events)
    assert retried[0][1]["result"] == "duplicate"
    eventually(lambda: invoice_status(invoice_id) == "paid", timeout=60)
    assert {body["result"] for _, body in (deliver(topology, e) for e in events)} == {"duplicate"}
    assert posted_exactly_once() == [] and books_balanced()


def _event_id(event: tuple[bytes, str]) -> str:
    import json

    return json.loads(event[0])["id"]


def _objects_and_rows() -> tuple[set[str], set[str]]:
    objects = {item.key for item in get_storage().items()}
    with db.read() as s:
        rows = set(s.exec(select(DocumentVersion.storage_key)).all())
    return objects, rows


def _versions(key: str) -> int:
    with db.read() as s:
        return s.exec(select(func.count()).select_from(DocumentVersion)
                      .join(Document, Document.id == DocumentVersion.document_id)
                      .where(Document.request_id == uuid.UUID(request_id(key)))).one()


def _choose_and_send(page, key: str, name: str, data: bytes) -> None:
    item = page.locator(f"#item-{request_id(key)}")
    item.locator(".open-item").click()
    item.locator("input[type=file]").set_input_files([{"name": name, "mimeType": "application/pdf", "buffer": data}])
    expect(item.locator(".selected-file", has_text=name)).to_be_visible()
    item.locator("#send-files").click()


def _open_documents(client, h1b: str) -> None:
    pin(client, "a")
    sign_in(client, "wei@demo.example", start=f"/login?next=/matters/{h1b}/documents")
    client.wait_for_url(re.compile(rf"^[^?]*/matters/{h1b}/documents/?$"))
    expect(client.locator(".request-item").first).to_be_visible()  # loaded before anything is locked


def _kill_after_storing(topology, client, key: str, data: bytes) -> str:
    """Send a file; kill worker a once it has stored the object and waits to record it."""
    objects_before = _objects_and_rows()[0]
    with row_locked(topology, "SELECT * FROM audit_head WHERE id = 1 FOR UPDATE"):
        _choose_and_send(client, key, "transcript.pdf", data)
        eventually(lambda: waiting_on_locks(topology) >= 1, timeout=60)  # stored, about to record it
        objects, rows = _objects_and_rows()
        (half_done,) = objects - objects_before
        assert half_done not in rows
        topology.kill_worker("a")
    return half_done


def _sweep_only(half_done: str) -> None:
    objects, rows = _objects_and_rows()
    assert objects - rows == {half_done}  # the crashed upload's ciphertext, and nothing else
    assert orphans.sweep(utcnow())["removed"] == 0  # too young to sweep
    # A day later (just past its age only, so files other workers are writing now stay out of it):
    born = next(item.modified for item in get_storage().items() if item.key == half_done)
    assert orphans.sweep(born + GRACE + timedelta(seconds=1))["removed"] == 1
    objects, rows = _objects_and_rows()
    assert objects == rows  # every object is named by a row, every row's object is there


def test_kill_mid_upload_then_the_client_retries(browsers, both_workers_up):
    topology = both_workers_up
    client = new_page(browsers, topology, phone=True)
    key, data = "transcripts", sample_files.pdf(3, padding=3 * 1024 * 1024)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        _open_documents(client, matter_id(H1B))
        before = _versions(key)
        half_done = _kill_after_storing(topology, client, key, data)
        assert _versions(key) == before  # nothing recorded: the client was never told it arrived
        client.wait_for_timeout(2000)
        client.screenshot(path=str(ARTIFACTS / "upload-when-the-worker-died-phone.png"), full_page=True)

        pin(client, None)  # the client tries again; nginx sends her to the worker that is up
        client.reload()
        expect(client.locator(".request-item").first).to_be_visible()
        _choose_and_send(client, key, "transcript.pdf", data)
        expect(client.locator(f"#item-{request_id(key)} .upload-file .file-done")).to_have_count(1, timeout=60_000)
        client.screenshot(path=str(ARTIFACTS / "upload-retried-after-a-crash-phone.png"), full_page=True)
        assert _versions(key) == before + 1
        _sweep_only(half_done)
    finally:
        client.context.close()


def _multipart_uploads(topology) -> list[dict]:
    return topology.s3().list_multipart_uploads(Bucket=topology.bucket).get("Uploads", [])


def test_kill_mid_stream_leaves_nothing_half_stored(browsers, both_workers_up):
    topology = both_workers_up
    client = new_page(browsers, topology, phone=True)
    h1b, key = matter_id(H1B), "transcripts"
    data = sample_files.pdf(2, padding=12 * 1024 * 1024)
    try:
        _open_documents(client, h1b)
        before, objects_before = _versions(key), _objects_and_rows()[0]
        cdp = client.context.new_cdp_session(client)  # a slow phone connection: 1 MB/s up
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 40,
                                                      "downloadThroughput": 4_000_000, "uploadThroughput": 1_000_000})
        _choose_and_send(client, key, "transcript scan.pdf", data)
        eventually(lambda: _multipart_uploads(topology), timeout=60)  # 8 MiB in S3, the rest on its way
        topology.kill_worker("a")
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                      "uploadThroughput": -1})
        assert _versions(key) == before and _objects_and_rows()[0] == objects_before  # no object, no row
        assert len(_multipart_uploads(topology)) == 1  # only parts, which nothing can read
        result = orphans.sweep(utcnow() + GRACE - timedelta(seconds=5))  # moto dates every one 2010
        assert result["aborted"] == 1 and _multipart_uploads(topology) == []
    finally:
        client.context.close()


def test_kill_mid_job_then_the_other_worker_takes_it_over(both_workers_up):
    topology = both_workers_up
    topology.mailbox.delay_seconds = 0.4  # a slow mail server: one delivery pass takes seconds
    first = _queue_mail(8)
    try:
        state = eventually(lambda: _held("mail.deliver"), timeout=30, every=0.02)
        victim = next(name for name, w in topology.workers.items() if int(state.holder.split(":")[1]) in w.pids())
        with row_locked(topology, "SELECT * FROM job_state WHERE name = %s FOR UPDATE", "mail.deliver"):
            eventually(lambda: waiting_on_locks(topology) >= 1, timeout=30)  # it finished sending, not the job
            topology.kill_worker(victim)
        topology.mailbox.delay_seconds = 0
        assert _held("mail.deliver").holder == state.holder  # the dead worker still holds the lease
        with db.write() as s:  # stands for the lease's 10 minutes passing
            row = s.get(JobState, "mail.deliver")
            row.lease_expires_at = utcnow() - timedelta(seconds=1)
        second = _queue_mail(3)
        eventually(lambda: _all_sent(first | second), timeout=60)
        # a run is recorded "ok" when the pass ends, a moment after its last message is marked sent
        runs = eventually(lambda: _runs_once_another_finished(state), timeout=30)
        abandoned = [r for r in runs if r.status == "abandoned"]
        assert [r.holder for r in abandoned] == [state.holder]
        sent = Counter(_message_ids(topology))
        assert all(sent[i] == 1 for i in first | second), "a message was sent twice or not at all"
    finally:
        topology.mailbox.delay_seconds = 0


def _runs_once_another_finished(state: _Held) -> list[JobRun] | None:
    """The delivery job's runs since the killed one; None while no other worker's run ended "ok"."""
    with db.read() as s:
        runs = s.exec(select(JobRun).where(JobRun.job_name == "mail.deliver", JobRun.due_at >= state.due_at)
                      .order_by(JobRun.started_at)).all()
    done = any(r.status == "ok" and r.holder != state.holder for r in runs)
    return runs if done else None


def _queue_mail(count: int) -> set[str]:
    ids = set()
    with db.write() as s:
        for n in range(count):
            message = mail.enqueue(s, to_address=f"crash{n}-{uuid.uuid4().hex[:6]}@example.com",
                                   template="password_reset", name="Someone", link="https://portal.test/r", minutes=60)
            s.flush()
            ids.add(str(message.id))
    return ids


class _Held:
    def __init__(self, row: JobState, due_at) -> None:
        self.holder, self.due_at = row.holder, due_at


def _held(name: str):
    with db.read() as s:
        row = s.get(JobState, name)
        if row is None or row.holder is None:
            return None
        run = s.exec(select(JobRun).where(JobRun.job_name == name, JobRun.status == "running")).first()
        return _Held(row, run.due_at if run else row.next_due_at)


def _all_sent(ids: set[str]) -> bool:
    with db.read() as s:
        rows = s.exec(select(OutboxMessage.status).where(OutboxMessage.id.in_([uuid.UUID(i) for i in ids]))).all()
    return len(rows) == len(ids) and set(rows) == {"sent"}


def _message_ids(topology) -> list[str]:
    import email

    return [email.message_from_bytes(m["content"])["Message-ID"].strip("<>").split("@")[0]
            for m in topology.mailbox.messages]
