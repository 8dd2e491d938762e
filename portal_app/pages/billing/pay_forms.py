"""The sandbox's card, 3-D Secure and bank forms (Stripe's test data only; labelled as a sandbox).
The card number goes from the form straight to the handler and is never kept in page state."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.ui import card


def _label(text: str, for_id: str) -> rx.Component:
    return rx.el.label(text, html_for=for_id, style={"font-size": "14px", "font-weight": "500"})


def _new_card_fields(s) -> rx.Component:
    return rx.vstack(
        _label(t("billing.card_number"), "card-number"),
        rx.input(name="number", id="card-number", input_mode="numeric", auto_complete="cc-number", size="3",
                 width="100%", placeholder="4242 4242 4242 4242"),
        rx.hstack(
            rx.vstack(_label(t("billing.card_expiry"), "card-expiry"),
                      rx.input(name="expiry", id="card-expiry", placeholder="MM/YY", size="3", input_mode="numeric",
                               auto_complete="cc-exp", width="100%"), spacing="1", flex="1"),
            rx.vstack(_label(t("billing.card_cvc"), "card-cvc"),
                      rx.input(name="cvc", id="card-cvc", placeholder="123", size="3", input_mode="numeric",
                               auto_complete="cc-csc", width="100%"), spacing="1", flex="1"),
            width="100%"),
        rx.checkbox(t("billing.save_card"), name="save", value="yes", default_checked=False, id="save-card"),
        rx.text(t("billing.sandbox_cards_list"), size="1", color_scheme="gray", id="test-cards", white_space="pre-line"),
        spacing="2", width="100%", id="new-card")


def _card_choice(s) -> rx.Component:
    """One choice visible at a time: a saved card, or a new card whose fields then appear."""
    return rx.cond(s.saved_cards.length() > 0, rx.el.fieldset(
        rx.el.legend(t("billing.choose_card"), style={"font-size": "14px", "font-weight": "500"}),
        rx.radio_group.root(rx.vstack(
            rx.foreach(s.saved_cards, lambda c: rx.el.label(rx.radio_group.item(value=c["id"]), c["label"],
                                                           class_name="card-choice",
                                                           style={"display": "flex", "gap": "8px", "align-items": "center"})),
            rx.el.label(rx.radio_group.item(value="new", id="choose-new-card"), t("billing.new_card"),
                        class_name="card-choice", style={"display": "flex", "gap": "8px", "align-items": "center"}),
            spacing="2"), value=s.card_choice, on_change=s.choose_card, name="card_choice", id="card-choice"),
        style={"border": "none", "padding": "0", "margin": "0", "width": "100%"}))


def _card_form(s) -> rx.Component:
    return rx.form(rx.vstack(
        _card_choice(s),
        rx.cond(s.card_choice == "new", _new_card_fields(s)),
        rx.button(t("billing.pay_now"), " ", s.invoice["owed"], type="submit", size="4", width="100%", id="pay-now"),
        spacing="3", width="100%"), on_submit=s.pay_card, reset_on_submit=False, width="100%", id="sandbox-card-form")


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
