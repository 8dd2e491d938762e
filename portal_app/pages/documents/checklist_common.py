"""Turning checklist views (plain dataclasses from the services) into the small string rows the
pages show, and the pieces of UI the checklist pages share."""
from __future__ import annotations

import reflex as rx
from reflex_base.vars.function import FunctionStringVar

from portal_app.services.documents.checklist_views import ChecklistView, ItemView, VersionView
from portal_app.services.kernel import localtime
from portal_app.services.kernel.i18n import t

STATUS_COLORS = {"requested": "gray", "uploaded": "blue", "accepted": "green", "rejected": "red", "waived": "gray",
                 "pending": "blue"}


def size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def item_row(item: ItemView, locale: str, staff: bool = False) -> dict[str, str]:
    return {
        "id": item.id, "title": item.title, "why": item.why, "example": item.example,
        "accepted": item.accepted_label, "max_size": size_label(item.max_size_bytes),
        "max_bytes": str(item.max_size_bytes), "naming": item.naming_example,
        "provided_by": t(f"checklist.{'provider' if staff else 'provided_by'}.{item.provided_by}", locale),
        "status": item.status, "status_label": t(f"checklist.status.{item.status}", locale),
        "color": STATUS_COLORS.get(item.status, "gray"), "reason": item.rejection_reason,
        "note": t(item.note_key, locale) if item.note_key.startswith("checklist.") else item.note_key,
        "expires": "yes" if item.expires else "", "expiry_date": item.expiry_date.isoformat() if item.expiry_date else "",
        "due": item.due_date.isoformat() if item.due_date else "", "overdue": "yes" if item.overdue else "",
        "open": "yes" if item.status in ("requested", "uploaded", "rejected") else "",
        "files": str(len(item.versions)),
    }


def version_row(item: ItemView, version: VersionView, locale: str, tz: str = "") -> dict[str, str]:
    return {
        "id": version.id, "request_id": item.id, "item": item.title, "number": str(version.number),
        "name": version.stored_name, "original": version.original_name, "size": size_label(version.size_bytes),
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


_AS_TEXT = FunctionStringVar.create("((v) => String(v ?? 0))")


def _number_text(value):
    """A number (or digit string) Var as its digits: not JSON ('"0"'), and 0 stays "0" (Reflex's
    non-JSON to_string turns every falsy value, 0 included, into "")."""
    return _AS_TEXT.call(value).to(str)


def bar(percent, color: str = "var(--accent-9)", label=None) -> rx.Component:
    """A plain progress bar whose length is its value (0 and 100 included); percent is a Var, a number
    or a digit string. Not JSON: JSON.stringify("0") is '"0"', and a width of '"0"%' is no width at all,
    which the browser draws full."""
    shown = _number_text(percent)
    return rx.box(rx.box(width=shown + "%", height="100%", background=color, border_radius="4px",
                         transition="width 0.3s", class_name="bar-fill"),
                  width="100%", height="8px", background="var(--gray-4)", border_radius="4px", role="progressbar",
                  aria_valuenow=shown, aria_valuemin=0, aria_valuemax=100,
                  aria_label=label if label is not None else t("progress.aria"), class_name="progress-bar")


def progress_bar(percent, label) -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.text(label, size="2", weight="medium"), rx.spacer(),
                  rx.text(_number_text(percent) + "%", size="2", weight="bold", class_name="checklist-percent"),
                  width="100%"),
        bar(percent, label=label),
        width="100%", spacing="1",
    )


def status_badge(row) -> rx.Component:
    return rx.badge(row["status_label"], color_scheme=row["color"], class_name="status-" + row["status"])
