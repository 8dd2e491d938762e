"""A matter's engagement letter as its client reads and signs it.

`letter_for` shows the fee agreement with the matter's fields and the SHA-256 of that exact text;
`sign` takes the hash the page showed, the ESIGN consent and the typed name, and stores, in one
transaction: the signature (one per matter), the signed PDF (encrypted on the matter, with the
signature page), the audit event and the mail that tells the client where their copy is. Anything
wrong (no consent, an empty or other name, a letter that changed since it was shown, a second
signature, a matter that is not theirs) is refused with its reason and changes nothing."""
from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from models import CaseType, Client, EngagementLetter, Matter, User, utcnow
from portal_app.services.engagement import signed_pdf, templates
from portal_app.services.files.generated import store_generated
from portal_app.services.kernel import audit, db, i18n, policy, text
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import Conflict, InvalidInput
from portal_app.services.kernel.settings import get_settings
from portal_app.services.messaging import mail


@dataclass(frozen=True)
class LetterView:
    matter_id: str
    reference: str
    matter_title: str
    client_name: str
    title: str
    text: str  # exactly what the client reads (and signs)
    sha256: str  # of `text`, UTF-8
    may_sign: bool
    signed_at: datetime | None = None
    signed_name: str = ""
    signed_ip: str = ""
    pdf_version_id: str = ""


@dataclass(frozen=True)
class Waiting:
    matter_id: str
    reference: str
    title: str


def _fields(s: Session, matter: Matter, client: Client) -> dict[str, str]:
    case_type = s.get(CaseType, matter.case_type_id)
    attorney = s.get(User, matter.responsible_attorney_id) if matter.responsible_attorney_id else None
    return {"firm_name": get_settings().firm_name, "client_name": client.full_name, "client_email": client.email,
            "matter_reference": matter.reference, "matter_title": matter.title,
            "case_type": case_type.name if case_type else "", "attorney_name": attorney.full_name if attorney else ""}


def _signature(s: Session, matter_id: uuid.UUID) -> EngagementLetter | None:
    return s.exec(select(EngagementLetter).where(EngagementLetter.matter_id == matter_id)).first()


def is_signed(s: Session, matter_id: uuid.UUID) -> bool:
    """For the retainer rule in billing: has the matter's client signed?"""
    return _signature(s, matter_id) is not None


def _view(s: Session, actor: Actor, matter: Matter) -> LetterView:
    client = s.get(Client, matter.client_id)
    signed = _signature(s, matter.id)
    if signed is not None:
        return LetterView(str(matter.id), matter.reference, matter.title, client.full_name, signed.title, signed.body,
                          signed.text_sha256, False, signed.signed_at, signed.signed_name, signed.signed_ip,
                          str(signed.pdf_version_id or ""))
    template = templates.template_for(s, matter.case_type_id)
    body = templates.fill(template.body, _fields(s, matter, client))
    return LetterView(str(matter.id), matter.reference, matter.title, client.full_name, template.title, body,
                      templates.sha256(body), policy.role_allows(actor.role, "engagement.sign"))


def letter_for(actor: Actor, matter_id: str) -> LetterView:
    """The letter as the client reads it (signed: exactly what was signed)."""
    with db.write() as s:  # the firm's default template is created on first use
        matter = policy.require_matter(s, actor, "engagement.view", matter_id)
        return _view(s, actor, matter)


def awaiting_signature(actor: Actor) -> list[Waiting]:
    """The client's open matters whose engagement letter they have not signed yet (client home)."""
    if not policy.role_allows(actor.role, "engagement.sign"):
        return []
    with db.read() as s:
        signed = select(EngagementLetter.matter_id)
        rows = s.exec(select(Matter).where(policy.matter_scope(actor, "engagement.sign"), Matter.status == "open",
                                           Matter.id.not_in(signed)).order_by(Matter.opened_at)).all()
        return [Waiting(str(m.id), m.reference, m.title) for m in rows]


def same_name(typed: str, expected: str) -> bool:
    """A typed signature matches the client's name: case, accents' composition and spacing aside."""
    def norm(value: str) -> str:
        return unicodedata.normalize("NFC", text.line(value)).casefold()
    return bool(norm(typed)) and norm(typed) == norm(expected)


def sign(actor: Actor, matter_id: str, *, shown_sha256: str, typed_name: str, consent: bool, ip: str = "") -> LetterView:
    """The client signs the letter they were shown (its hash, from the page)."""
    typed = text.line(typed_name, 200)
    with db.write() as s:
        matter = policy.require_matter(s, actor, "engagement.sign", matter_id)
        existing = _signature(s, matter.id)
        if existing is not None:
            raise Conflict("engagement.already_signed", name=existing.signed_name)
        if not consent:
            raise InvalidInput("engagement.consent_required")
        if not typed:
            raise InvalidInput("engagement.name_required")
        view = _view(s, actor, matter)
        if not same_name(typed, view.client_name):
            raise InvalidInput("engagement.name_mismatch", name=view.client_name)
        if str(shown_sha256 or "").strip().lower() != view.sha256:
            raise Conflict("engagement.changed")
        _record(s, actor, matter, view, typed, ip)
        return _view(s, actor, matter)


def _record(s: Session, actor: Actor, matter: Matter, view: LetterView, typed: str, ip: str) -> None:
    template = templates.template_for(s, matter.case_type_id)
    now, client = utcnow(), s.get(Client, matter.client_id)
    locale = i18n.page_locale(actor.locale)
    letter = EngagementLetter(matter_id=matter.id, template_id=template.id, template_version=template.version,
                              title=view.title, body=view.text, text_sha256=view.sha256, signer_id=actor.user_id,
                              signed_name=typed, consent_at=now, signed_at=now, signed_ip=(ip or "")[:64],
                              signer_timezone=actor.timezone or "", locale=locale)
    s.add(letter)
    try:  # two signatures at the same moment: the unique matter id refuses the second (all rolled back)
        s.flush()
    except sa.exc.IntegrityError:
        raise Conflict("engagement.already_signed", name=typed) from None
    pdf = signed_pdf.render(letter, matter, client, actor.email, locale)
    version_id = store_generated(s, actor=actor, matter_id=matter.id, kind="engagement_pdf",
                                 display_name=f"Engagement-letter-{matter.reference}.pdf", data=pdf,
                                 content_type="application/pdf")
    letter.pdf_version_id = uuid.UUID(version_id)
    audit.record(s, "engagement.signed", actor=actor, object_type="engagement_letter", object_id=letter.id,
                 matter_id=matter.id, ip=letter.signed_ip,
                 details={"sha256": letter.text_sha256, "template_version": letter.template_version,
                          "signed_name": typed, "pdf_version_id": version_id})
    mail.enqueue(s, to_address=client.email, template="engagement_signed", locale=locale, user_id=actor.user_id,
                 matter_id=matter.id, name=client.full_name, reference=matter.reference,
                 link=f"{get_settings().public_url}/matters/{matter.id}/engagement")
