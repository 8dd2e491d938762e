"""Staff review of one matter's checklist: every item with every version, short-lived links to
open or download each version, accept, reject with a reason the client sees, waive, expiry dates,
and items added or removed on this matter only."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import client_reads_note, confirm_button, error_callout, file_link, gated, notice_callout, their_text
from portal_app.pages.documents import checklist_common as common
from portal_app.pages.documents.item_form import item_fields, item_inputs
from portal_app.services.documents import checklist_views, originals, review
from portal_app.services.files import links as file_links
from portal_app.services.kernel import i18n
from portal_app.services.kernel.errors import NotAllowed
from portal_app.services.messaging import preferences
from portal_app.state import PageState, run


class ChecklistReviewState(PageState, rx.State):
    matter: dict[str, str] = {}
    items: list[dict[str, str]] = []
    versions: list[dict[str, str]] = []
    counts: dict[str, int] = {}
    link: dict[str, str] = {}
    client_reads: str = ""  # the language the client reads: what staff type reaches them as typed
    near: str = ""  # the version or item the last action was on: its message is drawn there, not at the top

    async def _refresh(self, actor) -> None:
        view = await run(checklist_views.matter_checklist, actor, self._url_segment(2))
        if not view.may_review:
            raise NotAllowed()
        self.matter = {"id": view.matter_id, "reference": view.reference, "title": view.title,
                       "client": view.client_name, "percent": str(view.progress.percent_complete)}
        self.items, self.versions = common.rows_of(view, actor.locale, staff=True, tz=actor.timezone)
        p = view.progress
        self.counts = {"missing": p.missing, "awaiting_review": p.awaiting_review, "overdue": p.overdue}
        self.client_reads = i18n.language(await run(preferences.client_language, actor, view.matter_id)).name

    @rx.event
    async def load(self):
        self.access, self.error, self.notice, self.link, self.near = "checking", "", "", {}, ""
        return await self._load_page(self._open_asked_version)

    async def _open_asked_version(self, actor):
        """From a review task (`?version=<id>`): that version's links are ready and it is scrolled into view."""
        await self._refresh(actor)
        asked = str(self.router.url.query_parameters.get("version", ""))
        version = next((v for v in self.versions if v["id"] == asked), None)
        if version is None:
            return None
        self.near = asked
        await self._make_links(actor, asked, version["name"], asked)
        return rx.scroll_to("version-" + asked)

    async def _review(self, fn, *args, notice: str, near: str = ""):
        self.near = near
        return await self._act(fn, *args, notice=notice, then=self._refresh)

    @rx.event
    async def accept(self, version_id: str):
        return await self._review(review.accept, str(version_id), notice=t("review.accepted_notice"),
                                  near=str(version_id))

    @rx.event
    async def reject(self, form: dict):
        version_id = str(form.get("version_id", ""))
        return await self._review(review.reject, version_id, str(form.get("reason", "")),
                                  notice=t("review.rejected_notice"), near=version_id)

    @rx.event
    async def waive(self, request_id: str):
        return await self._review(review.waive, str(request_id), "", notice=t("review.waived_notice"),
                                  near=str(request_id))

    @rx.event
    async def remove(self, request_id: str):
        """The item leaves the page, so its message cannot stand beside it: a toast, in view wherever one is."""
        result = await self._review(review.remove_item, str(request_id), notice="")
        return result if self.error else rx.toast.success(t("review.removed_notice"))

    @rx.event
    async def set_expiry(self, request_id: str, value: str):
        return await self._review(review.set_expiry, str(request_id), str(value), notice=t("documents.expiry_saved"),
                                  near=str(request_id))

    @rx.event
    async def mark_original(self, request_id: str, held: bool):
        return await self._review(originals.mark_original_held, str(request_id), bool(held), near=str(request_id),
                                  notice=t("checklist.original_marked") if held else t("checklist.original_unmarked"))

    @rx.event
    async def add_item(self, form: dict):
        return await self._review(review.add_item, self._url_segment(2), item_fields(form),
                                  notice=t("review.added_notice"), near="add")

    @rx.event
    async def make_links(self, version_id: str, name: str, target: str):
        self.near = str(target)
        return await self._act(self._make_links, str(version_id), str(name), str(target))

    async def _make_links(self, actor, version_id: str, name: str, target: str) -> None:
        view = await run(file_links.mint, actor, version_id, "inline")
        download = await run(file_links.mint, actor, version_id, "attachment")
        self.link = {"name": name, "view": view, "download": download, "version": target}


def _feedback(key) -> rx.Component:
    """The page's message, drawn where the action was pressed when it was about this version or item."""
    s = ChecklistReviewState
    return rx.cond(s.near == key, rx.vstack(error_callout(s.error), notice_callout(s.notice), width="100%",
                                            spacing="1"))


def _links(v) -> rx.Component:
    s = ChecklistReviewState
    return rx.cond(s.link["version"] == v["id"], rx.callout(rx.hstack(
        rx.text(s.link["name"], ": ", t("review.links_valid")),
        file_link(t("review.open_in_browser"), s.link["view"], new_tab=True, id="link-view"),
        file_link(t("review.download"), s.link["download"], download=True, id="link-download"),
        wrap="wrap", spacing="3"), icon="link", width="100%", class_name="file-links"))


