"""The client's document page, mobile first: what is still needed (with the why, the example,
the accepted types and size), one item open at a time with a drop zone that also offers the
camera on phones, a progress bar per file, and the checklist percentage that moves as files land.

Files stream into a background handler (Reflex's chunked upload), which encrypts them straight
into storage in a worker thread: nothing is written to Reflex's public upload folder, the event
loop never waits on encryption, and the state lock is only taken for short updates."""
from __future__ import annotations

import reflex as rx
from reflex_base.vars.base import Var

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import empty, error_callout, gated, notice_callout
from portal_app.pages.documents import checklist_common as common
from portal_app.pages.documents.item_form import FILE_TYPES
from portal_app.pages.documents.upload_receiver import UPLOAD_ID, UploadRows, receive_files
from portal_app.services.documents import checklist_views, review
from portal_app.services.files import names as filenames
from portal_app.services.kernel.settings import get_settings
from portal_app.state import PageState, run

_FILES = "filesById['" + UPLOAD_ID + "']"
SELECTED_SIZES = Var(_js_expr=f"({_FILES} ? {_FILES}.map((f) => f.size) : [])",
                     _var_data=rx.selected_files(UPLOAD_ID)._get_all_var_data()).to(list[int])
SELECTED_TOTAL = Var(_js_expr=f"({_FILES} ? {_FILES}.reduce((sum, f) => sum + f.size, 0) : 0)",
                     _var_data=rx.selected_files(UPLOAD_ID)._get_all_var_data()).to(int)
# What the page is told of the files the drop zone refused: name, size and why, never the file itself
# (handing react-dropzone's rejections to a handler sent every refused file as a websocket frame,
# and one over the frame limit dropped the socket with no message).
_REFUSAL_SUMMARY = ("(({rejected}) ?? []).map((r) => ({{name: String(r.file?.name ?? '').slice(0, 120), "
                    "size: Number(r.file?.size ?? 0), codes: (r.errors ?? []).map((e) => String(e.code))}}))")


def refusal_summary(rejected) -> Var:
    return Var(_js_expr=_REFUSAL_SUMMARY.format(rejected=rejected)).to(list[dict])


SELECTED_COUNT = Var(_js_expr=f"String({_FILES} ? {_FILES}.length : 0)",
                     _var_data=rx.selected_files(UPLOAD_ID)._get_all_var_data()).to(str)


class ClientChecklist(PageState, UploadRows, rx.State, mixin=True):
    """A client's checklist with its upload: the documents page, and a task link's page, where the
    limited session lists its one item (services/identity/task_links.py)."""

    matter: dict[str, str] = {}
    items: list[dict[str, str]] = []
    versions: list[dict[str, str]] = []
    removed: list[str] = []
    percent: int = 0
    received: int = 0
    missing: int = 0
    selected_id: str = ""
    refusals: list[str] = []  # shown next to the drop zone of the open item

    def _matter_id(self, actor) -> str:  # noqa: ARG002 - a task link's page takes it from the actor
        return self._url_segment(2)

    async def _refresh(self, actor) -> None:
        view = await run(checklist_views.matter_checklist, actor, self._matter_id(actor))
        self.matter = {"id": view.matter_id, "reference": view.reference, "title": view.title}
        self.items, self.versions = common.rows_of(view, actor.locale, tz=actor.timezone)
        self.removed = view.removed
        self.percent, self.received, self.missing = (view.progress.percent_received, view.progress.received,
                                                     view.progress.missing)

    @rx.event
    async def load(self):
        self.access, self.error, self.notice, self.file_rows, self.selected_id = "checking", "", "", [], ""
        return await self._load_page(self._refresh)

    @rx.event
    def select(self, request_id: str):
        self.selected_id = "" if self.selected_id == request_id else str(request_id)
        self.file_rows, self.error, self.refusals = [], "", []
        return rx.clear_selected_files(UPLOAD_ID)

    @rx.event
    async def set_expiry(self, request_id: str, value: str):
        item = self.selected
        if item.get("id") == str(request_id) and item.get("expiry_date", "") == str(value):
            return None  # tabbing past the field changed nothing: no save, no notice, the focus stays put
        return await self._act(review.set_expiry, str(request_id), str(value), notice=t("documents.expiry_saved"),
                               then=self._refresh)

    @rx.event
    def files_refused(self, refused: list[dict]):
        """A line per refused file, naming this item's own types and size limit."""
        item = self.selected
        self.refusals = [refusal_line(r, item) for r in refused[:20] if isinstance(r, dict)]

    @rx.event
    def clear_refusals(self):
        self.refusals = []

    @rx.var
    def selected(self) -> dict[str, str]:
        return next((i for i in self.items if i["id"] == self.selected_id), {})

    @rx.var
    def selected_max_bytes(self) -> int:
        return int(self.selected.get("max_bytes", "0") or 0)

    @rx.var
    def selected_max_label(self) -> str:
        return self.selected.get("max_size", "")

    @rx.var
    def selected_accept(self) -> dict[str, list[str]]:
        item = self.selected
        tokens = [token for token, label in FILE_TYPES if label in item.get("accepted", "")]
        return checklist_views.accept_map(tokens)

    @rx.event(background=True)
    async def upload(self, chunks: rx.UploadChunkIterator, request_id: str, names: list[str], sizes: list[int]):
        await receive_files(self, chunks, str(request_id), names, sizes)
        return rx.clear_selected_files(UPLOAD_ID)

    async def _after_upload(self, actor) -> None:
        await self._refresh(actor)


