"""Document sections embedded in shared pages: "Documents we need" on the client's home, and the
checklist summary on a matter's page. Each loads itself when it appears (on_mount), with its own
small state, so the host pages only place the component."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.ui import empty
from portal_app.pages.documents import checklist_common as common
from portal_app.services.documents import checklist_views
from portal_app.services.kernel import localtime
from portal_app.state import WidgetState, run


class NeededDocumentsState(WidgetState, rx.State):
    needed: list[dict[str, str]] = []
    percent: int = 0
    received: int = 0
    total: int = 0

    @rx.event
    async def load(self):
        return await self._load_page(self._fill)

    async def _fill(self, actor) -> None:
        needed, progress = await run(checklist_views.needed_for_me, actor)
        self.needed = [{"matter_id": n.matter_id, "reference": n.reference, "title": n.title, "status": n.status,
                        "reason": n.rejection_reason, "status_label": t(f"checklist.status.{n.status}", actor.locale),
                        "color": common.STATUS_COLORS.get(n.status, "gray"), "due": due_label(n, actor.locale),
                        "overdue": "yes" if n.overdue else ""} for n in needed]
        self.percent, self.received, self.total = progress.percent_received, progress.received, progress.total


def due_label(item, locale: str) -> str:
    """The due date in the client's own calendar (the service decided "overdue" with their local today)."""
    if item.due_date is None:
        return ""
    key = "client_home.overdue_since" if item.overdue else "client_home.due_on"
    return t(key, locale, date=localtime.format_date(item.due_date, locale))


def _needed_row(n) -> rx.Component:
    return rx.link(rx.hstack(
        rx.vstack(rx.text(n["title"], size="2", weight="medium"),
                  rx.cond(n["due"] != "", rx.text(n["due"], size="1", weight="medium", class_name="due-date",
                                                  color_scheme=rx.cond(n["overdue"] != "", "red", "gray"))),
                  rx.cond(n["reason"] != "", rx.text(n["reason"], size="1", color_scheme="red", dir="auto")),
                  rx.text(n["reference"], size="1", color_scheme="gray"), spacing="0", flex="1"),
        common.status_badge(n), align="center", width="100%",
    ), href="/matters/" + n["matter_id"] + "/documents", underline="none", class_name="needed-item", width="100%")


def documents_needed_section() -> rx.Component:
    """Replaces the client home's "Documents we need" placeholder."""
    s = NeededDocumentsState
    return rx.vstack(
        rx.cond(s.total > 0, common.progress_bar(s.percent, t("documents.progress"))),
        rx.cond(s.needed.length() > 0,
                rx.vstack(rx.foreach(s.needed, _needed_row), width="100%", spacing="2", id="documents-needed"),
                empty(t("client_home.nothing_needed"))),
        width="100%", spacing="2", on_mount=s.load,
    )


class MatterChecklistState(WidgetState, rx.State):
    matter_id: str = ""
    percent_received: int = 0
    percent_complete: int = 0
    counts: dict[str, int] = {}
    items: list[dict[str, str]] = []
    may_review: bool = False

    @rx.event
    async def load(self):
        return await self._load_page(self._fill)

    async def _fill(self, actor) -> None:
        self.matter_id = self._url_segment()
        view = await run(checklist_views.matter_checklist, actor, self.matter_id)
        p = view.progress
        self.percent_received, self.percent_complete = p.percent_received, p.percent_complete
        self.counts = {"total": p.total, "received": p.received, "missing": p.missing,
                       "awaiting_review": p.awaiting_review, "overdue": p.overdue}
        self.items = [common.item_row(i, actor.locale, view.may_review) for i in view.items]
        self.may_review = view.may_review


def matter_checklist_section() -> rx.Component:
    """Replaces the matter page's checklist placeholder."""
    s = MatterChecklistState
    return rx.cond(s.access == "denied", rx.fragment(), rx.vstack(
        common.progress_bar(rx.cond(s.may_review, s.percent_complete, s.percent_received),
                            rx.cond(s.may_review, t("documents.complete"), t("documents.progress"))),
        rx.text(s.counts["received"].to_string() + " " + t("documents.received") + " · "
                + s.counts["missing"].to_string() + " " + t("documents.missing") + " · "
                + s.counts["awaiting_review"].to_string() + " " + t("documents.awaiting_review"), size="2"),
        rx.foreach(s.items, lambda i: rx.hstack(rx.text(i["title"], size="2", flex="1"), common.status_badge(i),
                                                width="100%", class_name="matter-checklist-item")),
        rx.hstack(
            rx.link(rx.button(t("documents.open_upload"), type="button", size="2"),
                    href="/matters/" + s.matter_id + "/documents", id="open-documents"),
            rx.link(rx.button(t("intake.open"), type="button", size="2", variant="outline"),
                    href="/matters/" + s.matter_id + "/intake", id="open-intake"),
            rx.cond(s.may_review, rx.link(rx.button(t("review.open"), type="button", size="2", variant="outline"),
                                          href="/matters/" + s.matter_id + "/checklist", id="open-review")),
            wrap="wrap", spacing="2",
        ),
        width="100%", spacing="2", on_mount=s.load, id="matter-checklist",
    ))
