"""Small building blocks shared by pages."""
from __future__ import annotations

import reflex as rx
from reflex_base.utils.imports import ImportVar
from reflex_base.vars.base import Var, VarData

from portal_app.components.i18n import t

SELECT_STYLE = {"padding": "6px", "border-radius": "6px", "border": "1px solid var(--gray-7)"}  # filters, rows
FORM_SELECT_STYLE = {"width": "100%", "padding": "8px", "border-radius": "6px", "border": "1px solid #ccc"}  # a form's own


def field(label: str, name: str, *, type_: str = "text", autocomplete: str = "", required: bool = True,
          hint: str = "", **props) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=name, style={"font-weight": "500", "font-size": "14px"}),
        rx.input(name=name, id=name, type=type_, auto_complete=autocomplete or "off", required=required,
                 size="3", width="100%", **props),
        rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray")),
        spacing="1",
        width="100%",
    )


def error_callout(message) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle_alert", color_scheme="red", role="alert", width="100%", id="form-error",
                   high_contrast=True),  # axe: the default callout text is below 4.5:1 on its tint
    )


def notice_callout(message) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="info", color_scheme="green", role="status", width="100%", id="form-notice",
                   high_contrast=True),
    )


def not_allowed_view() -> rx.Component:
    return rx.vstack(
        rx.heading(t("access.not_allowed_title"), size="6", id="not-allowed"),
        rx.text(t("access.not_allowed_body")),
        rx.link(t("access.go_home"), href="/"),
        spacing="3",
        padding_y="32px",
    )


def loading_view() -> rx.Component:
    return rx.center(rx.spinner(size="3"), padding="48px")


def gated(access, content: rx.Component) -> rx.Component:
    """Show content only once the page's load handler has said the actor may see it."""
    return rx.match(
        access,
        ("ok", content),
        ("denied", not_allowed_view()),
        loading_view(),
    )


def card(*children, **props) -> rx.Component:
    return rx.card(rx.vstack(*children, spacing="2", width="100%"), width="100%", **props)


def empty(text: str) -> rx.Component:
    return rx.text(text, color_scheme="gray", size="2")


def sideways(table: rx.Component) -> rx.Component:
    """A table that scrolls sideways in its own box on a phone instead of squeezing. Its words wrap
    only between words: the page's `overflow-wrap: anywhere` (for long addresses in text) let a
    phone squeeze eight columns into one letter each."""
    return rx.box(table, overflow_x="auto", width="100%", overflow_wrap="normal")


def views(labels: dict[str, str], *, value, on_change, id: str, **props) -> rx.Component:
    """A choice of views (value -> label) as one segmented control. On a phone it keeps to the
    page's width, its labels wrapping inside their segments (assets/views.css): Radix sizes it to
    its widest label times the count, so "Recently done" was cut off at the screen's edge."""
    items = [rx.segmented_control.item(label, value=key) for key, label in labels.items()]
    return rx.segmented_control.root(*items, value=value, on_change=on_change, id=id, size="1",
                                     class_name="views-control", **props)


def client_reads_note(language) -> rx.Component:
    """"The client reads the portal in Spanish": over what staff type for a client. A badge that
    wraps: Radix's keeps to one line, and on a phone this one made the whole page scroll sideways."""
    return rx.badge(t("staff.client_reads", language=language), color_scheme="blue", id="client-reads",
                    white_space="normal", height="auto", text_align="start")


def data_table(headers: list[str], rows, row, *, none: str = "", **props) -> rx.Component:
    """A table of `rows` (a list Var), one `row(item)` each, `sideways` on a phone; with `none`, that
    sentence stands in for a table without rows."""
    table = sideways(rx.table.root(rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
                                   rx.table.body(rx.foreach(rows, row)), width="100%", **props))
    return rx.cond(rows.length() > 0, table, empty(none)) if isinstance(none, rx.Var) or none else table


def reference_cell(text, href) -> rx.Component:
    """A table cell linking a matter or invoice by its reference (MTR-2026-0001), kept on one line."""
    return rx.table.cell(rx.link(text, href=href), white_space="nowrap")


def stacked_form(*children, on_submit, **props) -> rx.Component:
    """A form whose fields and button stand one under the other across the whole width, phones first.
    method="post": should a browser ever send it natively, what was typed never goes into a URL."""
    return rx.form(rx.vstack(*children, spacing="4", width="100%"), on_submit=on_submit, width="100%",
                   method="post", **props)


# True once React runs this page in the browser (false in the prerendered HTML): set by an effect,
# so no round trip to the server is waited for. The same value on both sides at hydration.
PAGE_MOUNTED = Var(_js_expr="portalMounted", _var_data=VarData(
    imports={"react": [ImportVar(tag="useState"), ImportVar(tag="useEffect")]},
    hooks={"const [portalMounted, setPortalMounted] = useState(false);": None,
           "useEffect(() => { setPortalMounted(true); }, []);": None},
)).to(bool)


def submit_button(label: str, *, id: str, loading=False, **props) -> rx.Component:
    """A form's submit button, disabled until the page's scripts have taken the page over: a tap (or
    Enter) before that would send the form natively (a password in `GET /login?password=...`)."""
    return rx.button(label, type="submit", id=id, loading=loading, disabled=~PAGE_MOUNTED, **props)


def their_text(value, **props) -> rx.Component:
    """Text a person typed (a name, a file name, an answer, a reason), drawn isolated from what is
    around it: <bdi> gives it its own direction from its first strong character, so an Arabic or
    Hebrew name, or any direction control that reached the database before the cleaner
    (kernel/text.py) existed, can never reorder the rest of the line."""
    return rx.el.bdi(value, **props)


def file_link(label, href, *, download: bool = False, new_tab: bool = False, **props) -> rx.Component:
    """A link to an /api/ route (a file, an export): a real navigation or download by the browser.
    `rx.link` hands an internal href to the single-page router, which has no page at /api/... and
    shows "Page not found"; as_child=False keeps the plain <a href> (Radix styling, no router)."""
    extra: dict = {"download": ""} if download else {}
    if new_tab:
        extra.update(target="_blank", rel="noopener")
    return rx.link(label, href=href, as_child=False, **extra, **props)


def confirm_button(trigger: rx.Component, *, title, body, confirm_label, on_confirm=None, form_id=None,
                   confirm_id: str = "") -> rx.Component:
    """A destructive action that asks first: `trigger` (a type="button" button) opens a dialog that
    says what will happen; only its red button acts (`on_confirm`, or submitting the form `form_id`)."""
    action_props: dict = ({"type": "submit", "form": form_id} if form_id is not None
                          else {"type": "button", "on_click": on_confirm})
    if confirm_id:
        action_props["id"] = confirm_id
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(body, size="2"),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("confirm.cancel"), variant="soft", color_scheme="gray",
                                                 type="button", class_name="confirm-cancel")),
                rx.alert_dialog.action(rx.button(confirm_label, color_scheme="red", class_name="confirm-action",
                                                 **action_props)),
                spacing="3", justify="end", margin_top="16px"),
            max_width="440px"),
    )
