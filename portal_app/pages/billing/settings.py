"""Billing settings: the firm's rules (approval threshold, card payments into trust, partial
payments, terms; administrators) and the fee schedule of government filing fees (billing staff)."""
from __future__ import annotations

from dataclasses import asdict

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import SELECT_STYLE, card, error_callout, gated, notice_callout, sideways
from portal_app.services.billing import config as billing_config
from portal_app.services.kernel import money, policy
from portal_app.services.kernel.errors import PortalError
from portal_app.state import PageState, run


class BillingSettingsState(PageState, rx.State):
    firm: dict[str, str] = {}
    fees: list[dict[str, str]] = []
    may_change_firm: bool = False

    async def _fill(self, actor) -> None:
        firm = await run(billing_config.current)
        self.firm = {k: ("yes" if v is True else "" if v is False else str(v)) for k, v in asdict(firm).items()}
        self.firm["threshold"] = money.decimal_string(firm.approval_threshold_cents)
        self.firm["minimum"] = money.decimal_string(firm.minimum_partial_cents)
        self.fees = [{"code": f.code, "form": f.form, "description": f.description,
                      "amount": money.decimal_string(f.amount_cents), "active": "yes" if f.is_active else ""}
                     for f in await run(billing_config.fee_schedule, True)]

    @rx.event
    async def load(self):
        self.access, self.error, self.notice = "checking", "", ""
        return await self._load_page(self._open)

    async def _open(self, actor) -> None:
        policy.require(actor, "billing.configure")
        self.may_change_firm = policy.role_allows(actor.role, "settings.manage")
        await self._fill(actor)

    async def _save(self, fn, **changes):
        return await self._act(fn, **changes, notice=t("billing.saved"), then=self._fill)

    @rx.event
    async def save_firm(self, form: dict):
        try:
            changes = {"approval_threshold_cents": money.parse(form.get("threshold", ""), allow_zero=True),
                       "minimum_partial_cents": money.parse(form.get("minimum", "")),
                       "default_due_days": str(form.get("due_days") or "0")}
        except PortalError as exc:
            self.error = exc.message()
            return None
        changes.update(card_payments_to_trust=bool(form.get("trust_cards")),
                       partial_payments_allowed=bool(form.get("partial")),
                       retainer_needs_engagement=bool(form.get("needs_engagement")),
                       default_terms=str(form.get("terms", "")), trust_instructions=str(form.get("instructions", "")))
        return await self._save(billing_config.update, **changes)

    @rx.event
    async def save_fee(self, form: dict):
        return await self._save(billing_config.save_fee, code=str(form.get("code", "")), form=str(form.get("form", "")),
                                description=str(form.get("description", "")), amount=str(form.get("amount", "")),
                                is_active=form.get("active", "yes") == "yes")


def _firm_form() -> rx.Component:
    s, f = BillingSettingsState, BillingSettingsState.firm
    return card(rx.form(rx.vstack(
        rx.heading(t("billing.firm_rules"), size="4"),
        rx.hstack(rx.text(t("billing.approval_threshold"), size="2"),
                  rx.input(name="threshold", default_value=f["threshold"], width="140px", id="threshold",
                           aria_label=t("billing.approval_threshold")), align="center"),
        rx.checkbox(t("billing.allow_trust_cards"), name="trust_cards", default_checked=f["card_payments_to_trust"] != ""),
        rx.checkbox(t("billing.allow_partial"), name="partial", default_checked=f["partial_payments_allowed"] != ""),
        rx.checkbox(t("billing.retainer_needs_engagement"), name="needs_engagement", id="needs-engagement",
                    default_checked=f["retainer_needs_engagement"] != ""),
        rx.hstack(rx.text(t("billing.minimum_partial"), size="2"),
                  rx.input(name="minimum", default_value=f["minimum"], width="120px", aria_label=t("billing.minimum_partial")),
                  rx.text(t("billing.due_days"), size="2"),
                  rx.input(name="due_days", default_value=f["default_due_days"], width="80px", aria_label=t("billing.due_days")), align="center", wrap="wrap"),
        rx.text_area(name="terms", default_value=f["default_terms"], placeholder=t("billing.default_terms"), width="100%"),
        rx.text_area(name="instructions", default_value=f["trust_instructions"],
                     placeholder=t("billing.trust_instructions"), width="100%"),
        rx.button(t("billing.save"), type="submit", id="save-firm"), width="100%"),
        on_submit=s.save_firm, width="100%", key=f["threshold"]))


def _fee_row(fee) -> rx.Component:
    return rx.table.row(rx.table.cell(fee["code"]), rx.table.cell(fee["form"]), rx.table.cell(fee["description"]),
                        rx.table.cell(fee["amount"]), rx.table.cell(rx.cond(fee["active"] != "", "✓", "")),
                        class_name="fee-row")


def _fee_form() -> rx.Component:
    return rx.form(rx.hstack(
        rx.input(name="code", placeholder=t("billing.fee_code"), width="120px"),
        rx.input(name="form", placeholder=t("billing.form"), width="90px"),
        rx.input(name="description", placeholder=t("billing.description"), flex="1"),
        rx.input(name="amount", placeholder=t("billing.amount"), width="110px"),
        rx.el.select(rx.el.option(t("billing.active"), value="yes"), rx.el.option(t("billing.inactive"), value="no"),
                     name="active", style=SELECT_STYLE, aria_label=t("billing.active")),
        rx.button(t("billing.save_fee"), type="submit", variant="soft", id="save-fee"), wrap="wrap", width="100%"),
        on_submit=BillingSettingsState.save_fee, reset_on_submit=True, width="100%")


def _content() -> rx.Component:
    s = BillingSettingsState
    return rx.vstack(
        rx.heading(t("billing.settings_title"), size="7"), error_callout(s.error), notice_callout(s.notice),
        rx.cond(s.may_change_firm, _firm_form()),
        rx.heading(t("billing.fee_schedule"), size="4"),
        rx.text(t("billing.fee_schedule_note"), size="2", color_scheme="gray"),
        _fee_form(),
        sideways(rx.table.root(rx.table.body(rx.foreach(s.fees, _fee_row)), width="100%")),
        spacing="4", width="100%")


def billing_settings_page() -> rx.Component:
    return shell(gated(BillingSettingsState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(billing_settings_page, route="/billing/settings", title=t("billing.settings_title"),
                 on_load=BillingSettingsState.load)
