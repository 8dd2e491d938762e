"""Outbound webhooks (administrators): register endpoints, see each secret once, rotate it, switch
endpoints off, read the delivery log and replay a delivery."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import card, confirm_button, data_table, error_callout, gated, notice_callout
from portal_app.services.billing.webhooks import endpoints as webhook_endpoints
from portal_app.services.billing.webhooks.events import EVENT_TYPES
from portal_app.services.kernel import localtime
from portal_app.state import PageState, run


def _shown(value, reader) -> str:
    """A moment in the reader's zone, the zone named; anything else as text; nothing as nothing."""
    if isinstance(value, datetime):
        return localtime.shown_datetime(value, reader.timezone, reader.locale)
    return "" if value is None else str(value)


class WebhooksState(PageState, rx.State):
    endpoints: list[dict[str, str]] = []
    deliveries: list[dict[str, str]] = []
    new_secret: str = ""

    async def _fill(self, actor) -> None:
        self.endpoints = [{**{k: str(v) for k, v in asdict(e).items()}, "types": ", ".join(e.event_types) or "all",
                           "active": "yes" if e.is_active else ""} for e in await run(webhook_endpoints.list_endpoints, actor)]
        self.deliveries = [{k: _shown(v, actor) for k, v in asdict(d).items()}
                           for d in await run(webhook_endpoints.deliveries, actor)]

    @rx.event
    async def load(self):
        self.access, self.error, self.notice, self.new_secret = "checking", "", "", ""
        return await self._load_page(self._fill)

    async def _change(self, fn, *args, notice: str = ""):
        self.new_secret = ""
        return await self._act(fn, *args, notice=notice, then=self._fill)

    @rx.event
    async def register(self, form: dict):
        types = [e for e in EVENT_TYPES if form.get(e)]
        return await self._change(self._register, str(form.get("url", "")), str(form.get("description", "")),
                                  types, bool(form.get("private")))

    async def _register(self, actor, *fields) -> None:
        _, self.new_secret = await run(webhook_endpoints.register, actor, *fields)

    @rx.event
    async def rotate(self, endpoint_id: str):
        return await self._change(self._rotate, str(endpoint_id))

    async def _rotate(self, actor, endpoint_id: str) -> None:
        self.new_secret = await run(webhook_endpoints.rotate_secret, actor, endpoint_id)

    @rx.event
    async def toggle(self, endpoint_id: str, active: bool):
        return await self._change(webhook_endpoints.set_active, str(endpoint_id), bool(active))

    @rx.event
    async def replay(self, delivery_id: str):
        return await self._change(webhook_endpoints.replay, str(delivery_id), notice=t("webhook.replay_queued"))


def _register_form() -> rx.Component:
    return card(rx.form(rx.vstack(
        rx.heading(t("webhook.add_endpoint"), size="4"),
        rx.input(name="url", placeholder="https://accounting.example.com/hooks/portal", width="100%", id="webhook-url"),
        rx.input(name="description", placeholder=t("billing.description"), width="100%"),
        rx.hstack(*[rx.checkbox(e, name=e) for e in EVENT_TYPES], wrap="wrap"),
        rx.text(t("webhook.types_hint"), size="1", color_scheme="gray"),
        rx.checkbox(t("webhook.allow_private"), name="private"),
        rx.button(t("webhook.add"), type="submit", id="webhook-add"), width="100%"),
        on_submit=WebhooksState.register, reset_on_submit=True, width="100%"))


def _endpoint(e) -> rx.Component:
    s = WebhooksState
    return card(
        rx.hstack(rx.text(e["url"], weight="bold", word_break="break-all"), rx.spacer(),
                  rx.badge(rx.cond(e["active"] != "", t("billing.active"), t("billing.inactive"))), width="100%"),
        rx.text(e["description"], " · ", e["types"], size="2"),
        rx.cond(e["disabled_reason"] != "", rx.text(e["disabled_reason"], size="1", color_scheme="red")),
        rx.cond(e["rotating_until"] != "", rx.text(t("webhook.old_secret_until"), " ", e["rotating_until"], size="1")),
        rx.hstack(confirm_button(rx.button(t("webhook.rotate"), size="1", type="button", variant="soft",
                                           class_name="rotate-secret"),
                                 title=t("confirm.rotate_title"), body=t("confirm.rotate_body"),
                                 confirm_label=t("webhook.rotate"), on_confirm=s.rotate(e["id"])),
                  rx.button(rx.cond(e["active"] != "", t("webhook.disable"), t("webhook.enable")), size="1",
                            type="button", variant="outline", on_click=s.toggle(e["id"], e["active"] == ""))),
        class_name="webhook-endpoint")


def _delivery(d) -> rx.Component:
    return rx.table.row(
        rx.table.cell(d["created_at"]), rx.table.cell(d["event_type"]), rx.table.cell(d["endpoint_url"]),
        rx.table.cell(d["status"]), rx.table.cell(d["attempt_count"]), rx.table.cell(d["last_result"]),
        rx.table.cell(d["next_attempt_at"]),
        rx.table.cell(rx.button(t("webhook.replay"), size="1", type="button", variant="soft",
                                on_click=WebhooksState.replay(d["id"]))), class_name="webhook-delivery")


def _content() -> rx.Component:
    s = WebhooksState
    return rx.vstack(
        rx.heading(t("billing.webhooks_title"), size="7"), error_callout(s.error), notice_callout(s.notice),
        rx.cond(s.new_secret != "", rx.callout(rx.vstack(rx.text(t("webhook.secret_once")),
                                                         rx.code(s.new_secret, id="webhook-secret")), icon="key_round",
                                               color_scheme="amber", width="100%")),
        _register_form(), rx.foreach(s.endpoints, _endpoint),
        rx.heading(t("webhook.deliveries"), size="4"),
        data_table([t(f"webhook.col_{k}") for k in ("created", "type", "endpoint", "status", "attempts", "last", "next",
                                                    "replay")], s.deliveries, _delivery, none=t("webhook.no_deliveries")),
        spacing="4", width="100%")


def webhooks_page() -> rx.Component:
    return shell(gated(WebhooksState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(webhooks_page, route="/billing/webhooks", title=t("billing.webhooks_title"), on_load=WebhooksState.load)
