"""A matter's secure messages, phone first: the conversation oldest to newest, the firm's side on
the left and mine on the right, a box to write in, files through the same checks as documents.
Staff also see who the thread is assigned to, whether it needs a reply, and can file a file the
client sent to a checklist item."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import (
    FORM_SELECT_STYLE,
    empty,
    error_callout,
    file_link,
    gated,
    notice_callout,
    their_text,
)
from portal_app.pages.conversations.thread_state import UPLOAD_ID, ThreadState
from portal_app.services.conversations.attachments import max_bytes

ACCEPT = {"application/pdf": [".pdf"], "image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"],
          "image/heic": [".heic"], "image/heif": [".heif"]}


def _file_of(m) -> rx.Component:
    s = ThreadState
    return rx.foreach(s.files, lambda f: rx.cond(
        f["message_id"] == m["id"],
        rx.vstack(
            rx.hstack(rx.icon("paperclip", size=14), rx.text(their_text(f["name"], class_name="attachment-name"), size="2"),
                      rx.text(f["size"], size="1", color_scheme="gray"),
                      rx.button(t("conversations.get_link"), size="1", variant="ghost", type="button",
                                class_name="get-link", on_click=s.make_link(f["version_id"], f["name"])),
                      wrap="wrap", spacing="2", align="center"),
            rx.cond(f["filed"] != "", rx.text(t("conversations.filed_to"), " ", f["filed"], size="1",
                                               color_scheme="green", high_contrast=True, class_name="filed-to")),
            rx.cond(s.may_assign & (f["filed"] == "") & (s.items.length() > 0), _file_form(f)),
            spacing="1", width="100%"),
    ))


def _file_form(f) -> rx.Component:
    return rx.form(rx.hstack(
        rx.el.input(type="hidden", name="attachment", value=f["id"]),
        rx.el.select(rx.foreach(ThreadState.items, lambda i: rx.el.option(i["title"], value=i["id"])), name="item",
                     aria_label=t("conversations.file_to"), class_name="file-to-item",
                     style={"padding": "4px", "border-radius": "6px", "border": "1px solid var(--gray-7)"}),
        rx.button(t("conversations.file_to"), size="1", variant="soft", type="submit", class_name="file-button"),
        wrap="wrap", spacing="2", align="center"), on_submit=ThreadState.file_to_item)


def _bubble(m) -> rx.Component:
    mine = m["mine"] == "yes"
    return rx.box(
        rx.vstack(
            rx.hstack(rx.text(m["author"], size="1", weight="bold"),
                      rx.cond(m["urgent"] == "yes", rx.badge(t("conversations.urgent"), color_scheme="red", size="1")),
                      rx.text(m["at"], size="1", color_scheme="gray"), wrap="wrap", spacing="2"),
            rx.cond(m["body"] != "", rx.text(their_text(m["body"]), size="2", white_space="pre-wrap",
                                             class_name="message-body")),
            _file_of(m), spacing="1", width="100%"),
        background=rx.cond(mine, "var(--accent-3)", "var(--gray-3)"), padding="10px 12px", border_radius="12px",
        max_width="85%", align_self=rx.cond(mine, "flex-end", "flex-start"), class_name="message",
    )


def _attach_zone() -> rx.Component:
    s = ThreadState
    return rx.vstack(
        # Inside a <label>, the dropzone's file input is named by the words on it (axe: form
        # elements need labels); the label opens the picker, so the zone itself does not (no_click).
        rx.el.label(rx.upload.root(
            rx.hstack(rx.icon("paperclip", size=16), rx.text(t("conversations.attach"), size="2", weight="medium"),
                      align="center", spacing="2", padding="6px 12px", border_radius="6px",
                      background="var(--accent-3)", color="var(--accent-12)", cursor="pointer", id="attach-button"),
            id=UPLOAD_ID, multiple=True, max_files=10, accept=ACCEPT, max_size=max_bytes(), no_click=True,
            on_drop=s.attach(rx.upload_files_chunk(upload_id=UPLOAD_ID, on_upload_progress=s.on_progress.throttle(250)),
                             s.matter["id"], rx.selected_files(UPLOAD_ID), []),
            on_drop_rejected=s.files_refused,
        )),
        rx.foreach(s.file_rows, lambda r: rx.cond(r["state"] == "failed", rx.text(
            r["name"], ": ", r["message"], size="2", color_scheme="red", high_contrast=True, class_name="file-failed"))),
        rx.cond(s.uploading, rx.hstack(rx.spinner(size="1"), rx.text(t("conversations.uploading"), size="1"))),
        rx.foreach(s.pending, lambda p: rx.hstack(
            rx.icon("paperclip", size=14), their_text(p["name"], class_name="pending-name"),
            rx.text(p["size"], size="1", color_scheme="gray"),
            rx.button(t("conversations.remove_file"), size="1", variant="ghost", color_scheme="red", type="button",
                      on_click=s.discard(p["id"])),
            spacing="2", align="center", class_name="pending-file", wrap="wrap")),
        spacing="2", width="100%",
    )


def _writer() -> rx.Component:
    s = ThreadState
    return rx.form(rx.vstack(
        rx.el.label(t("conversations.write_label"), html_for="message-body", style={"font-weight": "500"}),
        rx.text_area(name="body", id="message-body", value=s.draft, on_change=s.set_draft, rows="4", width="100%",
                     placeholder=t("conversations.placeholder"), max_length=5000),
        rx.cond(s.may_attach, _attach_zone()),
        rx.cond(s.may_assign, rx.el.label(rx.el.input(type="checkbox", name="urgent", id="urgent"), " ",
                                          t("conversations.urgent_label"), style={"font-size": "14px"})),
        rx.text(t("conversations.mail_note"), size="1", color_scheme="gray"),
        rx.button(rx.icon("send", size=16), t("conversations.send"), type="submit", size="3", width="100%",
                  id="send-message", disabled=s.uploading),
        spacing="2", width="100%"), on_submit=s.send, width="100%")


def _staff_bar() -> rx.Component:
    s = ThreadState
    return rx.card(rx.hstack(
        rx.checkbox(t("conversations.needs_reply"), checked=s.needs_reply, id="needs-reply",
                    on_change=s.toggle_needs_reply),
        rx.spacer(),
        rx.el.label(t("conversations.assigned_to"), html_for="assignee", style={"font-size": "14px"}),
        rx.el.select(rx.el.option(t("conversations.nobody"), value=""),
                     rx.foreach(s.team, lambda p: rx.el.option(p["name"], value=p["id"])),
                     id="assignee", value=s.assignee_id, on_change=s.assign,
                     style={**FORM_SELECT_STYLE, "width": "auto"}),
        wrap="wrap", align="center", spacing="3", width="100%"), width="100%")


def _content() -> rx.Component:
    s = ThreadState
    return rx.vstack(
        rx.link(rx.hstack(rx.icon("arrow_left", size=16), rx.text(s.matter["reference"])),
                href="/matters/" + s.matter["id"], size="2"),
        rx.heading(t("conversations.title"), size="6"),
        rx.text(s.matter["title"], color_scheme="gray"),
        rx.cond(s.may_assign, _staff_bar()),
        error_callout(s.error), notice_callout(s.notice),
        rx.cond(s.link.contains("url"), rx.callout(rx.hstack(
            rx.text(s.link["name"], ": ", t("review.links_valid")),
            file_link(t("review.download"), s.link["url"], download=True, id="attachment-download"), wrap="wrap", spacing="3"),
            icon="link", width="100%")),
        rx.cond(s.messages.length() > 0,
                rx.vstack(rx.foreach(s.messages, _bubble), width="100%", spacing="2", id="messages"),
                empty(t("conversations.none"))),
        rx.cond(s.may_write, _writer()),
        spacing="3", width="100%", max_width="720px", margin="0 auto",
    )


def thread_page() -> rx.Component:
    return shell(gated(ThreadState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(thread_page, route="/matters/[matter_id]/messages", title=t("conversations.title"),
                 on_load=ThreadState.load)


