"""The staff pages' load events over a big practice: 5,000 matters, 100,000 document requests,
2,500 invoices (bench/reminders.py's practice) plus a task per matter, a file uploaded on each
matter (half of them waiting for review) and the invoices' trust deposits in the books; on SQLite
and PostgreSQL, for an administrator (who sees every matter: the largest page each can be).

Each page's server time is measured by calling the services its state's load handler calls, with
the same arguments, in the same order (the handler's own copying into state vars and Reflex's
delta are not included); the staff home includes the two panels that load when it mounts. Its
floor is the page's main query alone (the list it shows, with the same scope), measured in the
same run. Best of a few rounds, alternating page and floor (the machine is shared). The reader's
language is set, as PageState sets it for every event."""
from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import select

from bench.common import LABEL, StatementCounter, database, kinds, timed
from bench.insights import _analyze
from bench.reminders import NOW, _rows
from bench.reminders import populate as populate_practice
from bench.results import Figure
from models import (
    Client, Document, DocumentRequest, DocumentVersion, Invoice, Journal, LedgerEntry, Matter, MatterMember,
    Task, User, new_id,
)
from portal_app.services.billing.accounting import reconciliation
from portal_app.services.billing.accounting import report as ledger_report
from portal_app.services.billing.invoices import views as invoice_views
from portal_app.services.conversations import summaries
from portal_app.services.documents import dashboard as checklist_dashboard
from portal_app.services.kernel import db, i18n, localtime, matter_progress, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.matter_summaries import header_columns_query, summary_query
from portal_app.services.kernel.settings import get_settings
from portal_app.services.matters import deadlines
from portal_app.services.matters import records as matters
from portal_app.services.messaging import log as mail_log
from portal_app.services.tasks import lists as task_list

SIZE, SMOKE_SIZE = (5_000, 20), (20, 4)  # matters, document requests per matter
ROUNDS, SMOKE_ROUNDS = 7, 1
ADMIN_EMAIL = "admin@firm.example"


def _admin() -> Actor:
    with db.write() as s:
        user = s.exec(select(User).where(User.email == ADMIN_EMAIL)).first()
        if user is None:
            user = User(email=ADMIN_EMAIL, full_name="Firm Admin", role="admin", timezone="America/New_York")
            s.add(user)
            s.flush()
        return Actor(user_id=user.id, role="admin", full_name=user.full_name, timezone=user.timezone)


def _tasks_and_books(start: int, admin: Actor) -> None:
    """A task per matter numbered from `start` (every fourth the admin's), and each invoice's
    client paying its total into trust (a journal of two legs)."""
    rng = random.Random(13 + start)
    first = f"B-{start:05d}"
    with db.read() as s:
        found = s.exec(select(Matter.id, MatterMember.user_id).join(MatterMember, MatterMember.matter_id == Matter.id)
                       .where(Matter.reference >= first, MatterMember.role_on_matter == "paralegal")).all()
        invoices = s.exec(select(Invoice.id, Invoice.matter_id, Matter.client_id, Invoice.total_cents)
                          .join(Matter, Matter.id == Invoice.matter_id).where(Matter.reference >= first)).all()
    tasks = [{"id": new_id(), "matter_id": m, "assignee_id": admin.user_id if n % 4 == 0 else paralegal,
              "kind": "file", "title": f"File the petition {n}", "status": "open" if n % 3 else "done",
              "due_date": NOW.date() + timedelta(days=rng.randint(-10, 30)), "created_at": NOW,
              "closed_at": None if n % 3 else NOW} for n, (m, paralegal) in enumerate(found)]
    journals, legs = [], []
    for n, (invoice, matter, client, cents) in enumerate(invoices):
        journal, at = new_id(), NOW - timedelta(minutes=n)
        journals.append({"id": journal, "posting_key": f"bench:{invoice}", "book": "trust", "kind": "trust_deposit",
                         "memo": "", "client_id": client, "matter_id": matter, "invoice_id": invoice, "created_at": at})
        legs += [{"id": new_id(), "journal_id": journal, "account": account, "client_id": client, "matter_id": matter,
                  "invoice_id": invoice, "amount_cents": amount, "currency": "USD", "memo": "", "created_at": at}
                 for account, amount in (("trust_bank", cents), ("client_trust", -cents))]
    for model, rows in ((Task, tasks), (Journal, journals), (LedgerEntry, legs)):
        _rows(model, rows)


def _uploads(start: int) -> None:
    """Each matter's first item uploaded: on every other matter the file waits for review."""
    with db.read() as s:
        items = s.exec(select(DocumentRequest.id, DocumentRequest.matter_id)
                       .join(Matter, Matter.id == DocumentRequest.matter_id)
                       .where(Matter.reference >= f"B-{start:05d}", DocumentRequest.title == "Document 0")).all()
    documents, versions = [], []
    for n, (item, matter) in enumerate(items):
        document = new_id()
        documents.append({"id": document, "matter_id": matter, "request_id": item, "kind": "evidence",
                          "display_name": "Document 0", "created_at": NOW})
        versions.append({"id": new_id(), "document_id": document, "version_no": 1, "storage_key": f"{start}/{n}",
                         "wrapped_key": "-", "chunk_size": 1, "size_bytes": 1, "sha256": "0" * 64,
                         "content_type": "application/pdf", "stored_name": "x.pdf", "original_name": "x.pdf",
                         "review_status": "pending" if n % 2 else "accepted", "uploaded_at": NOW})
    _rows(Document, documents)
    _rows(DocumentVersion, versions)