class DocumentsState(ClientChecklist, rx.State):
    pass


def refusal_line(refused: dict, item: dict[str, str]) -> str:
    name = filenames.display_name(str(refused.get("name", ""))[:120]) or "?"
    codes = [str(c) for c in refused.get("codes", []) if isinstance(c, str)] if isinstance(refused.get("codes"), list) \
        else []
    if "file-too-large" in codes:
        size = int(refused.get("size") or 0) if str(refused.get("size", "0")).isdigit() else 0
        return t("documents.refused_too_large", name=name, size=common.size_label(size), max=item.get("max_size", ""))
    if "file-invalid-type" in codes:
        return t("documents.refused_type", name=name, accepted=item.get("accepted", ""))
    if "too-many-files" in codes:
        return t("documents.refused_too_many", name=name)
    return t("documents.refused_other", name=name, accepted=item.get("accepted", ""), max=item.get("max_size", ""))


def _refusals(s) -> rx.Component:
    return rx.cond(s.refusals.length() > 0, rx.callout(
        rx.vstack(rx.foreach(s.refusals, lambda line: rx.text(line, size="2", dir="auto", class_name="refused-file")),
                  spacing="1"),
        icon="triangle_alert", color_scheme="red", role="alert", width="100%", id="refused-files"))


def _file_row(row) -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.text(row["name"], size="2", weight="medium", class_name="file-name"), rx.spacer(),
                  rx.text(row["percent"] + "%", size="1", color_scheme="gray"), width="100%"),
        common.bar(row["percent"], label=row["name"],
                   color=rx.cond(row["state"] == "failed", "var(--red-9)",
                                 rx.cond(row["state"] == "done", "var(--green-9)", "var(--blue-9)"))),
        rx.cond(row["message"] != "", rx.text(row["message"], size="2", class_name="file-" + row["state"],
                                              color_scheme=rx.cond(row["state"] == "failed", "red", "green"))),
        width="100%", spacing="1", class_name="upload-file",
    )


def labelled_file_input(zone: rx.Component, label: str) -> rx.Component:
    """Name the drop zone's own file input (react-dropzone makes it; rx.upload takes no props for it)."""
    stack = [zone]
    while stack:
        node = stack.pop()
        if getattr(node, "tag", "") == "input":
            node.custom_attrs = {**node.custom_attrs, "aria-label": label}
            return zone
        stack.extend(getattr(node, "children", []))
    return zone


def _upload_zone(s) -> rx.Component:
    limit = get_settings().max_upload_bytes
    return rx.vstack(
        labelled_file_input(rx.upload.root(
            rx.vstack(
                rx.icon("upload", size=28),
                rx.text(t("documents.drop_here"), size="2", text_align="center"),
                rx.button(rx.icon("camera"), t("documents.choose"), type="button", size="3", variant="soft",
                          id="choose-files", max_width="100%",
                          style={"white-space": "normal", "height": "auto", "min-height": "44px",
                                 "padding-block": "8px", "text-align": "center"}),
                align="center", spacing="2", padding="20px",
                border="2px dashed var(--gray-7)", border_radius="10px", width="100%",
            ),
            # no_keyboard: the labelled button is the keyboard's way in (Enter on it opened the picker twice)
            id=UPLOAD_ID, multiple=True, max_files=10, no_keyboard=True, accept=s.selected_accept,
            max_size=s.selected_max_bytes,
            on_drop_rejected=lambda rejected: s.files_refused(refusal_summary(rejected)),
            width="100%",
        ), t("documents.choose")),
        _refusals(s),
        rx.foreach(rx.selected_files(UPLOAD_ID), lambda name: rx.text(name, size="2", class_name="selected-file")),
        rx.cond(SELECTED_TOTAL > limit, rx.text(t("documents.too_much_at_once", max=f"{limit // (1024 * 1024)} MB"),
                                                size="2", color_scheme="red", id="too-much")),
        rx.button(
            t("documents.send"), type="button", size="3", width="100%", id="send-files",
            disabled=s.uploading | (SELECTED_TOTAL > limit),
            on_click=[s.clear_refusals, s.upload(
                rx.upload_files_chunk(upload_id=UPLOAD_ID, on_upload_progress=s.on_progress.throttle(250),
                                      extra_headers={"X-Portal-Request": s.selected_id,
                                                     "X-Portal-Files": SELECTED_COUNT}),
                s.selected_id, rx.selected_files(UPLOAD_ID), SELECTED_SIZES)],
        ),
        rx.cond((s.sent_percent > 0) & (s.sent_percent < 100),
                rx.vstack(rx.text(t("documents.sending"), " ", s.sent_percent, "%", size="1", color_scheme="gray"),
                          common.bar(s.sent_percent, label=t("documents.sending")), width="100%", spacing="1")),
        rx.foreach(s.file_rows, _file_row),
        width="100%", spacing="3",
    )


