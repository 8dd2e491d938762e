"""The intake form of a matter: questions from the case type's form, answers saved as a draft as
the client types, submitted once (with the consent and representation fields); staff read the
answers here. Submitting shows what the answers added to or removed from the checklist.

Saving: every change is sent at once and kept in `_pending` until the background loop of
intake_saving has stored it, so nothing typed is lost whatever the timing (Tab between fields,
autofill, a reload: the loop runs on the server and a reloaded page shows what is still pending).
"Draft saved" is shown only once the server has stored everything; a failed save says so and the
loop tries again."""
from __future__ import annotations

import asyncio
import time

import reflex as rx
from reflex.experimental.client_state import ClientStateVar
from reflex_base.vars.base import Var

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import error_callout, gated, notice_callout
from portal_app.pages.documents import intake_saving
from portal_app.services.documents import intake
from portal_app.services.kernel import localtime
from portal_app.state import PageState, run

STALE_LOOP_SECONDS = 30  # a loop that has not beaten for this long is gone (a restart): start another
# Each change carries a number counted in the page; the page says "Draft saved" only once the server
# has stored the change with the page's latest number (not while a change is still on its way).
NEXT_CHANGE = Var(_js_expr="(window.__portalIntakeChange = (window.__portalIntakeChange ?? 0) + 1)").to(int)
LAST_CHANGE = Var(_js_expr="(window.__portalIntakeChange ?? 0)").to(int)
SENT = ClientStateVar.create("intake_sent_change", default=0)


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
    answers: dict[str, str] = {}  # live: what the choices (radio, select, checkbox) show
    typed: dict[str, str] = {}  # the text fields' starting values, set on load only (never while typing)
    status: str = ""
    may_fill: bool = False
    saved_at: str = ""
    submitted_on: str = ""
    save_state: str = ""  # "" | saving | saved | failed
    save_problem: str = ""
    is_client: bool = False
    field_errors: dict[str, str] = {}
    stored_change: int = 0  # the page's latest change number the server has stored
    changes: list[str] = []
    _matter_id: str = ""
    _pending: dict[str, str | bool] = {}
    _in_flight: dict[str, str | bool] = {}
    _loop_beat: float = 0.0
    _received_change: int = 0
    _page_epoch: int = 0  # a reload starts the page's count again: older batches do not count for it

    @rx.event
    async def load(self):
        """Out with the form first (a reload would otherwise show the fields with the values of the
        previous visit, and uncontrolled fields keep their first value), then in with today's."""
        self.access, self.error, self.notice, self.changes = "checking", "", "", []
        yield
        yield await self._load_page(self._fill)

    async def _fill(self, actor):
        self._matter_id = self._url_segment(2)
        view = await run(intake.get, actor, self._matter_id)
        self.title, self.status, self.may_fill = view.title, view.status, view.may_fill
        self.is_client = actor.role == "client"
        self.questions = [{"key": q["key"], "label": q["label"], "type": q["type"], "help": q.get("help", ""),
                           "required": "yes" if q.get("required") else ""} for q in view.questions]
        self.options = {q["key"]: [{"value": o, "label": t(f"intake.option.{o}", actor.locale)} for o in q["options"]]
                        for q in view.questions if q.get("options")}
        unsaved = {**self._in_flight, **self._pending} if view.may_fill else {}
        self.answers = {k: _shown(v) for k, v in {**view.answers, **unsaved}.items()}
        self.typed = dict(self.answers)
        self.saved_at = localtime.shown_time(view.updated_at, actor.timezone, actor.locale) if view.updated_at else ""
        self.submitted_on = localtime.shown_datetime(view.submitted_at, actor.timezone, actor.locale) \
            if view.submitted_at else ""
        self.save_state = "saving" if unsaved else ("saved" if view.status == "draft" else "")
        self.save_problem, self.field_errors = "", {}
        self.stored_change, self._received_change, self._page_epoch = 0, 0, self._page_epoch + 1
        return self._keep_storing() if unsaved else None

    @rx.event
    def set_answer(self, key: str, value: str | bool, change: int = 0):
        """One change of one field, sent at once: kept until the loop has stored it."""
        if not self.may_fill:
            return None
        key = str(key)
        self._received_change = max(self._received_change, int(change) if str(change).isdigit() else 0)
        self.answers = {**self.answers, key: _shown(value) if isinstance(value, bool) else str(value)}
        self._pending = {**self._pending, key: value}
        self.save_state = "saving"
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != key}
        return self._keep_storing()

    def _keep_storing(self):
        if time.monotonic() - self._loop_beat < STALE_LOOP_SECONDS:
            return None  # the loop is running and will take what is pending
        self._loop_beat = time.monotonic()
        return IntakeFormState.store_pending

    @rx.event(background=True)
    async def store_pending(self):
        attempt = 0
        while True:
            await asyncio.sleep(intake_saving.GATHER_SECONDS if attempt == 0 else intake_saving.retry_pause(attempt))
            async with self:
                self._loop_beat = time.monotonic()
                batch, self._pending = dict(self._pending), {}
                self._in_flight, change, epoch = batch, self._received_change, self._page_epoch
                if not batch:
                    self._loop_beat = 0.0
                    return
                actor, matter_id = await self._signed_in_actor(), self._matter_id
            if actor is None:
                outcome = intake_saving.Outcome(retry=batch)
            else:
                outcome = await intake_saving.save_batch(lambda b: run(intake.save_draft, actor, matter_id, b), batch)
            async with self:
                attempt = self._took(actor, outcome, attempt)
                if not outcome.retry and epoch == self._page_epoch:
                    self.stored_change = max(self.stored_change, change)
                if outcome.final is not None:
                    self._loop_beat = 0.0
                    return

    def _took(self, actor, outcome: intake_saving.Outcome, attempt: int) -> int:
        """Show what the last batch came to; returns the next attempt number (0: all went well)."""
        locale = actor.locale if actor else "en"
        self._in_flight = {}
        if outcome.saved_at is not None:
            self.saved_at = localtime.shown_time(outcome.saved_at, actor.timezone, locale)
            self.status = "draft" if self.status != "submitted" else self.status
        if outcome.refused:
            self.field_errors = {**self.field_errors, **{k: e.message(locale) for k, e in outcome.refused.items()}}
        if outcome.final is not None:
            self.save_state, self.save_problem = "failed", outcome.final.message(locale)
            return attempt
        if outcome.retry:
            self._pending = intake_saving.merge_back(outcome.retry, self._pending)
            self.save_state = "failed"
            self.save_problem = t("intake.save_retrying" if actor else "intake.save_signed_out", locale)
            return attempt + 1
        self.save_problem = ""
        self.save_state = "saving" if self._pending else ("failed" if self.field_errors else "saved")
        return 0

    @rx.event
    async def ask_correction(self, form: dict):
        note = str(form.get("note", ""))[:2000]
        return await self._act(intake.ask_correction, self._matter_id or self._url_segment(2), note,
                               notice=t("intake.correction_sent"))

    @rx.event
    async def submit(self):
        return await self._act(self._submit)

    async def _submit(self, actor) -> None:
        unsaved, self._pending, self._in_flight = {**self._in_flight, **self._pending}, {}, {}
        result = await run(intake.submit, actor, self._matter_id or self._url_segment(2), unsaved or None)
        await self._fill(actor)
        self.notice = t("intake.submitted_notice", actor.locale)
        self.changes = [t("intake.change_added", actor.locale, item=i) for i in result.added] + \
                       [t("intake.change_removed", actor.locale, item=i) for i in result.removed]


