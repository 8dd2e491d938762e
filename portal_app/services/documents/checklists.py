"""Checklists: templates per case type (loaded from content/checklists.yaml, versioned in the
database), instantiated as document requests when a matter opens, and kept in step with the
intake answers (conditional items are added or removed, and the change is noted for the client).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlmodel import Session, select

from models import CaseType, ChecklistTemplate, ChecklistTemplateItem, DocumentRequest, Matter, utcnow
from portal_app.services.kernel import audit, content, localtime, text
from portal_app.services.kernel.actor import Actor

FILE_TYPES = {"pdf": ["application/pdf"], "jpeg": ["image/jpeg"], "png": ["image/png"],
              "heic": ["image/heic", "image/heif"]}
PROVIDERS = ("beneficiary", "petitioner", "employer")
DEFAULT_DUE_DAYS = 21
ITEM_FIELDS = ("key", "title", "why", "example", "accepted_types", "max_size_bytes", "naming_convention",
               "provided_by", "expires", "condition", "signing")
WET_INK = "wet_ink"  # a USCIS form: printed, signed in ink, uploaded as a scan; never signed online


@lru_cache(maxsize=1)
def _files_needed_by_key() -> dict[str, int]:
    items = content.load("checklists.yaml")["items"]
    return {key: int(spec.get("files_needed", 1)) for key, spec in items.items() if isinstance(spec, dict)}


def files_needed(key: str) -> int:
    """How many files an item takes to be complete (two passport photos are two files); 1 for most."""
    return max(1, _files_needed_by_key().get(key or "", 1))


def library() -> dict[str, list[dict[str, Any]]]:
    """Every case type's items from the YAML library, with defaults applied, in template-item form."""
    data = content.load("checklists.yaml")
    defaults, items = data.get("defaults", {}), data["items"]
    result: dict[str, list[dict[str, Any]]] = {}
    for code, entries in data["case_types"].items():
        result[code] = []
        for entry in entries:
            spec = {"use": entry} if isinstance(entry, str) else dict(entry)
            base = {**defaults, **items[spec.pop("use")], **spec}
            key = entry if isinstance(entry, str) else entry["use"]
            result[code].append(_template_item(key, base))
    return result


def _template_item(key: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": key, "title": spec["title"], "why": spec.get("why", ""), "example": spec.get("example", ""),
        "accepted_types": list(spec.get("accepted", ["pdf"])), "max_size_bytes": int(spec.get("max_mb", 10)) << 20,
        "naming_convention": spec.get("naming", ""), "provided_by": spec.get("provided_by", "beneficiary"),
        "expires": bool(spec.get("expires", False)), "condition": spec.get("when"),
        "signing": WET_INK if spec.get("signing") == WET_INK else "",
    }


def sync_templates(s: Session) -> int:
    """Create version 1 of the template of every case type that has none; returns how many."""
    have = set(s.exec(select(ChecklistTemplate.case_type_id)).all())
    by_code = {ct.code: ct for ct in s.exec(select(CaseType)).all()}
    created = 0
    for code, items in library().items():
        case_type = by_code.get(code)
        if case_type is None or case_type.id in have:
            continue
        template = ChecklistTemplate(case_type_id=case_type.id, version=1, note="From the firm's checklist library")
        s.add(template)
        s.flush()
        for position, item in enumerate(items):
            s.add(ChecklistTemplateItem(template_id=template.id, position=position, **item))
        created += 1
    return created


def current_template(s: Session, case_type_id: uuid.UUID) -> ChecklistTemplate | None:
    return s.exec(select(ChecklistTemplate).where(ChecklistTemplate.case_type_id == case_type_id,
                                                  ChecklistTemplate.is_current)).first()


def template_items(s: Session, template_id: uuid.UUID) -> list[ChecklistTemplateItem]:
    return list(s.exec(select(ChecklistTemplateItem).where(ChecklistTemplateItem.template_id == template_id)
                       .order_by(ChecklistTemplateItem.position)).all())


def condition_met(condition: dict | None, answers: dict[str, Any]) -> bool:
    if not condition:
        return True
    value = answers.get(condition.get("question", ""))
    if "equals" in condition:
        return value == condition["equals"]
    if "at_least" in condition:
        try:
            return int(value) >= int(condition["at_least"])
        except (TypeError, ValueError):
            return False
    return False