def _version(v) -> rx.Component:
    s = ChecklistReviewState
    pending = v["status"] == "pending"
    return rx.vstack(
        rx.hstack(rx.icon("file", size=14), rx.text(v["name"], size="2", weight="medium"), common.status_badge(v),
                  rx.text(v["size"], " · ", v["uploaded_at"], " · ", their_text(v["original"]), size="1",
                          color_scheme="gray"),
                  wrap="wrap", spacing="2", align="center"),
        rx.cond(v["note"] != "", rx.text(v["note"], size="1", color_scheme="red")),
        rx.hstack(
            rx.button(t("review.get_links"), size="1", variant="outline", type="button", class_name="get-links",
                      on_click=s.make_links(v["id"], v["name"], v["id"])),
            rx.cond(v["rendition"] != "", rx.button(t("review.jpeg_copy"), size="1", variant="outline", type="button",
                                                    on_click=s.make_links(v["rendition"], v["name"] + " (JPEG)",
                                                                          v["id"]))),
            rx.cond(pending, rx.button(t("review.accept"), size="1", color_scheme="green", type="button",
                                       class_name="accept-version", on_click=s.accept(v["id"]))),
            wrap="wrap", spacing="2",
        ),
        rx.cond(pending, rx.form(rx.hstack(
            rx.input(name="reason", placeholder=t("review.reason_placeholder"), size="1", flex="1", min_width="200px",
                     class_name="reject-reason", aria_label=t("review.reason_placeholder")),
            rx.el.input(type="hidden", name="version_id", value=v["id"]),
            rx.button(t("review.reject"), size="1", color_scheme="red", type="submit", class_name="reject-version"),
            width="100%", wrap="wrap"), on_submit=s.reject, reset_on_submit=True, width="100%")),
        _links(v), _feedback(v["id"]),
        spacing="1", width="100%", padding_left="12px", border_left="3px solid var(--gray-5)",
        class_name="review-version", id="version-" + v["id"],
    )


def _item(item) -> rx.Component:
    s = ChecklistReviewState
    return rx.card(rx.vstack(
        rx.hstack(rx.text(item["title"], weight="bold", size="3", flex="1"), common.status_badge(item),
                  rx.cond(item["overdue"] != "", rx.badge(t("review.overdue"), color_scheme="orange")), width="100%"),
        rx.text(item["provided_by"], " · ", item["accepted"], " · ", item["max_size"], " · ", t("review.due"), " ",
                item["due"], size="1", color_scheme="gray"),
        rx.cond(item["reason"] != "", rx.text(t("review.client_sees"), " ", their_text(item["reason"]), size="1",
                                                        color_scheme="red")),
        rx.foreach(s.versions, lambda v: rx.cond(v["request_id"] == item["id"], _version(v))),
        rx.hstack(
            rx.cond(item["expires"] != "", rx.hstack(
                rx.text(t("documents.expiry_date"), size="1"),
                rx.input(type="date", default_value=item["expiry_date"], size="1", aria_label=t("documents.expiry_date"),
                         on_blur=lambda value: s.set_expiry(item["id"], value)), align="center")),
            rx.cond(item["wet_ink"] == "yes", rx.checkbox(
                t("checklist.original_mark"), checked=item["original_held"] == "yes", class_name="original-mark",
                on_change=lambda value: s.mark_original(item["id"], value))),
            rx.cond(item["status"] != "waived", confirm_button(
                rx.button(t("review.waive"), size="1", variant="soft", type="button", class_name="waive-item"),
                title=t("confirm.waive_title"), body=t("confirm.waive_body"), confirm_label=t("review.waive"),
                on_confirm=s.waive(item["id"]))),
            confirm_button(
                rx.button(t("review.remove"), size="1", variant="ghost", color_scheme="red", type="button",
                          class_name="remove-item"),
                title=t("confirm.remove_item_title"), body=t("confirm.remove_item_body"),
                confirm_label=t("review.remove"), on_confirm=s.remove(item["id"])),
            wrap="wrap", spacing="3", align="center",
        ),
        _feedback(item["id"]),
        spacing="2", width="100%",
    ), width="100%", class_name="review-item")


def _add_form() -> rx.Component:
    return rx.form(rx.vstack(
        rx.heading(t("review.add_title"), size="3"),
        *item_inputs(),
        rx.button(t("review.add"), type="submit", id="add-item"),
        _feedback("add"),
        spacing="2", width="100%"), on_submit=ChecklistReviewState.add_item, reset_on_submit=True, width="100%")


def _content() -> rx.Component:
    s = ChecklistReviewState
    return rx.vstack(
        rx.link(s.matter["reference"], href="/matters/" + s.matter["id"], size="2"),
        rx.heading(t("review.title"), " · ", their_text(s.matter["client"]), size="6"),
        rx.text(s.matter["percent"], "% ", t("documents.complete"), " · ", s.counts["missing"].to_string(), " ",
                t("documents.missing"), " · ", s.counts["awaiting_review"].to_string(), " ",
                t("documents.awaiting_review"), " · ", s.counts["overdue"].to_string(), " ", t("review.overdue"), size="2"),
        client_reads_note(s.client_reads),
        _feedback(""),
        rx.foreach(s.items, _item),
        _add_form(),
        spacing="3", width="100%",
    )


def checklist_review_page() -> rx.Component:
    return shell(gated(ChecklistReviewState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(checklist_review_page, route="/matters/[matter_id]/checklist", title=t("review.title"),
                 on_load=ChecklistReviewState.load)