def _label(q) -> rx.Component:
    return rx.el.label(q["label"], rx.cond(q["required"] != "", " *", ""), html_for="answer-" + q["key"],
                       id="label-" + q["key"], style={"font-weight": "500", "font-size": "14px"})


def _input(q) -> rx.Component:
    s = IntakeFormState
    key, value, start = q["key"], s.answers.get(q["key"], ""), s.typed.get(q["key"], "")
    change = lambda v: [s.set_answer(key, v, NEXT_CHANGE), SENT.set_value(LAST_CHANGE)]  # noqa: E731 - every change at once
    common = {"id": "answer-" + key, "disabled": ~s.may_fill, "on_change": change}
    return rx.match(
        q["type"],
        ("textarea", rx.text_area(default_value=start, width="100%", dir="auto", **common)),
        ("yes_no", rx.radio_group.root(rx.hstack(*[rx.text(rx.hstack(rx.radio_group.item(value=v), t(f"intake.{v}"),
                                                                      spacing="1", align="center"), as_="label", size="2")
                                                  for v in ("yes", "no")], spacing="4"),
                                       value=value, aria_labelledby="label-" + key, **common)),
        ("consent", rx.checkbox(t("intake.i_agree"), checked=value == "yes", aria_describedby="label-" + key,
                                **common)),
        ("choice", rx.el.select(rx.el.option("—", value=""),
                                rx.foreach(s.options[key], lambda o: rx.el.option(o["label"], value=o["value"])),
                                value=value, **common)),
        ("date", rx.input(type="date", default_value=start, **common)),
        ("number", rx.input(type="number", default_value=start, width="120px", **common)),
        rx.input(default_value=start, width="100%", dir="auto", **common),
    )


