"""The firm's billing settings (one row) and the fee schedule of government filing fees.
Both are data staff edit in the portal; every change is audited."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from models import BillingSettings, FeeScheduleItem, utcnow
from portal_app.services.kernel import audit, content, db, localtime, money, policy, text
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput, NotFound
from portal_app.services.kernel.settings import get_settings

MAX_THRESHOLD_CENTS = 10_000_000_00


@dataclass(frozen=True)
class FirmBilling:
    currency: str
    approval_threshold_cents: int
    card_payments_to_trust: bool
    partial_payments_allowed: bool
    minimum_partial_cents: int
    default_due_days: int
    default_terms: str
    invoice_prefix: str
    trust_instructions: str
    retainer_needs_engagement: bool = False  # a retainer waits for the signed engagement letter


@dataclass(frozen=True)
class FeeRow:
    id: str
    code: str
    form: str
    description: str
    amount_cents: int
    currency: str
    is_active: bool


def settings_row(s: Session) -> BillingSettings:
    row = s.get(BillingSettings, 1)
    if row is None:
        row = BillingSettings(id=1, default_terms="Payment is due within 14 days of the invoice date.")
        s.add(row)
        s.flush()
    return row


def _plain(row: BillingSettings) -> FirmBilling:
    keys = FirmBilling.__dataclass_fields__
    return FirmBilling(**{k: getattr(row, k) for k in keys})


def current(s: Session | None = None) -> FirmBilling:
    if s is not None:
        return _plain(settings_row(s))
    with db.write() as session:
        return _plain(settings_row(session))


def update(actor: Actor, **changes: object) -> FirmBilling:
    """Admins change the firm's billing settings. Unknown names are a programming error."""
    policy.require(actor, "settings.manage")
    changes = _validated(changes)
    with db.write() as s:
        row = settings_row(s)
        before = {k: getattr(row, k) for k in changes}
        for key, value in changes.items():
            setattr(row, key, value)
        row.updated_by_id, row.updated_at = actor.user_id, utcnow()
        audit.record(s, "billing.settings_changed", actor=actor, object_type="billing_settings", object_id=1,
                     details={"before": before, "after": changes})
        return _plain(row)


def _validated(changes: dict) -> dict:
    allowed = set(FirmBilling.__dataclass_fields__) - {"currency"}
    unknown = set(changes) - allowed
    if unknown:
        raise KeyError(f"unknown billing settings {sorted(unknown)}")
    out = dict(changes)
    for key, low, high, message in (("approval_threshold_cents", 0, MAX_THRESHOLD_CENTS, "billing.threshold_invalid"),
                                    ("default_due_days", 0, 365, "billing.due_days_invalid"),
                                    ("minimum_partial_cents", 50, money.MAX_CENTS, "billing.minimum_partial_invalid")):
        if key in out:
            out[key] = text.whole_number(out[key], low=low, high=high, key=message)
    if "invoice_prefix" in out:
        prefix = text.line(out["invoice_prefix"]).upper()
        if not (1 <= len(prefix) <= 12 and prefix.isascii() and prefix.replace("-", "").isalnum()):
            raise InvalidInput("billing.prefix_invalid")
        out["invoice_prefix"] = prefix
    if out.get("card_payments_to_trust") and not _trust_cards_possible():
        raise InvalidInput("billing.trust_account_missing")
    for key in ("default_terms", "trust_instructions"):
        if key in out:
            out[key] = text.paragraph(out[key], 500)
    return out


def _trust_cards_possible() -> bool:
    """Card payments into trust need the sandbox, or a separate Stripe account for trust."""
    payments = get_settings().payments
    return payments.is_sandbox or payments.has("trust_secret_key")


def next_invoice_number(s: Session, year: int) -> str:
    settings_row(s)
    bump = (sa.update(BillingSettings).where(BillingSettings.id == 1)
            .values(next_invoice_seq=BillingSettings.next_invoice_seq + 1)
            .returning(BillingSettings.next_invoice_seq, BillingSettings.invoice_prefix))
    seq, prefix = s.execute(bump).first()
    return f"{prefix}-{year}-{seq - 1:05d}"


# --- fee schedule ---------------------------------------------------------------------------

def sync_fee_schedule(s: Session) -> int:
    """Add the fees from content/fee_schedule.yaml the table does not have yet."""
    known = set(s.exec(select(FeeScheduleItem.code)).all())
    added = 0
    for item in content.load("fee_schedule.yaml"):
        if item["code"] not in known:
            s.add(FeeScheduleItem(effective_on=date(2024, 4, 1), source_note="USCIS G-1055 (2024-04-01)", **item))
            added += 1
    return added


def fee_schedule(include_inactive: bool = False) -> list[FeeRow]:
    with db.read() as s:
        query = select(FeeScheduleItem).order_by(FeeScheduleItem.form, FeeScheduleItem.code)
        if not include_inactive:
            query = query.where(FeeScheduleItem.is_active)
        return [FeeRow(str(r.id), r.code, r.form, r.description, r.amount_cents, r.currency, r.is_active)
                for r in s.exec(query).all()]


def fee_by_code(s: Session, code: str) -> FeeScheduleItem:
    row = s.exec(select(FeeScheduleItem).where(FeeScheduleItem.code == code, FeeScheduleItem.is_active)).first()
    if row is None:
        raise InvalidInput("billing.fee_code_unknown", code=code[:40])
    return row


def save_fee(actor: Actor, *, code: str, form: str, description: str, amount: str, is_active: bool = True) -> FeeRow:
    """Add a fee or change one (by code)."""
    policy.require(actor, "billing.configure")
    code, form, description = text.line(code).upper(), text.line(form), text.line(description)
    if not code or len(code) > 40 or not (code.isascii() and code.replace("-", "").isalnum()):
        raise InvalidInput("billing.fee_code_invalid")
    if not form or len(form) > 40 or not description or len(description) > 200:
        raise InvalidInput("billing.fee_text_invalid")
    cents = money.parse(amount, "USD", allow_zero=True)
    with db.write() as s:
        row = s.exec(select(FeeScheduleItem).where(FeeScheduleItem.code == code)).first()
        before = asdict(_fee(row)) if row else None
        if row is None:
            row = FeeScheduleItem(code=code, form=form, description=description, amount_cents=cents)
            s.add(row)
        row.form, row.description, row.amount_cents, row.is_active = form, description, cents, is_active
        row.updated_by_id, row.updated_at, row.effective_on = actor.user_id, utcnow(), localtime.firm_today()
        s.flush()
        audit.record(s, "billing.fee_saved", actor=actor, object_type="fee_schedule_item", object_id=row.id,
                     details={"code": code, "before": before, "amount_cents": cents, "is_active": is_active})
        return _fee(row)


def _fee(row: FeeScheduleItem) -> FeeRow:
    if row is None:
        raise NotFound()
    return FeeRow(str(row.id), row.code, row.form, row.description, row.amount_cents, row.currency, row.is_active)
