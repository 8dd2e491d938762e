"""Staff edit the checklist templates of the case types. Every edit makes a new version of the
template (old versions stay, and matters opened under them keep their items), and is audited.
New matters use the current version."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from models import CaseType, ChecklistTemplate, ChecklistTemplateItem
from portal_app.services.documents import checklists
from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import Conflict, InvalidInput, NotFound


@dataclass(frozen=True)
class TemplateItemView:
    key: str
    title: str
    why: str
    example: str
    accepted_types: list[str]
    max_mb: int
    naming_convention: str
    provided_by: str
    expires: bool
    condition: str
    signing: str = ""


@dataclass(frozen=True)
class TemplateView:
    case_type_code: str
    case_type_name: str
    version: int
    items: list[TemplateItemView]


def case_types(actor: Actor) -> list[tuple[str, str]]:
    policy.require(actor, "staff.dashboard")
    with db.read() as s:
        return [(c, n) for c, n in s.exec(select(CaseType.code, CaseType.name).order_by(CaseType.name)).all()]


def _current(s: Session, code: str) -> tuple[CaseType, ChecklistTemplate]:
    case_type = s.exec(select(CaseType).where(CaseType.code == code)).first()
    template = checklists.current_template(s, case_type.id) if case_type else None
    if template is None:
        raise NotFound()
    return case_type, template


def _condition_text(condition: dict | None) -> str:
    if not condition:
        return ""
    if "equals" in condition:
        return f"{condition['question']} = {condition['equals']}"
    return f"{condition['question']} >= {condition.get('at_least')}"


def get(actor: Actor, code: str) -> TemplateView:
    policy.require(actor, "staff.dashboard")
    with db.read() as s:
        case_type, template = _current(s, code)
        items = [TemplateItemView(i.key, i.title, i.why, i.example, list(i.accepted_types), i.max_size_bytes >> 20,
                                  i.naming_convention, i.provided_by, i.expires, _condition_text(i.condition),
                                  i.signing)
                 for i in checklists.template_items(s, template.id)]
        return TemplateView(case_type.code, case_type.name, template.version, items)


def _new_version(s: Session, actor: Actor, template: ChecklistTemplate, note: str) -> ChecklistTemplate:
    template.is_current = False
    new = ChecklistTemplate(case_type_id=template.case_type_id, version=template.version + 1, is_current=True,
                            created_by_id=actor.user_id, note=note[:500])
    s.add(new)
    s.flush()
    return new


def _copy_items(s: Session, old_id, new_id, skip_key: str = "") -> list[ChecklistTemplateItem]:
    copies = []
    for item in checklists.template_items(s, old_id):
        if item.key == skip_key:
            continue
        data = {f: getattr(item, f) for f in checklists.ITEM_FIELDS}
        copy = ChecklistTemplateItem(template_id=new_id, position=len(copies), **data)
        s.add(copy)
        copies.append(copy)
    return copies


def save_item(actor: Actor, code: str, key: str, fields: dict, expected_version: int) -> int:
    """Change one item (or add it when key is empty); returns the new template version."""
    policy.require(actor, "template.edit")
    cleaned = checklists.clean_item_fields(fields)
    with db.write() as s:
        case_type, template = _current(s, code)
        if template.version != expected_version:
            raise Conflict("template.changed_meanwhile")
        old_items = {i.key: i for i in checklists.template_items(s, template.id)}
        if key and key not in old_items:
            raise InvalidInput("template.item_unknown")
        new = _new_version(s, actor, template, f"{'Edited' if key else 'Added'}: {cleaned['title']}")
        copies = {c.key: c for c in _copy_items(s, template.id, new.id)}
        if key:
            for name, value in cleaned.items():
                setattr(copies[key], name, value)
        else:
            key = _unique_key(cleaned["title"], set(old_items))
            s.add(ChecklistTemplateItem(template_id=new.id, key=key, position=len(copies), **cleaned))
        audit.record(s, "template.item_saved", actor=actor, object_type="checklist_template", object_id=new.id,
                     details={"case_type": case_type.code, "version": new.version, "item": key,
                              "changed": sorted(n for n, v in cleaned.items()
                                                if key not in old_items or getattr(old_items[key], n) != v)})
        return new.version


def remove_item(actor: Actor, code: str, key: str, expected_version: int) -> int:
    policy.require(actor, "template.edit")
    with db.write() as s:
        case_type, template = _current(s, code)
        if template.version != expected_version:
            raise Conflict("template.changed_meanwhile")
        if key not in {i.key for i in checklists.template_items(s, template.id)}:
            raise InvalidInput("template.item_unknown")
        new = _new_version(s, actor, template, f"Removed: {key}")
        _copy_items(s, template.id, new.id, skip_key=key)
        audit.record(s, "template.item_removed", actor=actor, object_type="checklist_template", object_id=new.id,
                     details={"case_type": case_type.code, "version": new.version, "item": key})
        return new.version


def _unique_key(title: str, taken: set[str]) -> str:
    from portal_app.services.files.names import ascii_words

    base = (ascii_words(title).lower() or "item")[:50]
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key