def _versions_of(item, s) -> rx.Component:
    return rx.foreach(s.versions, lambda v: rx.cond(
        v["request_id"] == item["id"],
        rx.hstack(rx.icon("file", size=14), rx.text(v["name"], size="1"), common.status_badge(v),
                  rx.cond(v["note"] != "", rx.text(v["note"], size="1", color_scheme="red")), wrap="wrap",
                  spacing="2"),
    ))


def _details(item, s) -> rx.Component:
    return rx.vstack(
        rx.text(rx.text.strong(t("documents.why")), " ", item["why"], size="2"),
        rx.text(rx.text.strong(t("documents.example")), " ", item["example"], size="2"),
        rx.text(rx.text.strong(t("documents.accepted")), " ", item["accepted"], " · ", t("documents.up_to"), " ",
                item["max_size"], size="2"),
        rx.text(rx.text.strong(t("documents.saved_as")), " ", item["naming"], size="1", color_scheme="gray"),
        rx.cond(item["expires"] != "", rx.hstack(
            rx.el.label(t("documents.expiry_date"), html_for="expiry-" + item["id"], style={"font-size": "14px"}),
            rx.input(type="date", default_value=item["expiry_date"], size="2", id="expiry-" + item["id"],
                     on_blur=lambda v: s.set_expiry(item["id"], v)), align="center", wrap="wrap")),
        _versions_of(item, s),
        rx.cond(item["open"] != "", _upload_zone(s)),
        spacing="2", width="100%", padding_top="8px",
    )


def item_card(item, s) -> rx.Component:
    """One checklist item, opened to its details and drop zone by its button; `s` is the page's state."""
    is_open = s.selected_id == item["id"]
    return rx.card(rx.vstack(
        rx.hstack(
            rx.vstack(rx.text(item["title"], weight="bold", size="3"),
                      rx.text(item["provided_by"], size="1", color_scheme="gray"), spacing="0", flex="1"),
            common.status_badge(item), align="center", width="100%",
        ),
        rx.cond(item["reason"] != "", rx.callout(item["reason"], icon="triangle_alert", color_scheme="red", dir="auto",
                                                size="1", class_name="rejection-reason", width="100%")),
        rx.cond(item["note"] != "", rx.text(item["note"], size="1", color_scheme="amber")),
        rx.cond(item["count_note"] != "", rx.text(item["count_note"], size="2", class_name="files-count")),
        rx.cond(item["wet_ink"] == "yes", common.wet_ink_steps(item)),
        rx.cond(is_open, _details(item, s),
                rx.button(rx.cond(item["open"] != "", t("documents.open_item"), t("documents.show_item")),
                          on_click=s.select(item["id"]), type="button", variant="outline",
                          width="100%", class_name="open-item")),
        width="100%", spacing="2",
    ), width="100%", class_name="request-item", id="item-" + item["id"])


def _content() -> rx.Component:
    s = DocumentsState
    return rx.vstack(
        rx.link(rx.hstack(rx.icon("arrow_left", size=16), rx.text(s.matter["reference"])),
                href="/matters/" + s.matter["id"], size="2"),
        rx.heading(t("documents.title"), size="6"),
        rx.text(s.matter["title"], color_scheme="gray"),
        common.progress_bar(s.percent, t("documents.progress")),
        rx.text(s.received.to_string() + " " + t("documents.received") + " · " + s.missing.to_string() + " "
                + t("documents.missing"), size="2", id="received-missing"),
        rx.cond(s.removed.length() > 0, rx.callout(
            rx.text(t("documents.removed_intro"), " ", s.removed.join(", ")), icon="info", size="1", width="100%")),
        error_callout(s.error), notice_callout(s.notice),
        rx.cond(s.items.length() > 0, rx.vstack(rx.foreach(s.items, lambda item: item_card(item, s)), width="100%", spacing="3"),
                empty(t("client_home.nothing_needed"))),
        spacing="3", width="100%",
    )


def documents_page() -> rx.Component:
    return shell(gated(DocumentsState.access, _content()), narrow=True)


def register(app: rx.App) -> None:
    app.add_page(documents_page, route="/matters/[matter_id]/documents", title=t("documents.title"),
                 on_load=DocumentsState.load)
