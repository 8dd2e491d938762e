"""The full export of one matter as a streamed ZIP.

`prepare` checks who asks (the permission table; the command line acts as the machine's operator),
refuses a matter whose documents are being deleted, gathers the contents in one read and audits
that the export started. `stream` yields the archive piece by piece: the documents decrypted one
chunk at a time in folders by checklist item (every version, named by the item's convention), the
index (CSV and PDF), intake, billing, the audit events with their proof, and last a manifest of
the SHA-256 of every entry; when the last byte is out, the export's completion and the manifest's
own SHA-256 are audited. Memory stays flat whatever the documents weigh.
"""
from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from sqlmodel import select

from models import Matter, RetentionReview
from portal_app.services.files import store as filestore
from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.clock import utcnow
from portal_app.services.kernel.errors import Conflict, InvalidInput, NotAllowed
from portal_app.services.records.export import index_pdf, tables
from portal_app.services.records.export.contents import Contents, gather
from portal_app.services.records.export.zipstream import ZipStream

DELETING = ("approved", "shredded")
README = """This archive is the complete file of matter {reference}, exported {when} (UTC).

documents/   every version of every file, in a folder per checklist item (decrypted)
billing/     invoice and receipt PDFs, invoices.csv, invoice_lines.csv, payments.csv, ledger.csv
index.csv, index.pdf   every item, version, review and reason
intake.csv   the intake answers
audit/events.jsonl     the matter's audit events; audit/proof.json how they chain
manifest.sha256        the SHA-256 of every other file here (check with: sha256sum -c manifest.sha256)
"""


@dataclass(frozen=True)
class ExportPlan:
    matter_id: str
    reference: str
    file_name: str
    contents: Contents
    actor: Actor | None
    via: str


def find_matter(s, reference_or_id: str) -> Matter:
    text = str(reference_or_id or "").strip()
    try:
        matter = s.get(Matter, uuid.UUID(text))
    except ValueError:
        matter = s.exec(select(Matter).where(Matter.reference == text.upper()[:32])).first()
    if matter is None:
        raise InvalidInput("export.matter_unknown", reference=text[:40])
    return matter


def prepare(actor: Actor | None, reference_or_id: str, *, via: str = "portal") -> ExportPlan:
    now = utcnow()
    with db.write() as s:
        if actor is None:
            matter = find_matter(s, reference_or_id)  # the command line: the machine's operator
        else:
            matter = policy.require_matter(s, actor, "matter.export", _id_only(reference_or_id))
        deleting = s.exec(select(RetentionReview.id).where(RetentionReview.matter_id == matter.id,
                                                           RetentionReview.status.in_(DELETING))).first()
        if deleting is not None:
            raise Conflict("export.matter_being_deleted", reference=matter.reference)
        contents = gather(s, matter, now)
        audit.record(s, "matter.export_started", actor=actor, object_type="matter", object_id=matter.id,
                     matter_id=matter.id, details={"via": via, "files": sum(1 for f in contents.files if f.path)})
    name = f"{matter.reference}_file_{now.date().isoformat()}.zip"
    return ExportPlan(str(matter.id), matter.reference, name, contents, actor, via)


def _id_only(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotAllowed() from None


def stream(plan: ExportPlan) -> Iterator[bytes]:
    c, out, when = plan.contents, ZipStream(), plan.contents.gathered_at
    yield from out.add_bytes("README.txt", README.format(reference=plan.reference, when=when.isoformat(
        timespec="seconds")).encode(), when=when)
    for entry in c.files:
        if entry.path:
            v = entry.version
            yield from out.add(entry.path, filestore.stream(v), when=v.uploaded_at, size=v.size_bytes, compress=False)
    for path, data in (("index.csv", tables.index_csv(c)), ("index.pdf", index_pdf.render(c)),
                       ("intake.csv", tables.intake_csv(c)), ("billing/invoices.csv", tables.invoices_csv(c)),
                       ("billing/invoice_lines.csv", tables.lines_csv(c)), ("billing/payments.csv", tables.payments_csv(c)),
                       ("billing/ledger.csv", tables.ledger_csv(c)), ("audit/events.jsonl", tables.events_jsonl(c)),
                       ("audit/proof.json", tables.proof_json(c))):
        yield from out.add_bytes(path, data, when=when)
    manifest = "".join(f"{digest}  {path}\n" for path, digest in out.sums).encode("utf-8")
    yield from out.add_bytes("manifest.sha256", manifest, when=when)
    yield out.close()
    _finished(plan, hashlib.sha256(manifest).hexdigest(), len(out.sums))


def _finished(plan: ExportPlan, manifest_sha256: str, entries: int) -> None:
    with db.write() as s:
        audit.record(s, "matter.exported", actor=plan.actor, object_type="matter", object_id=plan.matter_id,
                     matter_id=uuid.UUID(plan.matter_id),
                     details={"via": plan.via, "entries": entries, "manifest_sha256": manifest_sha256})
