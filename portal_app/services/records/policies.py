"""Retention policies: how many months after a matter closes its documents are kept, per case type,
with a firm default. Trust-accounting records (invoices, receipts, statements) are kept at least
five years after the matter closes whatever a policy says (ABA Model Rule 1.15(a): complete
records of trust account funds for five years after the end of the representation)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from models import CaseType, RetentionPolicy
from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.clock import utcnow
from portal_app.services.kernel.errors import InvalidInput

DEFAULT_SCOPE = "default"
FIRM_DEFAULT_MONTHS = 84  # seven years, until the firm sets its own default
TRUST_RECORD_MONTHS = 60  # ABA Model Rule 1.15: five years
MIN_MONTHS, MAX_MONTHS = 12, 1200
TRUST_KINDS = frozenset({"invoice_pdf", "receipt_pdf", "statement_pdf"})


@dataclass(frozen=True)
class PolicyRow:
    scope: str  # "default" or a case type code
    name: str  # the case type's name ("" for the default)
    keep_months: int | None  # None: this case type follows the default


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError("unreachable")


def months_for(policies: dict[str, int], case_type_code: str) -> tuple[str, int]:
    """(the policy that applies, its months) for a case type: its own, else the firm's default."""
    if case_type_code in policies:
        return case_type_code, policies[case_type_code]
    return DEFAULT_SCOPE, policies.get(DEFAULT_SCOPE, FIRM_DEFAULT_MONTHS)


def load(s: Session) -> dict[str, int]:
    return {row.scope: row.keep_months for row in s.exec(select(RetentionPolicy)).all()}


def listing(actor: Actor) -> list[PolicyRow]:
    policy.require(actor, "retention.view")
    with db.read() as s:
        current = load(s)
        kinds = s.exec(select(CaseType.code, CaseType.name).order_by(CaseType.name)).all()
    rows = [PolicyRow(DEFAULT_SCOPE, "", current.get(DEFAULT_SCOPE, FIRM_DEFAULT_MONTHS))]
    return rows + [PolicyRow(code, name, current.get(code)) for code, name in kinds]


def set_policy(actor: Actor, scope: str, keep_months: int | str | None) -> None:
    """Set (or, with None/"" for a case type, clear) a policy. Refuses less than a year."""
    policy.require(actor, "retention.manage")
    months = _months(keep_months, scope)
    with db.write() as s:
        if scope != DEFAULT_SCOPE and s.exec(select(CaseType.id).where(CaseType.code == scope)).first() is None:
            raise InvalidInput("retention.scope_unknown", scope=str(scope)[:32])
        row = s.get(RetentionPolicy, scope)
        before = row.keep_months if row else None
        if months is None:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(RetentionPolicy(scope=scope, keep_months=months, updated_by_id=actor.user_id))
        else:
            row.keep_months, row.updated_by_id, row.updated_at = months, actor.user_id, utcnow()
        audit.record(s, "retention.policy_set", actor=actor, object_type="retention_policy", object_id=scope,
                     details={"scope": scope, "before": before, "after": months})


def _months(value, scope: str) -> int | None:
    if value in (None, "") and scope != DEFAULT_SCOPE:
        return None
    try:
        months = int(str(value).strip())
    except ValueError:
        raise InvalidInput("retention.months_invalid", low=MIN_MONTHS, high=MAX_MONTHS) from None
    if not MIN_MONTHS <= months <= MAX_MONTHS:
        raise InvalidInput("retention.months_invalid", low=MIN_MONTHS, high=MAX_MONTHS)
    return months
