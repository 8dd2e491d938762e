"""Invoice templates (retainer, periodic billing, filing fees by case type) and periodic billing:
a matter can be billed from a template every N months; the background loop makes the drafts."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from models import BillingSchedule, InvoiceTemplate, Matter
from portal_app.services.billing.invoices import drafts as invoice_drafts
from portal_app.services.billing.invoices.drafts import DraftInput, LineInput
from portal_app.services.kernel import audit, content, db, localtime, policy, text
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import Conflict, InvalidInput


@dataclass(frozen=True)
class TemplateRow:
    id: str
    name: str
    kind: str


def sync(s: Session) -> int:
    known = set(s.exec(select(InvoiceTemplate.name)).all())
    added = 0
    for item in content.load("invoice_templates.yaml"):
        if item["name"] not in known:
            s.add(InvoiceTemplate(name=item["name"], kind=item["kind"], lines=item["lines"],
                                  terms=item.get("terms", ""), due_days=item.get("due_days", 14)))
            added += 1
    return added


def list_templates(actor: Actor) -> list[TemplateRow]:
    policy.require(actor, "staff.dashboard")
    with db.read() as s:
        rows = s.exec(select(InvoiceTemplate).where(InvoiceTemplate.is_active).order_by(InvoiceTemplate.name)).all()
        return [TemplateRow(str(r.id), r.name, r.kind) for r in rows]


def draft_from(s: Session, template_id, today: date) -> DraftInput:
    row = s.get(InvoiceTemplate, policy.parse_uuid(template_id))
    if row is None or not row.is_active:
        raise InvalidInput("billing.template_unknown")
    lines = [LineInput(kind=line["kind"], description=line.get("description", ""),
                       unit_amount_cents=int(line.get("unit_amount_cents", 0)), quantity=int(line.get("quantity", 1)),
                       fee_code=line.get("fee_code"), requires_client_approval=bool(line.get("requires_client_approval")))
             for line in row.lines]
    return DraftInput(kind=row.kind, title=row.name, lines=lines, terms=row.terms,
                      due_date=today + timedelta(days=row.due_days))


def preview(actor: Actor, template_id: str) -> DraftInput:
    policy.require(actor, "staff.dashboard")
    with db.read() as s:
        return draft_from(s, template_id, localtime.firm_today())


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule(actor: Actor, matter_id: str, template_id: str, interval_months: int, first_on: date) -> str:
    """Bill a matter from a template every `interval_months` months, starting `first_on`."""
    policy.require(actor, "invoice.edit")
    interval_months = text.whole_number(interval_months, low=1, high=12, key="billing.interval_invalid")
    if not isinstance(first_on, date):
        raise InvalidInput("billing.day_invalid")
    with db.write() as s:
        matter = policy.require_matter(s, actor, "invoice.edit", matter_id)
        draft_from(s, template_id, first_on)
        template = policy.parse_uuid(template_id)
        if s.exec(select(BillingSchedule).where(BillingSchedule.matter_id == matter.id,
                                                BillingSchedule.template_id == template)).first():
            raise Conflict("billing.already_scheduled")
        row = BillingSchedule(matter_id=matter.id, template_id=template, interval_months=int(interval_months),
                              next_run_on=first_on, created_by_id=actor.user_id)
        s.add(row)
        s.flush()
        audit.record(s, "billing.schedule_created", actor=actor, object_type="billing_schedule", object_id=row.id,
                     matter_id=matter.id, details={"every_months": row.interval_months, "first_on": str(first_on)})
        return str(row.id)


def run_due(now: datetime) -> dict:
    """Make the draft invoices of every schedule that is due (staff review and send them)."""
    made = 0
    with db.write() as s:
        for row in s.exec(select(BillingSchedule).where(BillingSchedule.is_active,
                                                        BillingSchedule.next_run_on <= localtime.firm_today(now))).all():
            matter = s.get(Matter, row.matter_id)
            if matter.status == "closed":
                row.is_active = False
                continue
            data = draft_from(s, row.template_id, localtime.firm_today(now))
            label = f"{data.title} ({row.next_run_on.strftime('%B %Y')})"
            invoice = invoice_drafts.new_invoice(s, None, matter, DraftInput(**{**data.__dict__, "title": label}))
            row.last_invoice_id, row.next_run_on = invoice.id, add_months(row.next_run_on, row.interval_months)
            audit.record(s, "invoice.created", object_type="invoice", object_id=invoice.id, matter_id=matter.id,
                         details={"number": invoice.number, "from_schedule": str(row.id)})
            made += 1
    return {"drafts": made}
