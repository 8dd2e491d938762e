"""The fields of one checklist item, the same in the template editor (an item of a case type) and on
a matter's review page (an item of that matter only): what the form shows, and what it sends."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.ui import SELECT_STYLE

FILE_TYPES = [("pdf", "PDF"), ("jpeg", "JPEG"), ("png", "PNG"), ("heic", "HEIC")]
PROVIDERS = ("beneficiary", "petitioner", "employer")
BLANK = {"key": "", "title": "", "why": "", "example": "", "types": "pdf", "max_mb": "10", "naming": "",
         "provided_by": "beneficiary", "expires": "", "wet_ink": ""}


def item_inputs(item=None) -> list[rx.Component]:
    """The inputs, filled from `item` (the row being edited, a dict Var) or, for a new item, blank."""
    value = (lambda key: item[key]) if item is not None else BLANK.get
    typed = (lambda key: item["types"].contains(key)) if item is not None else (lambda key: key in BLANK["types"])
    return [
        rx.input(name="title", default_value=value("title"), placeholder=t("templates.field_title"), width="100%",
                 required=True),
        rx.text_area(name="why", default_value=value("why"), placeholder=t("templates.field_why"), width="100%"),
        rx.text_area(name="example", default_value=value("example"), placeholder=t("templates.field_example"),
                     width="100%"),
        rx.input(name="naming", default_value=value("naming"), placeholder=t("templates.field_naming"), width="100%"),
        rx.hstack(*[rx.checkbox(label, name=f"type_{key}", default_checked=typed(key)) for key, label in FILE_TYPES],
                  rx.input(name="max_mb", type="number", default_value=value("max_mb"), width="80px",
                           aria_label=t("templates.col_size")),
                  rx.text("MB", size="2"),
                  rx.checkbox(t("templates.field_expires"), name="expires",
                              default_checked=(item["expires"] != "") if item is not None else False),
                  rx.checkbox(t("checklist.wet_ink"), name="wet_ink",
                              default_checked=(item["wet_ink"] == "yes") if item is not None else False),
                  wrap="wrap", align="center"),
        rx.el.select(*[rx.el.option(t(f"checklist.provider.{p}"), value=p) for p in PROVIDERS], name="provided_by",
                     default_value=value("provided_by"), style=SELECT_STYLE, aria_label=t("templates.col_provided_by")),
    ]


def item_fields(form: dict) -> dict:
    """What the form sent, as the services take an item."""
    return {"title": form.get("title", ""), "why": form.get("why", ""), "example": form.get("example", ""),
            "accepted_types": [k for k, _ in FILE_TYPES if form.get(f"type_{k}")],
            "max_mb": form.get("max_mb", "10"), "naming_convention": form.get("naming", ""),
            "provided_by": form.get("provided_by", "beneficiary"), "expires": bool(form.get("expires")),
            "signing": "wet_ink" if form.get("wet_ink") else ""}
