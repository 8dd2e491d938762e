"""Intake forms per case type (questions from content/intake.yaml, versioned in the database).
The client's answers are saved as a draft while they type, then submitted once; submitting
applies the answers to the checklist (conditional items) and says what changed."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from models import CaseType, IntakeForm, IntakeResponse, Matter, utcnow
from portal_app.services.documents import checklists
from portal_app.services.kernel import audit, content, db, i18n, localtime, policy, text
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import Conflict, InvalidInput, NotFound
from portal_app.services.tasks import lifecycle as tasks

TEXT_LIMITS = {"text": 300, "textarea": 4000}


def questions_for(code: str) -> list[dict[str, Any]]:
    data = content.load("intake.yaml")
    return [*data["common"], *data["case_types"].get(code, []), *data["consent"]]


def sync_forms(s: Session) -> int:
    """Create version 1 of the intake form of every case type that has none."""
    have = set(s.exec(select(IntakeForm.case_type_id)).all())
    created = 0
    for case_type in s.exec(select(CaseType)).all():
        if case_type.id not in have:
            s.add(IntakeForm(case_type_id=case_type.id, version=1, title=f"{case_type.name}: intake",
                             questions=questions_for(case_type.code)))
            created += 1
    return created


@dataclass(frozen=True)
class IntakeView:
    matter_id: str
    title: str
    questions: list[dict[str, Any]]
    answers: dict[str, Any]
    status: str  # not_started | draft | submitted
    updated_at: datetime | None
    submitted_at: datetime | None
    may_fill: bool


@dataclass(frozen=True)
class Submitted:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _form(s: Session, matter: Matter) -> IntakeForm:
    form = s.exec(select(IntakeForm).where(IntakeForm.case_type_id == matter.case_type_id)
                  .order_by(IntakeForm.version.desc())).first()
    if form is None:
        raise NotFound()
    return form


def _response(s: Session, matter: Matter) -> IntakeResponse | None:
    return s.exec(select(IntakeResponse).where(IntakeResponse.matter_id == matter.id)).first()


def get(actor: Actor, matter_id: str) -> IntakeView:
    with db.read() as s:
        matter = policy.require_matter(s, actor, "intake.view", matter_id)
        form = _form(s, matter)
        response = _response(s, matter)
        status = response.status if response else "not_started"
        may_fill = status != "submitted" and policy.can_on_matter(s, actor, "intake.fill", matter.id)
        questions = [{**q, **{f: i18n.content(q[f], actor.locale) for f in ("label", "help") if q.get(f)}}
                     for q in form.questions]  # the firm's questions in the reader's language
        title = form.title.removesuffix(": intake")  # "<case type>: intake", as the form was first loaded
        shown = i18n.t("intake.form_title", actor.locale, name=i18n.content(title, actor.locale)) \
            if title != form.title else i18n.content(form.title, actor.locale)
        return IntakeView(str(matter.id), shown, questions,
                          dict(response.answers if response else {}),
                          status, response.updated_at if response else None,
                          response.submitted_at if response else None, may_fill)


@dataclass(frozen=True)
class IntakeToDo:
    matter_id: str
    reference: str
    title: str
    status: str  # not_started | draft
    answered: int
    questions: int


def open_for_me(actor: Actor) -> list[IntakeToDo]:
    """The intake forms I still have to fill or finish (the client home lists them first)."""
    with db.read() as s:
        matters = s.exec(select(Matter).where(policy.matter_scope(actor, "intake.fill"), Matter.status == "open")
                         .order_by(Matter.reference)).all()
        todo = []
        for matter in matters:
            form = s.exec(select(IntakeForm).where(IntakeForm.case_type_id == matter.case_type_id)
                          .order_by(IntakeForm.version.desc())).first()
            response = _response(s, matter)
            if form is None or (response is not None and response.status == "submitted"):
                continue
            answers = dict(response.answers) if response else {}
            answered = sum(1 for q in form.questions if answers.get(q["key"]) not in (None, ""))
            todo.append(IntakeToDo(str(matter.id), matter.reference, form.title,
                                   "draft" if response else "not_started", answered, len(form.questions)))
        return todo


def clean_answer(question: dict[str, Any], raw: Any) -> Any:
    """One answer in its stored form; raises InvalidInput naming the question."""
    kind, label = question["type"], question["label"]
    if raw is None or raw == "":
        return None
    if kind in TEXT_LIMITS:
        answer = text.line(raw) if kind == "text" else text.paragraph(raw)
        if len(answer) > TEXT_LIMITS[kind]:
            raise InvalidInput("intake.too_long", question=label, max=TEXT_LIMITS[kind])
        return answer or None
    if kind in ("yes_no", "consent"):
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() in ("yes", "true", "on", "1"):
            return True
        if str(raw).lower() in ("no", "false", "off", "0"):
            return False
        raise InvalidInput("intake.choose_yes_no", question=label)
    if kind == "number":
        return text.whole_number(raw, low=question.get("min", 0), high=question.get("max", 1000),
                                 key="intake.number_invalid", question=label)
    if kind == "date":
        try:
            return date.fromisoformat(text.number_text(raw, "intake.date_invalid", question=label)).isoformat()
        except ValueError:
            raise InvalidInput("intake.date_invalid", question=label) from None
    if kind == "choice":
        if raw not in question.get("options", []):
            raise InvalidInput("intake.choice_invalid", question=label)
        return raw
    raise InvalidInput("intake.unknown_question")


def _clean(questions: list[dict], answers: dict[str, Any]) -> dict[str, Any]:
    by_key = {q["key"]: q for q in questions}
    unknown = set(answers) - set(by_key)
    if unknown:
        raise InvalidInput("intake.unknown_question")
    return {key: clean_answer(by_key[key], value) for key, value in answers.items()}


def save_draft(actor: Actor, matter_id: str, answers: dict[str, Any]) -> datetime:
    """Save what the client typed so far (no completeness check). Returns when it was saved."""
    with db.write() as s:
        matter = policy.require_matter(s, actor, "intake.fill", matter_id)
        form = _form(s, matter)
        cleaned = _clean(list(form.questions), answers or {})
        response = _response(s, matter)
        if response is None:
            response = IntakeResponse(matter_id=matter.id, form_id=form.id, answers={})
            s.add(response)
        if response.status == "submitted":
            raise Conflict("intake.already_submitted")
        merged = {**response.answers, **cleaned}
        changed = sorted(k for k in merged if merged.get(k) != response.answers.get(k))
        response.answers, response.updated_at = merged, utcnow()
        if changed:
            audit.record(s, "intake.draft_saved", actor=actor, object_type="intake_response", object_id=response.id,
                         matter_id=matter.id, details={"changed": changed})
        return response.updated_at


def missing_required(questions: list[dict], answers: dict[str, Any]) -> list[str]:
    missing = []
    for q in questions:
        value = answers.get(q["key"])
        if q["type"] == "consent" and value is not True:
            missing.append(q["label"])
        elif q.get("required") and value in (None, ""):
            missing.append(q["label"])
    return missing


def submit(actor: Actor, matter_id: str, answers: dict[str, Any] | None = None) -> Submitted:
    """Submit once: every required answer and consent present; then the checklist follows the answers."""
    if answers:
        save_draft(actor, matter_id, answers)
    with db.write() as s:
        matter = policy.require_matter(s, actor, "intake.fill", matter_id)
        form = _form(s, matter)
        response = _response(s, matter)
        if response is not None and response.status == "submitted":
            raise Conflict("intake.already_submitted")
        stored = dict(response.answers) if response else {}
        missing = missing_required(list(form.questions), stored)
        if missing:
            raise InvalidInput("intake.missing", count=len(missing), first=missing[0])
        response.status, response.submitted_at, response.submitted_by_id = "submitted", utcnow(), actor.user_id
        change = checklists.apply_answers(s, actor, matter, stored)
        audit.record(s, "intake.submitted", actor=actor, object_type="intake_response", object_id=response.id,
                     matter_id=matter.id, details={"form_version": form.version, "added": change.added,
                                                  "removed": change.removed})
        return Submitted(change.added, change.removed)


def ask_correction(actor: Actor, matter_id: str, note: str) -> None:
    """After submitting, the client says which answer must change: a task for the attorney, due in
    two days (the form stays submitted; staff reopen or fix it)."""
    with db.write() as s:
        matter = policy.require_matter(s, actor, "intake.fill", matter_id)
        cleaned = text.paragraph(note or "")
        if len(cleaned) < 3:
            raise InvalidInput("intake.correction_empty")
        if len(cleaned) > 1000:
            raise InvalidInput("intake.too_long", question="correction", max=1000)
        response = _response(s, matter)
        if response is None or response.status != "submitted":
            raise Conflict("intake.not_submitted")
        tasks.open_task(s, matter_id=matter.id, kind="intake_correction", title=f"Intake correction: {cleaned}",
                        subject_type="intake_response", subject_id=response.id, role_on_matter="attorney",
                        due_date=localtime.firm_today() + timedelta(days=2))
        audit.record(s, "intake.correction_asked", actor=actor, object_type="intake_response", object_id=response.id,
                     matter_id=matter.id, details={"note": cleaned})


def submitted_answers(s: Session, matter_id: uuid.UUID) -> dict[str, Any]:
    response = s.exec(select(IntakeResponse).where(IntakeResponse.matter_id == matter_id,
                                                   IntakeResponse.status == "submitted")).first()
    return dict(response.answers) if response else {}
