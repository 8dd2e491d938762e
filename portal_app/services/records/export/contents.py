"""Everything a matter's export holds, gathered in one read: the checklist items with every version
of every file (and where each goes in the ZIP), the intake answers, invoices, lines, payments, the
client's ledger lines for the matter, and the matter's audit events with the verified chain head."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from models import (
    AuditEvent,
    AuditHead,
    CaseType,
    Client,
    Document,
    DocumentRequest,
    DocumentVersion,
    IntakeForm,
    IntakeResponse,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Matter,
    Payment,
    User,
)
from portal_app.services.files.names import ascii_words
from portal_app.services.kernel import audit

BILLING_KINDS = {"invoice_pdf": "invoices", "receipt_pdf": "receipts", "statement_pdf": "statements"}


@dataclass(frozen=True)
class FileEntry:
    version: DocumentVersion
    request_id: object  # the checklist item's id, or None
    path: str  # "" when the file was deleted under the retention policy
    item: str
    document_kind: str
    reviewed_by: str
    uploaded_by: str


@dataclass
class Contents:
    matter: Matter
    case_type: str
    client_name: str
    items: list[DocumentRequest] = field(default_factory=list)
    files: list[FileEntry] = field(default_factory=list)
    intake: list[tuple[IntakeForm, IntakeResponse]] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    lines: list[InvoiceLine] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    ledger: list[LedgerEntry] = field(default_factory=list)
    events: list[AuditEvent] = field(default_factory=list)
    chain: audit.VerifyResult | None = None
    head: tuple[int, str] = (0, "")
    gathered_at: datetime | None = None


def _folders(items: list[DocumentRequest]) -> dict:
    return {item.id: f"documents/{n:02d}_{ascii_words(item.title)[:60] or 'Item'}" for n, item in enumerate(items, 1)}


def _files(s: Session, matter: Matter, items: list[DocumentRequest]) -> list[FileEntry]:
    folders, titles = _folders(items), {i.id: i.title for i in items}
    names = dict(s.exec(select(User.id, User.full_name)).all())
    rows = s.exec(select(DocumentVersion, Document).join(Document, Document.id == DocumentVersion.document_id)
                  .where(Document.matter_id == matter.id)
                  .order_by(Document.created_at, DocumentVersion.version_no)).all()
    out = []
    for version, document in rows:
        if document.kind in BILLING_KINDS:
            folder, item = f"billing/{BILLING_KINDS[document.kind]}", document.display_name
        else:
            folder = folders.get(document.request_id, "documents/00_Other")
            item = titles.get(document.request_id, document.display_name)
        path = "" if version.shredded_at else f"{folder}/v{version.version_no}_{version.stored_name}"
        out.append(FileEntry(version, document.request_id, path, item, document.kind, names.get(version.reviewed_by_id, ""),
                             names.get(version.uploaded_by_id, "")))
    return _unique(out)


def _unique(files: list[FileEntry]) -> list[FileEntry]:
    """Two files with the same path (same item, version and name) get the version id appended."""
    seen: set[str] = set()
    out = []
    for f in files:
        path = f.path
        if path and path in seen:
            stem, dot, ext = path.rpartition(".")
            path = f"{stem}_{str(f.version.id)[:8]}{dot}{ext}"
        seen.add(path)
        out.append(FileEntry(f.version, f.request_id, path, f.item, f.document_kind, f.reviewed_by, f.uploaded_by))
    return out


def gather(s: Session, matter: Matter, now: datetime) -> Contents:
    case_type = s.get(CaseType, matter.case_type_id)
    client = s.get(Client, matter.client_id)
    items = list(s.exec(select(DocumentRequest).where(DocumentRequest.matter_id == matter.id)
                        .order_by(DocumentRequest.requested_at, DocumentRequest.key, DocumentRequest.id)).all())
    invoices = list(s.exec(select(Invoice).where(Invoice.matter_id == matter.id).order_by(Invoice.created_at)).all())
    head = s.get(AuditHead, 1)
    return Contents(
        matter=matter, case_type=case_type.name if case_type else "", client_name=client.full_name if client else "",
        items=items, files=_files(s, matter, items),
        intake=list(s.exec(select(IntakeForm, IntakeResponse).join(IntakeResponse, IntakeResponse.form_id == IntakeForm.id)
                           .where(IntakeResponse.matter_id == matter.id)).all()),
        invoices=invoices,
        lines=list(s.exec(select(InvoiceLine).where(InvoiceLine.invoice_id.in_([i.id for i in invoices]))
                          .order_by(InvoiceLine.invoice_id, InvoiceLine.position)).all()),
        payments=list(s.exec(select(Payment).where(Payment.matter_id == matter.id).order_by(Payment.created_at)).all()),
        ledger=list(s.exec(select(LedgerEntry).where(LedgerEntry.matter_id == matter.id,
                                                     LedgerEntry.client_id == matter.client_id)
                           .order_by(LedgerEntry.created_at, LedgerEntry.account)).all()),
        events=list(s.exec(select(AuditEvent).where(AuditEvent.matter_id == matter.id).order_by(AuditEvent.seq)).all()),
        chain=audit.verify(s), head=(head.last_seq, head.last_hash) if head else (0, audit.GENESIS_HASH),
        gathered_at=now,
    )
