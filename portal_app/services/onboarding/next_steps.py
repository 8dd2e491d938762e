"""The three next steps on a client's first visits to home, read from where their case stands: send
the first document the firm asked for, fill in the questionnaire, pay the retainer. A step already
done shows ticked; a step that does not apply (nothing asked, no questionnaire, nothing to pay) is
left out. Put away once, the card stays away for that person (remembered in the database)."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from models import DocumentRequest, DocumentVersion, IntakeForm, IntakeResponse, Invoice, Matter, Onboarding, Payment
from portal_app.services.kernel import audit, db, i18n, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.clock import utcnow

ASKED = ("requested", "rejected")
PAYABLE = ("sent", "partially_paid")


@dataclass(frozen=True)
class Step:
    kind: str  # upload | intake | pay
    done: bool
    title: str = ""  # the item, the questionnaire's matter or the invoice number, in the reader's language
    href: str = ""


@dataclass(frozen=True)
class NextSteps:
    dismissed: bool
    steps: list[Step] = field(default_factory=list)


def _live(actor: Actor, action: str):
    return sa.and_(policy.matter_scope(actor, action), Matter.status != "closed")


def _upload(s: Session, actor: Actor) -> Step | None:
    item = s.exec(select(DocumentRequest.title, DocumentRequest.matter_id)
                  .join(Matter, Matter.id == DocumentRequest.matter_id)
                  .where(_live(actor, "document.upload"), policy.item_scope(actor), DocumentRequest.status.in_(ASKED),
                         DocumentRequest.removed_at.is_(None))
                  .order_by(Matter.reference, DocumentRequest.status.desc(), DocumentRequest.requested_at)).first()
    if item is not None:
        return Step("upload", False, i18n.content(item.title, actor.locale), f"/matters/{item.matter_id}/documents")
    uploaded = s.exec(select(DocumentVersion.id).where(DocumentVersion.uploaded_by_id == actor.user_id)).first()
    return Step("upload", True) if uploaded is not None else None


def _intake(s: Session, actor: Actor) -> Step | None:
    rows = s.exec(select(Matter.id, Matter.reference, IntakeResponse.status)
                  .join(IntakeForm, IntakeForm.case_type_id == Matter.case_type_id)
                  .join(IntakeResponse, IntakeResponse.matter_id == Matter.id, isouter=True)
                  .where(_live(actor, "intake.fill")).order_by(Matter.reference)).all()
    open_one = next((r for r in rows if r.status != "submitted"), None)
    if open_one is not None:
        return Step("intake", False, open_one.reference, f"/matters/{open_one.id}/intake")
    return Step("intake", True) if rows else None


def _pay(s: Session, actor: Actor) -> Step | None:
    invoice = s.exec(select(Invoice.id, Invoice.number).join(Matter, Matter.id == Invoice.matter_id)
                     .where(_live(actor, "payment.make"), Invoice.status.in_(PAYABLE),
                            Invoice.total_cents > Invoice.paid_cents)
                     .order_by(sa.case((Invoice.kind == "retainer", 0), else_=1), Invoice.due_date)).first()
    if invoice is not None:
        return Step("pay", False, invoice.number, f"/pay/{invoice.id}")
    paid = s.exec(select(Payment.id).where(Payment.client_id == actor.client_id, Payment.posted_at.is_not(None))).first()
    return Step("pay", True) if paid is not None else None


def for_me(actor: Actor) -> NextSteps:
    policy.require(actor, "onboarding.next_steps")
    with db.read() as s:
        row = s.get(Onboarding, actor.user_id)
        if row is not None and row.next_steps_dismissed_at is not None:
            return NextSteps(dismissed=True)
        steps = [step for step in (_upload(s, actor), _intake(s, actor), _pay(s, actor)) if step is not None]
        return NextSteps(dismissed=False, steps=steps)


def dismiss(actor: Actor) -> None:
    """Put the card away for good, for this person (a client with no invitation gets a row too)."""
    policy.require(actor, "onboarding.next_steps")
    with db.write() as s:
        row = s.get(Onboarding, actor.user_id) or Onboarding(user_id=actor.user_id, status="none")
        if row.next_steps_dismissed_at is not None:
            return
        row.next_steps_dismissed_at = utcnow()
        s.add(row)
        audit.record(s, "onboarding.next_steps_dismissed", actor=actor, object_type="user", object_id=actor.user_id)
