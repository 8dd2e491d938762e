"""Turning checklist views (plain dataclasses from the services) into the small string rows the
pages show, and the pieces of UI the checklist pages share."""
from __future__ import annotations

import reflex as rx
from babel.units import format_unit
from reflex_base.vars.base import Var

from portal_app.components.i18n import t
from portal_app.services.documents.checklist_views import ChecklistView, ItemView, VersionView
from portal_app.services.kernel import i18n, localtime

STATUS_COLORS = {"requested": "gray", "uploaded": "blue", "accepted": "green", "rejected": "red", "waived": "gray",
                 "pending": "blue"}


def size_label(size: int, locale: str | None = None) -> str:
    """A file's size in the reader's digits and units (CLDR, through Babel): 10.0 MB, 12 kB, 10,0 MB."""
    where = localtime.babel_locale(locale or i18n.READER_LOCALE.get() or i18n.DEFAULT_LOCALE)
    if size >= 1024 * 1024:
        return format_unit(size / (1024 * 1024), "digital-megabyte", "short", format="#,##0.0", locale=where)
    return format_unit(max(1, round(size / 1024)), "digital-kilobyte", "short", locale=where)


def item_row(item: ItemView, locale: str, staff: bool = False) -> dict[str, str]:
    return {
        "id": item.id, "title": item.title, "why": item.why, "example": item.example,
        "accepted": item.accepted_label, "max_size": size_label(item.max_size_bytes, locale),
        "max_bytes": str(item.max_size_bytes), "naming": item.naming_example,
        "provided_by": t(f"checklist.{'provider' if staff else 'provided_by'}.{item.provided_by}", locale),
        "status": item.status, "status_label": t(f"checklist.status.{item.status}", locale),
        "color": STATUS_COLORS.get(item.status, "gray"), "reason": item.rejection_reason,
        "note": t(item.note_key, locale) if item.note_key.startswith("checklist.") else item.note_key,
        "expires": "yes" if item.expires else "", "expiry_date": item.expiry_date.isoformat() if item.expiry_date else "",
        "due": localtime.format_date(item.due_date, locale) if item.due_date else "", "overdue": "yes" if item.overdue else "",
        "open": "yes" if item.status in ("requested", "uploaded", "rejected") else "",
        "files": str(len(item.versions)),
        "count_note": _count_note(item, locale),
        "wet_ink": "yes" if item.signing == "wet_ink" else "", "original_held": "yes" if item.original_held else "",
    }


def wet_ink_steps(item) -> rx.Component:
    """A USCIS form is signed in ink, never online: what the client does, and whether the firm has the paper."""
    return rx.callout(rx.vstack(
        rx.text(t("documents.wet_ink_heading"), weight="bold", size="2"),
        rx.text(t("documents.wet_ink_steps"), size="2", white_space="pre-wrap"),
        rx.cond(item["original_held"] == "yes", rx.text(t("documents.original_held"), size="2", weight="medium",
                                                        class_name="original-held")),
        spacing="1"), icon="pen_line", color_scheme="blue", high_contrast=True, size="1", width="100%",
        class_name="wet-ink-steps")


def _count_note(item: ItemView, locale: str) -> str:
    """"1 of 2 photos received: add one more" on an item that takes more than one file."""
    if item.files_needed < 2:
        return ""
    have = sum(1 for v in item.versions if v.status != "rejected")
    return t("documents.files_count", locale, have=min(have, item.files_needed), need=item.files_needed)


def version_row(item: ItemView, version: VersionView, locale: str, tz: str = "") -> dict[str, str]:
    return {
        "id": version.id, "request_id": item.id, "item": item.title, "number": str(version.number),
        "name": version.stored_name, "original": version.original_name, "size": size_label(version.size_bytes, locale),
        "status": version.status, "status_label": t(f"review.status.{version.status}", locale),
        "color": STATUS_COLORS.get(version.status, "gray"), "note": version.note,
        "uploaded_at": localtime.shown_datetime(version.uploaded_at, tz, locale), "rendition": version.rendition_id,
        "is_image": "yes" if version.content_type.startswith("image/") else "",
    }


def rows_of(view: ChecklistView, locale: str, staff: bool = False,
            tz: str = "") -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    items = [item_row(i, locale, staff) for i in view.items]
    versions = [version_row(i, v, locale, tz) for i in view.items for v in i.versions]
    return items, versions


def bar_width(percent) -> Var:
    """The CSS width of a bar whose value is `percent`, a number or a numeric string Var, held to 0..100.
    (`to_string()` of a string Var is its JSON, `"\"0\"%"`: CSS drops it and the bar was drawn full.)"""
    value = Var.create(percent)
    return Var(_js_expr=f"(Math.max(0, Math.min(100, Number({value}) || 0)) + '%')",
               _var_data=value._get_all_var_data()).to(str)


def bar_value(percent) -> Var:
    value = Var.create(percent)
    return Var(_js_expr=f"Math.max(0, Math.min(100, Number({value}) || 0))", _var_data=value._get_all_var_data()).to(int)


def bar(percent, color: str = "var(--accent-9)", label="") -> rx.Component:
    """A progress bar whose length is its value (0 and 100 included), named for screen readers."""
    return rx.box(rx.box(width=bar_width(percent), height="100%", background=color, border_radius="4px",
                         transition="width 0.3s", class_name="bar-fill"),
                  width="100%", height="8px", background="var(--gray-4)", border_radius="4px", role="progressbar",
                  aria_valuenow=bar_value(percent), aria_valuemin=0, aria_valuemax=100,
                  aria_label=t("documents.progress") if isinstance(label, str) and not label else label,
                  class_name="progress-bar")


def progress_bar(percent, label) -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.text(label, size="2", weight="medium"), rx.spacer(),
                  rx.text(percent.to_string() + "%", size="2", weight="bold", class_name="checklist-percent"),
                  width="100%"),
        bar(percent, label=label),
        width="100%", spacing="1",
    )


def status_badge(row) -> rx.Component:
    return rx.badge(row["status_label"], color_scheme=row["color"], high_contrast=True,  # soft green/blue: < 4.5:1
                    class_name="status-" + row["status"])