def populate(matters_count: int, per_matter: int, start: int = 0) -> Actor:
    """The practice (a second call with `start` adds to the first); returns the administrator."""
    populate_practice(matters_count, per_matter, start=start)
    admin = _admin()
    _tasks_and_books(start, admin)
    _uploads(start)
    with db.write() as s:  # the rows went in through Core, past the flush that keeps the counts
        matter_progress.rebuild(s.connection())
    _analyze()
    return admin


# What each page's load handler calls (portal_app/pages/...), in its order, with its arguments.
def staff_home(actor: Actor) -> None:  # matters/staff_home.py, and its two panels' mount events
    matters.staff_dashboard(actor, "")
    deadlines.upcoming(actor, within_days=90)
    task_list.open_count(actor)
    mail_log.failed(actor)
    summaries.staff_counts(actor)


def checklist_page(actor: Actor) -> None:  # documents/dashboard.py
    checklist_dashboard.rows(actor, case_type="", attorney="", status="")
    checklist_dashboard.filters(actor)


def billing_page(actor: Actor) -> None:  # billing/staff.py
    invoice_views.staff_list(actor, "")
    localtime.today_for(actor)
    if policy.role_allows(actor.role, "invoice.edit"):
        matters.staff_dashboard(actor, "")
    get_settings().payments.is_sandbox


def tasks_page(actor: Actor) -> None:  # tasks/my_tasks.py
    task_list.list_tasks(actor, "mine")


def trust_page(actor: Actor) -> None:  # billing/trust.py
    localtime.today_for(actor)
    ledger_report.overview(actor)
    reconciliation.saved(actor)


PAGES = {"staff_home": ("Staff home", staff_home), "checklists": ("Checklist dashboard", checklist_page),
         "billing": ("Billing", billing_page), "tasks": ("My tasks", tasks_page), "trust": ("Trust and ledgers", trust_page)}


# Each page's main query alone: the list it shows, with the same scope, order and limit.
def _read(query) -> None:
    with db.read() as s:
        s.exec(query).all()


def _floor_home(actor: Actor) -> None:
    _read(summary_query().where(policy.matter_scope(actor, "matter.view")).order_by(Matter.opened_at.desc()).limit(200))


def _floor_checklists(actor: Actor) -> None:
    _read(header_columns_query().where(policy.matter_scope(actor, "document.view"), Matter.status != "closed"))


def _floor_billing(actor: Actor) -> None:
    _read(invoice_views._query(actor).order_by(Invoice.created_at.desc()).limit(200))


def _floor_tasks(actor: Actor) -> None:
    _read(task_list._query(actor, "mine").order_by(Task.due_date.is_(None), Task.due_date, Task.created_at)
          .limit(task_list.LIMIT))


def _floor_trust(_actor: Actor) -> None:  # every client's balance summed, the first page of them by name
    with db.read() as s:
        s.connection().execute(ledger_report._client_balances("").limit(ledger_report.CLIENTS_SHOWN)).all()


FLOORS = {"staff_home": ("the matters list query alone", _floor_home),
          "checklists": ("the open matters query alone", _floor_checklists),
          "billing": ("the invoice list query alone", _floor_billing),
          "tasks": ("the task list query alone", _floor_tasks),
          "trust": ("the client balances query alone", _floor_trust)}


def statements(page: str, actor: Actor) -> int:
    with StatementCounter() as counter:
        PAGES[page][1](actor)
    return counter.count


def measure(actor: Actor, rounds: int) -> dict[str, tuple[float, float, int]]:
    """Per page: (best seconds, best floor seconds, statements), after one warm call of each. The
    reader's language is set as the page state sets it (money and dates are then written by Babel)."""
    i18n.READER_LOCALE.set(actor.locale)
    out = {}
    for page, (_label, load) in PAGES.items():
        floor = FLOORS[page][1]
        load(actor), floor(actor)  # warm: plans and caches, as a second visit would be
        best, base = float("inf"), float("inf")
        for _ in range(rounds):
            best, base = min(best, timed(load, actor)), min(base, timed(floor, actor))
        out[page] = (best, base, statements(page, actor))
    return out


def run(smoke: bool = False) -> list:
    out: list = []
    matters_count, per_matter = SMOKE_SIZE if smoke else SIZE
    for kind in kinds():
        with database(kind):
            actor = populate(matters_count, per_matter)
            with db.read() as s:
                invoices = s.exec(select(sa.func.count()).select_from(Invoice)).one()
                clients = s.exec(select(sa.func.count()).select_from(Client)).one()
            found = measure(actor, SMOKE_ROUNDS if smoke else ROUNDS)
        out.append(f"staff pages on {kind}: {matters_count:,} matters, {matters_count * per_matter:,} requests, "
                   f"{invoices:,} invoices, {clients:,} clients")
        for page, (seconds, floor, count) in found.items():
            out.append(Figure(
                f"staff_pages.{page}.{kind}", f"{PAGES[page][0]} load, {matters_count:,} matters / "
                f"{matters_count * per_matter:,} requests / {invoices:,} invoices, {LABEL[kind]}",
                seconds * 1000, floor * 1000, "ms", FLOORS[page][0], goal=3.0, limit=150, higher_is_better=False,
                note=f"{count} statements; the services the load handler calls, as an administrator; best of "
                     f"{SMOKE_ROUNDS if smoke else ROUNDS}"))
    return out
