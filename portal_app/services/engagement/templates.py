"""The firm's fee agreements: one per case type, or the firm's default (content/engagement_letter.txt
until staff save their own). Fields in braces are filled from the matter when a client reads it;
staff edit the text, every edit bumps the version and is audited with the text's hash before and
after. A letter already signed keeps the exact text that was signed."""
from __future__ import annotations

import hashlib
import string
import uuid
from dataclasses import dataclass

from sqlmodel import Session, select

from models import CaseType, EngagementTemplate, utcnow
from portal_app.services.kernel import audit, content, db, policy, text
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput

FIELDS = ("firm_name", "client_name", "client_email", "matter_reference", "matter_title", "case_type",
          "attorney_name")
DEFAULT_TITLE = "Engagement letter and fee agreement"
MAX_BODY = 20_000


@dataclass(frozen=True)
class TemplateRow:
    case_type_id: str  # "" for the firm's default
    case_type: str
    title: str
    body: str
    version: int
    own: bool  # False: this case type uses the firm's default


def sha256(value: str) -> str:
    """The hash of a text as the client is shown it: SHA-256 over its UTF-8 bytes."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _default(s: Session) -> EngagementTemplate:
    row = s.exec(select(EngagementTemplate).where(EngagementTemplate.case_type_id.is_(None))).first()
    if row is None:
        body = (content.CONTENT_DIR / "engagement_letter.txt").read_text(encoding="utf-8").strip()
        row = EngagementTemplate(case_type_id=None, title=DEFAULT_TITLE, body=body)
        s.add(row)
        s.flush()
    return row


def template_for(s: Session, case_type_id: uuid.UUID) -> EngagementTemplate:
    """The case type's own fee agreement, else the firm's default."""
    own = s.exec(select(EngagementTemplate).where(EngagementTemplate.case_type_id == case_type_id)).first()
    return own or _default(s)


def fill(body: str, fields: dict[str, str]) -> str:
    """The template with the matter's fields; the text is what the client reads and signs."""
    return body.format_map({name: fields.get(name, "") for name in FIELDS})


def _checked_body(raw: str) -> str:
    body = text.paragraph(raw, MAX_BODY + 1).strip()
    if not body:
        raise InvalidInput("engagement.staff_body_empty")
    if len(body) > MAX_BODY:
        raise InvalidInput("engagement.staff_body_too_long", max=MAX_BODY)
    try:
        names = {name for _lit, name, _spec, _conv in string.Formatter().parse(body) if name is not None}
    except ValueError:
        raise InvalidInput("engagement.staff_braces") from None
    unknown = sorted(names - set(FIELDS))
    if unknown:
        raise InvalidInput("engagement.staff_field_unknown", field=unknown[0][:40], fields=", ".join(FIELDS))
    return body


def list_templates(actor: Actor) -> list[TemplateRow]:
    """For the editor: the default first, then every active case type with what it uses."""
    policy.require(actor, "template.edit")
    with db.write() as s:
        default = _default(s)
        rows = [TemplateRow("", "", default.title, default.body, default.version, True)]
        own = {t.case_type_id: t for t in s.exec(select(EngagementTemplate)).all() if t.case_type_id}
        for case_type in s.exec(select(CaseType).where(CaseType.is_active).order_by(CaseType.name)).all():
            row = own.get(case_type.id, default)
            rows.append(TemplateRow(str(case_type.id), case_type.name, row.title, row.body, row.version,
                                    case_type.id in own))
        return rows


def save_template(actor: Actor, case_type_id: str, title: str, body: str) -> TemplateRow:
    """Staff save a case type's fee agreement ("" = the firm's default); audited."""
    policy.require(actor, "template.edit")
    title, body = text.line(title, 200) or DEFAULT_TITLE, _checked_body(body)
    with db.write() as s:
        case_type = s.get(CaseType, policy.parse_uuid(case_type_id)) if case_type_id else None
        if case_type_id and case_type is None:
            raise InvalidInput("engagement.staff_case_type_unknown")
        row = template_for(s, case_type.id) if case_type else _default(s)
        if case_type is not None and row.case_type_id != case_type.id:  # its first own text
            row = EngagementTemplate(case_type_id=case_type.id, title=title, body=body, version=0)
            s.add(row)
        before = sha256(row.body) if row.version else ""
        row.title, row.body, row.version = title, body, row.version + 1
        row.updated_by_id, row.updated_at = actor.user_id, utcnow()
        s.flush()
        audit.record(s, "engagement.template_saved", actor=actor, object_type="engagement_template", object_id=row.id,
                     details={"case_type": case_type.code if case_type else "", "version": row.version,
                              "sha256_before": before, "sha256_after": sha256(body)})
        return TemplateRow(case_type_id, case_type.name if case_type else "", row.title, row.body, row.version, True)
