"""The outbox, for administrators: every message the portal sent or will send (newest first), its
state, its text on request, and a resend. The invitation link a client says never arrived is here,
not in the server console."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import SELECT_STYLE, empty, error_callout, gated, notice_callout, their_text
from portal_app.services.kernel import localtime
from portal_app.services.messaging import outbox
from portal_app.state import PageState, run

STATE_COLOR = {"pending": "blue", "sent": "green", "failed": "red"}


def _row(m, reader) -> dict[str, str]:
    at = lambda v: localtime.shown_datetime(v, reader.timezone, reader.locale) if v else ""  # noqa: E731
    return {"id": m.id, "to": m.to_address, "subject": m.subject, "status": m.status,
            "status_label": t(f"outbox.status.{m.status}"), "color": STATE_COLOR.get(m.status, "gray"),
            "error": m.last_error, "reference": m.reference, "created": at(m.created_at), "sent": at(m.sent_at),
            "attempts": str(m.attempts), "template": m.template}


class OutboxState(PageState, rx.State):
    rows: list[dict[str, str]] = []
    status: str = ""
    to: str = ""
    opened: dict[str, str] = {}

    async def _fill(self, actor) -> None:
        found = await run(outbox.messages, actor, status=self.status, to=self.to)
        self.rows = [_row(m, actor) for m in found]

    @rx.event
    async def load(self):
        self.error, self.notice, self.status, self.to, self.opened = "", "", "", "", {}
        return await self._load_page(self._fill, staff=True)

    @rx.event
    async def filter(self, form: dict):
        self.status = str(form.get("status", "")) if form.get("status") in outbox.STATES else ""
        self.to = str(form.get("to", ""))[:254]
        return await self._load_page(self._fill, staff=True)

    @rx.event
    async def open(self, message_id: str):
        return await self._act(self._open, str(message_id))

    async def _open(self, actor, message_id: str) -> None:
        got = await run(outbox.body, actor, message_id)
        self.opened = {"id": got.id, "to": got.to_address, "subject": got.subject, "body": got.body_text,
                       "resendable": "yes" if got.resendable else "",
                       "hint": "" if got.resendable else t(f"outbox.fresh_link.{got.template}", to=got.to_address)}

    @rx.event
    async def resend(self, message_id: str):
        return await self._act(self._resend, str(message_id))

    async def _resend(self, actor, message_id: str) -> None:
        await run(outbox.resend, actor, message_id)
        self.notice = t("outbox.resent", to=self.opened.get("to", ""))
        await self._fill(actor)


def _body(m) -> rx.Component:
    s = OutboxState
    return rx.cond(s.opened["id"] == m["id"], rx.vstack(
        rx.text(t("outbox.to"), " ", their_text(s.opened["to"]), " · ", s.opened["subject"], size="2", weight="medium"),
        rx.el.pre(s.opened["body"], white_space="pre-wrap", font_size="13px", margin="0", class_name="outbox-body"),
        rx.cond(s.opened["resendable"] != "",
                rx.button(t("outbox.resend"), size="2", type="button", on_click=s.resend(m["id"]), class_name="resend"),
                rx.text(s.opened["hint"], size="2", class_name="fresh-link-hint")),
        error_callout(s.error), notice_callout(s.notice),
        spacing="2", width="100%", padding="8px", background="var(--gray-2)", border_radius="6px"))


def _row_view(m) -> rx.Component:
    """One message as a card (a table would scroll sideways on a phone and hide its button)."""
    s = OutboxState
    return rx.card(rx.vstack(
        rx.hstack(rx.badge(m["status_label"], color_scheme=m["color"], class_name="outbox-" + m["status"]),
                  rx.text(m["subject"], weight="medium", size="2", flex="1", min_width="200px"),
                  rx.button(t("outbox.open"), size="1", variant="outline", type="button", on_click=s.open(m["id"]),
                            class_name="open-message"),
                  width="100%", align="center", wrap="wrap"),
        rx.text(t("outbox.to"), " ", their_text(m["to"]), rx.cond(m["reference"] != "", " · " + m["reference"], ""),
                " · ", t("outbox.col_when"), " ", m["created"],
                rx.cond(m["sent"] != "", " · " + t("outbox.sent_at") + " " + m["sent"], ""), size="1",
                color_scheme="gray"),
        rx.cond(m["error"] != "", rx.text(m["error"], size="1", color_scheme="red")),
        _body(m), spacing="1", width="100%"), width="100%", class_name="outbox-row")


def _filters() -> rx.Component:
    s = OutboxState
    return rx.form(rx.hstack(
        rx.el.select(rx.el.option(t("outbox.any_state"), value=""),
                     *[rx.el.option(t(f"outbox.status.{v}"), value=v) for v in outbox.STATES],
                     name="status", style=SELECT_STYLE, aria_label=t("outbox.state"), id="outbox-status"),
        rx.input(name="to", placeholder=t("outbox.to_placeholder"), aria_label=t("outbox.to_placeholder"),
                 id="outbox-to"),
        rx.button(t("outbox.filter"), type="submit", variant="soft"), wrap="wrap", spacing="2"), on_submit=s.filter)


def _content() -> rx.Component:
    s = OutboxState
    return rx.vstack(
        rx.heading(t("outbox.title"), size="7"),
        rx.text(t("outbox.intro"), size="2", color_scheme="gray"),
        _filters(),
        rx.cond(s.opened.contains("id"), rx.fragment(), rx.fragment(error_callout(s.error), notice_callout(s.notice))),
        rx.cond(s.rows.length() > 0, rx.vstack(rx.foreach(s.rows, _row_view), spacing="2", width="100%"),
                empty(t("outbox.none"))),
        spacing="4", width="100%",
    )


def outbox_page() -> rx.Component:
    return shell(gated(OutboxState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(outbox_page, route="/admin/outbox", title=t("outbox.title"), on_load=OutboxState.load)
