"""The sandbox's card, 3-D Secure and bank forms (Stripe's test data only; labelled as a sandbox).
The card number goes from the form straight to the handler and is never kept in page state."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.ui import card


def _card_form(s) -> rx.Component:
    return rx.form(rx.vstack(
        rx.cond(s.saved_cards.length() > 0, rx.vstack(
            rx.text(t("billing.saved_cards"), size="2", weight="medium"),
            rx.el.select(rx.el.option(t("billing.new_card"), value=""),
                         rx.foreach(s.saved_cards, lambda c: rx.el.option(c["label"], value=c["id"])),
                         name="saved_method_id", id="saved-card", default_value=s.saved_cards[0]["id"],
                         style={"padding": "10px", "border-radius": "6px", "width": "100%"}),
            width="100%", spacing="1")),
        rx.el.label(t("billing.card_number"), html_for="card-number", style={"font-size": "14px"}),
        rx.input(name="number", id="card-number", input_mode="numeric", auto_complete="off", size="3", width="100%",
                 placeholder="4242 4242 4242 4242"),
        rx.hstack(
            rx.vstack(rx.el.label(t("billing.card_expiry"), html_for="card-expiry", style={"font-size": "14px"}),
                      rx.input(name="expiry", id="card-expiry", placeholder="MM/YY", size="3", input_mode="numeric",
                               auto_complete="off"), spacing="1", flex="1"),
            rx.vstack(rx.el.label(t("billing.card_cvc"), html_for="card-cvc", style={"font-size": "14px"}),
                      rx.input(name="cvc", id="card-cvc", placeholder="123", size="3", input_mode="numeric",
                               auto_complete="off"), spacing="1", flex="1"),
            width="100%"),
        rx.checkbox(t("billing.save_card"), name="save", value="yes", default_checked=True),
        rx.button(t("billing.pay_now"), " ", s.invoice["owed"], type="submit", size="4", width="100%", id="pay-now"),
        rx.text(t("billing.sandbox_cards_hint"), size="1", color_scheme="gray"),
        spacing="2", width="100%"), on_submit=s.pay_card, reset_on_submit=True, width="100%", id="sandbox-card-form")


def _challenge(s) -> rx.Component:
    return card(
        rx.heading(t("billing.authenticate_title"), size="4"),
        rx.text(t("billing.authenticate_body"), size="2"),
        rx.hstack(rx.button(t("billing.authenticate_ok"), type="button", on_click=s.authenticate(True), id="auth-ok"),
                  rx.button(t("billing.authenticate_fail"), type="button", variant="soft", color_scheme="red",
                            on_click=s.authenticate(False), id="auth-fail"), wrap="wrap"),
        id="sandbox-3ds")


def _bank_form(s) -> rx.Component:
    return rx.form(rx.vstack(
        rx.input(name="routing", placeholder=t("billing.routing"), input_mode="numeric", size="3", width="100%"),
        rx.input(name="account", placeholder=t("billing.account_number"), input_mode="numeric", size="3", width="100%"),
        rx.text(t("billing.bank_hint"), size="1", color_scheme="gray"),
        rx.button(t("billing.pay_by_bank"), type="submit", size="3", width="100%", variant="outline"),
        spacing="2", width="100%"), on_submit=s.pay_bank, reset_on_submit=True, width="100%")


def sandbox_forms(s) -> rx.Component:
    return rx.cond(s.step == "authenticate", _challenge(s), rx.tabs.root(
        rx.tabs.list(rx.tabs.trigger(t("billing.tab_card"), value="card"),
                     rx.tabs.trigger(t("billing.tab_bank"), value="bank")),
        rx.tabs.content(rx.box(_card_form(s), padding_top="12px"), value="card"),
        rx.tabs.content(rx.box(_bank_form(s), padding_top="12px"), value="bank"),
        default_value="card", width="100%"))