def _request_from(item: ChecklistTemplateItem, matter_id: uuid.UUID, today: date, note: str | None = None):
    return DocumentRequest(
        matter_id=matter_id, template_item_id=item.id, key=item.key, title=item.title, why=item.why,
        example=item.example, accepted_types=list(item.accepted_types), max_size_bytes=item.max_size_bytes,
        naming_convention=item.naming_convention, provided_by=item.provided_by, expires=item.expires,
        signing=item.signing, due_date=today + timedelta(days=DEFAULT_DUE_DAYS), note=note,
    )


def instantiate(s: Session, actor: Actor | None, matter: Matter, answers: dict[str, Any] | None = None) -> int:
    """Open the case type's checklist on a new matter as document requests; returns how many."""
    template = current_template(s, matter.case_type_id)
    if template is None:
        return 0
    today = localtime.firm_today()
    created = 0
    for item in template_items(s, template.id):
        if condition_met(item.condition, answers or {}):
            s.add(_request_from(item, matter.id, today))
            created += 1
    s.flush()
    audit.record(s, "checklist.instantiated", actor=actor, object_type="matter", object_id=matter.id,
                 matter_id=matter.id, details={"template_version": template.version, "requests": created})
    return created


def backfill(s: Session) -> int:
    """Open the checklist of every open matter that has none (matters opened before checklists
    existed, on an upgrade). Returns how many matters got one."""
    have = select(DocumentRequest.matter_id).distinct()
    matters = s.exec(select(Matter).where(Matter.status != "closed", Matter.id.not_in(have))).all()
    for matter in matters:
        instantiate(s, None, matter)
    return len(matters)


@dataclass
class ChecklistChange:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # no longer needed, but files were already sent

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def apply_answers(s: Session, actor: Actor | None, matter: Matter, answers: dict[str, Any]) -> ChecklistChange:
    """Add the conditional items the answers now call for and remove those they no longer do
    (an item that already has files is kept). Each change carries a note the client sees."""
    template = current_template(s, matter.case_type_id)
    change = ChecklistChange()
    if template is None:
        return change
    existing = {r.key: r for r in s.exec(select(DocumentRequest).where(DocumentRequest.matter_id == matter.id)).all()}
    now = utcnow()
    for item in template_items(s, template.id):
        if not item.condition:
            continue
        request, needed = existing.get(item.key), condition_met(item.condition, answers)
        if needed and request is None:
            s.add(_request_from(item, matter.id, localtime.firm_today(now), note="checklist.added_by_answers"))
            change.added.append(item.title)
        elif needed and request.removed_at is not None:
            request.removed_at, request.note, request.updated_at = None, "checklist.added_by_answers", now
            change.added.append(item.title)
        elif not needed and request is not None and request.removed_at is None:
            if request.status in ("requested", "rejected"):
                request.removed_at, request.note, request.updated_at = now, "checklist.removed_by_answers", now
                change.removed.append(item.title)
            else:
                change.kept.append(item.title)
    if change.changed:
        audit.record(s, "checklist.changed_by_intake", actor=actor, object_type="matter", object_id=matter.id,
                     matter_id=matter.id, details={"added": change.added, "removed": change.removed})
    return change


def clean_item_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """Validate an item edited by staff (template editor or one matter); raises InvalidInput."""
    from portal_app.services.kernel.errors import InvalidInput

    raw = raw if isinstance(raw, dict) else {}
    title = text.line(raw.get("title", ""))
    if not title or len(title) > 200:
        raise InvalidInput("checklist.title_required")
    accepted = [t for t in raw.get("accepted_types", []) if t in FILE_TYPES]
    if not accepted:
        raise InvalidInput("checklist.types_required")
    max_mb = text.whole_number(raw.get("max_mb", 10), low=1, high=50, key="checklist.size_invalid")
    provided_by = raw.get("provided_by", "beneficiary")
    if provided_by not in PROVIDERS:
        raise InvalidInput("checklist.provider_invalid")
    return {"title": title, "why": text.paragraph(raw.get("why", ""), 2000),
            "example": text.paragraph(raw.get("example", ""), 1000), "accepted_types": accepted,
            "max_size_bytes": max_mb << 20, "naming_convention": text.line(raw.get("naming_convention", ""), 200),
            "provided_by": provided_by, "expires": bool(raw.get("expires", False)),
            "signing": WET_INK if raw.get("signing") == WET_INK else ""}