def _question(q) -> rx.Component:
    s = IntakeFormState
    problem = s.field_errors.get(q["key"], "")
    return rx.vstack(
        _label(q),
        rx.cond(q["help"] != "", rx.text(q["help"], size="1", color_scheme="gray")),
        _input(q),
        rx.cond(problem != "", rx.text(problem, size="2", color_scheme="red", role="alert", class_name="answer-error")),
        spacing="1", width="100%", class_name="intake-question", id="q-" + q["key"],
    )


def _save_line() -> rx.Component:
    s = IntakeFormState
    return rx.box(
        rx.match(rx.cond((s.save_state == "saved") & (SENT.value > s.stored_change), "saving", s.save_state),
                 ("saving", rx.text(t("intake.saving"), size="1", color_scheme="gray", id="draft-saving")),
                 ("saved", rx.text(t("intake.draft_saved"), " ", s.saved_at, size="1", color_scheme="gray",
                                   id="draft-saved")),
                 ("failed", rx.text(s.save_problem, size="2", color_scheme="red", id="draft-failed")),
                 rx.fragment()),
        role="status", aria_live="polite",
    )


def _correction_form() -> rx.Component:
    return rx.cond(IntakeFormState.is_client, rx.form(rx.vstack(
        rx.el.label(t("intake.correction_hint"), html_for="correction-note", style={"font-size": "14px"}),
        rx.text_area(name="note", id="correction-note", width="100%", dir="auto", rows="3"),
        rx.button(t("intake.ask_correction"), type="submit", variant="soft", id="ask-correction"),
        spacing="2", width="100%"), on_submit=IntakeFormState.ask_correction, reset_on_submit=True, width="100%",
        id="correction-form"))


def _status() -> rx.Component:
    s = IntakeFormState
    return rx.cond(
        s.status == "submitted",
        rx.vstack(rx.hstack(rx.badge(t("intake.status_submitted"), color_scheme="green", high_contrast=True),
                            rx.text(t("intake.submitted_on"), " ", s.submitted_on, size="2", id="submitted-on"),
                            align="center", wrap="wrap"),
                  _correction_form(), spacing="2", width="100%"),
        rx.cond(s.status == "draft", _save_line(), rx.vstack(rx.text(t("intake.intro"), size="2"), _save_line())),
    )


def _content() -> rx.Component:
    s = IntakeFormState
    return rx.vstack(
        rx.heading(s.title, size="6"),
        _status(),
        error_callout(s.error), notice_callout(s.notice),
        rx.cond(s.changes.length() > 0, rx.callout(rx.vstack(rx.foreach(s.changes, rx.text)), icon="list_checks",
                                                  width="100%", id="checklist-changes")),
        rx.foreach(s.questions, _question),
        rx.cond(s.may_fill, rx.button(t("intake.submit"), on_click=s.submit, size="3", width="100%", type="button",
                                      id="submit-intake", loading=s.save_state == "saving")),
        spacing="4", width="100%",
    )


def intake_page() -> rx.Component:
    return shell(gated(IntakeFormState.access, _content()), narrow=True)


def register(app: rx.App) -> None:
    app.add_page(intake_page, route="/matters/[matter_id]/intake", title=t("intake.page_title"),
                 on_load=IntakeFormState.load)
