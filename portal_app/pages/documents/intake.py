"""The intake form of a matter: questions from the case type's form, answers saved as a draft as
the client types, submitted once (with the consent and representation fields); staff read the
answers here. Submitting shows what the answers added to or removed from the checklist."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import error_callout, gated, notice_callout
from portal_app.services.documents import intake
from portal_app.services.kernel import localtime
from portal_app.state import PageState, run


def _shown(value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "" if value is None else str(value)


class IntakeFormState(PageState, rx.State):
    title: str = ""
    questions: list[dict[str, str]] = []
    options: dict[str, list[dict[str, str]]] = {}
    answers: dict[str, str] = {}
    status: str = ""
    may_fill: bool = False
    saved_at: str = ""
    changes: list[str] = []

    @rx.event
    async def load(self):
        self.access, self.error, self.notice, self.changes = "checking", "", "", []
        return await self._load_page(self._fill)

    async def _fill(self, actor) -> None:
        view = await run(intake.get, actor, self._url_segment(2))
        self.title, self.status, self.may_fill = view.title, view.status, view.may_fill
        self.questions = [{"key": q["key"], "label": q["label"], "type": q["type"], "help": q.get("help", ""),
                           "required": "yes" if q.get("required") else ""} for q in view.questions]
        self.options = {q["key"]: [{"value": o, "label": t(f"intake.option.{o}", actor.locale)} for o in q["options"]]
                        for q in view.questions if q.get("options")}
        self.answers = {k: _shown(v) for k, v in view.answers.items()}
        self.saved_at = localtime.shown_time(view.updated_at, actor.timezone, actor.locale) if view.updated_at else ""

    @rx.event
    async def set_answer(self, key: str, value: str | bool):
        return await self._act(self._save_answer, str(key), value)

    async def _save_answer(self, actor, key: str, value: str | bool) -> None:
        self.answers = {**self.answers, key: _shown(value) if isinstance(value, bool) else str(value)}
        saved = await run(intake.save_draft, actor, self._url_segment(2), {key: value})
        self.saved_at, self.status = localtime.shown_time(saved, actor.timezone, actor.locale), "draft"

    @rx.event
    async def submit(self):
        return await self._act(self._submit)

    async def _submit(self, actor) -> None:
        result = await run(intake.submit, actor, self._url_segment(2))
        self.status, self.may_fill, self.notice = "submitted", False, t("intake.submitted_notice", actor.locale)
        self.changes = [t("intake.change_added", actor.locale, item=i) for i in result.added] + \
                       [t("intake.change_removed", actor.locale, item=i) for i in result.removed]


def _input(q) -> rx.Component:
    s = IntakeFormState
    value = s.answers.get(q["key"], "")
    change = lambda v: s.set_answer(q["key"], v)  # noqa: E731
    typed = lambda v: s.set_answer(q["key"], v).debounce(800)  # noqa: E731
    return rx.match(
        q["type"],
        ("textarea", rx.text_area(default_value=value, on_change=typed, width="100%", dir="auto",
                                  disabled=~s.may_fill)),
        ("yes_no", rx.radio_group.root(rx.hstack(*[rx.text(rx.hstack(rx.radio_group.item(value=v), t(f"intake.{v}"),
                                                                      spacing="1", align="center"), as_="label", size="2")
                                                  for v in ("yes", "no")], spacing="4"),
                                       value=value, on_change=change, disabled=~s.may_fill)),
        ("consent", rx.checkbox(t("intake.i_agree"), checked=value == "yes", on_change=change, disabled=~s.may_fill)),
        ("choice", rx.el.select(rx.el.option("—", value=""),
                                rx.foreach(s.options[q["key"]], lambda o: rx.el.option(o["label"], value=o["value"])),
                                value=value, on_change=change, disabled=~s.may_fill)),
        ("date", rx.input(type="date", default_value=value, on_change=typed, disabled=~s.may_fill)),
        ("number", rx.input(type="number", default_value=value, on_change=typed, width="120px",
                            disabled=~s.may_fill)),
        rx.input(default_value=value, on_change=typed, width="100%", dir="auto", disabled=~s.may_fill),
    )


def _question(q) -> rx.Component:
    return rx.vstack(
        rx.text(q["label"], rx.cond(q["required"] != "", " *", ""), weight="medium", size="2"),
        rx.cond(q["help"] != "", rx.text(q["help"], size="1", color_scheme="gray")),
        _input(q), spacing="1", width="100%", class_name="intake-question", id="q-" + q["key"],
    )


def _content() -> rx.Component:
    s = IntakeFormState
    return rx.vstack(
        rx.heading(s.title, size="6"),
        rx.match(s.status, ("submitted", rx.badge(t("intake.status_submitted"), color_scheme="green")),
                 ("draft", rx.text(t("intake.draft_saved"), " ", s.saved_at, size="1", color_scheme="gray",
                                   id="draft-saved")),
                 rx.text(t("intake.intro"), size="2")),
        error_callout(s.error), notice_callout(s.notice),
        rx.cond(s.changes.length() > 0, rx.callout(rx.vstack(rx.foreach(s.changes, rx.text)), icon="list_checks",
                                                  width="100%", id="checklist-changes")),
        rx.foreach(s.questions, _question),
        rx.cond(s.may_fill, rx.button(t("intake.submit"), on_click=s.submit, size="3", width="100%", type="button",
                                      id="submit-intake")),
        spacing="4", width="100%",
    )


def intake_page() -> rx.Component:
    return shell(gated(IntakeFormState.access, _content()), narrow=True)


def register(app: rx.App) -> None:
    app.add_page(intake_page, route="/matters/[matter_id]/intake", title=t("intake.page_title"),
                 on_load=IntakeFormState.load)
