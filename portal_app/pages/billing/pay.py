"""Paying one invoice: the amount (in full, or part where the firm allows), then Stripe's Payment
Element, or in the sandbox its own card form with Stripe's test cards. The page only shows what the
processor says; the invoice is marked paid by the verified webhook, and the receipt appears then."""
from __future__ import annotations

import asyncio

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.stripe_element import stripe_payment
from portal_app.components.ui import card, error_callout, gated, notice_callout
from portal_app.pages.billing.common import invoice_dict, money_row, sandbox_banner
from portal_app.pages.billing.pay_forms import sandbox_forms
from portal_app.services.billing import config as billing_config
from portal_app.services.billing.invoices import views as invoice_views
from portal_app.services.billing.payments import checkout as payments
from portal_app.services.billing.payments import receipts
from portal_app.services.kernel.errors import PortalError
from portal_app.state import PageState, run

POLL_SECONDS, POLL_TRIES = 1.0, 40


class PayFlow(PageState, rx.State, mixin=True):
    """Paying one invoice: the pay page, and a task link's page, whose limited session sees that one
    invoice only (services/identity/task_links.py)."""

    invoice: dict[str, str] = {}
    processor: str = ""
    step: str = "form"  # form | authenticate | processing | done | closed | no_card
    payment_id: str = ""
    amount_text: str = ""
    partial_allowed: bool = False
    publishable_key: str = ""
    stripe_secret: str = ""
    customer_session_secret: str = ""
    return_url: str = ""
    saved_cards: list[dict[str, str]] = []
    card_choice: str = "new"  # a saved card's id, or "new": only that choice's fields are shown
    trust_instructions: str = ""
    receipt: dict[str, str] = {}
    _client_secret: str = ""

    def _invoice_id(self, actor) -> str:  # noqa: ARG002 - a task link's page takes it from the actor
        return self._url_segment()

    async def _checkout(self, actor, amount: str | None) -> None:
        try:
            checkout = await run(payments.start, actor, self._invoice_id(actor), amount)
        except PortalError as exc:
            if exc.code == "billing.trust_cards_off":
                self.step, self.trust_instructions = "no_card", (await run(billing_config.current)).trust_instructions
            self.error = "" if exc.code == "billing.trust_cards_off" else exc.message(actor.locale)
            return
        self.processor, self.payment_id, self._client_secret = checkout.processor, checkout.payment_id, checkout.client_secret
        self.stripe_secret = checkout.client_secret if checkout.processor == "stripe" else ""
        self.publishable_key, self.customer_session_secret = checkout.publishable_key, checkout.customer_session_secret
        self.return_url, self.saved_cards = checkout.return_url, checkout.saved_cards
        known = {c["id"] for c in checkout.saved_cards}
        if self.card_choice not in known:
            self.card_choice = checkout.saved_cards[0]["id"] if checkout.saved_cards else "new"
        self.amount_text = f"{checkout.amount_cents // 100}.{checkout.amount_cents % 100:02d}"

    @rx.event
    async def load(self):
        self.access, self.error, self.step, self.receipt, self.stripe_secret = "checking", "", "form", {}, ""
        return await self._load_page(self._fill)

    async def _fill(self, actor):
        view = await run(invoice_views.detail, actor, self._invoice_id(actor))
        self.invoice, self.partial_allowed = invoice_dict(view), view.allow_partial
        returned = self.router.url.query_parameters.get("payment", "")
        if returned:  # back from a bank page or 3-D Secure: show where it stands
            self.payment_id = str(returned)[:40]
            return type(self).wait_for_posting
        if self.invoice["payable"] == "":
            self.step = "closed"
            return None
        await self._checkout(actor, None)
        return None

    @rx.event
    def set_amount_text(self, value: str):
        self.amount_text = str(value)[:20]

    @rx.event
    async def change_amount(self):
        return await self._act(self._checkout, self.amount_text)

    async def _sandbox(self, fn, *args, **kwargs):
        return await self._act(self._in_sandbox, fn, *args, **kwargs)

    async def _in_sandbox(self, actor, fn, *args, **kwargs):
        state = await run(fn, actor, self.payment_id, self._client_secret, *args, **kwargs)
        return self._after(state.processor_status, state.message)

    def _after(self, status: str, message: str):
        if status == "requires_action":
            self.step = "authenticate"
        elif status in ("succeeded", "processing"):
            self.step = "processing"
            return type(self).wait_for_posting
        else:
            self.step, self.error = "form", message or t("billing.payment_not_completed")
        return None

    @rx.event
    def choose_card(self, choice: str):
        self.card_choice = str(choice)[:40]

    @rx.event
    async def pay_card(self, form: dict):
        """The card the client sees chosen is the one charged: the saved one, or the one typed."""
        if self.card_choice == "new":
            card = {k: str(form.get(k, ""))[:40] for k in ("number", "expiry", "cvc", "save")}
        else:
            card = {"saved_method_id": self.card_choice}
        then = await self._sandbox(payments.pay_in_sandbox, **card)
        if self.step == "form" and self.error and self.card_choice == "new":  # declined: retype the number only
            return [rx.set_value("card-number", ""), rx.set_focus("card-number")]
        return then

    @rx.event
    async def authenticate(self, approve: bool):
        return await self._sandbox(payments.authenticate_in_sandbox, bool(approve))

    @rx.event
    async def pay_bank(self, form: dict):
        return await self._sandbox(payments.bank_in_sandbox, str(form.get("routing", ""))[:20],
                                   str(form.get("account", ""))[:20])

    @rx.event
    def stripe_result(self, result: dict):
        if result.get("error"):
            self.error = str(result["error"])[:300]
            return None
        return self._after(str(result.get("status", "")), "")

    @rx.event(background=True)
    async def wait_for_posting(self):
        """Show the receipt once the verified event has posted the payment (the webhook, not the page)."""
        async with self:
            actor = await self._signed_in_actor()
            payment_id = self.payment_id
        for _ in range(POLL_TRIES):
            try:
                state = await run(payments.check, actor, payment_id)
            except PortalError:
                return
            settled = state.processor_status in ("processing", "requires_payment_method", "canceled")
            if state.posted or state.status == "failed" or settled:
                async with self:
                    await self._show(actor, state)
                return
            await asyncio.sleep(POLL_SECONDS)

    async def _show(self, actor, state) -> None:
        if state.posted:
            view = await run(invoice_views.detail, actor, self._invoice_id(actor))
            self.invoice = invoice_dict(view)  # the summary above the receipt says what is owed now
            receipt = await run(receipts.view, actor, self.payment_id)
            self.receipt = {"id": receipt.payment_id, "amount": receipt.amount, "owed": receipt.still_owed,
                            "trust": receipt.trust_balance if receipt.to_trust else "", "when": receipt.received_at}
            self.step = "done"
        elif state.processor_status == "processing":
            self.step = "processing"
        else:
            self.step, self.error = "form", state.message or t("billing.payment_not_completed")


class PayState(PayFlow, rx.State):
    pass


def _summary(s) -> rx.Component:
    inv = s.invoice
    return card(
        rx.hstack(rx.text(inv["number"], weight="bold"), rx.spacer(), rx.text(inv["matter"], size="1"), width="100%"),
        rx.text(inv["title"]),
        money_row(t("billing.total"), inv["total"]), money_row(t("billing.paid"), inv["paid"]),
        money_row(t("billing.owed"), inv["owed"], strong=True, id_="pay-owed"),
        rx.cond(inv["to_trust"] != "", rx.text(t("billing.retainer_note"), size="1", color_scheme="gray")))


def _amount(s) -> rx.Component:
    return rx.cond(s.partial_allowed & (s.step == "form"), rx.hstack(
        rx.input(value=s.amount_text, on_change=s.set_amount_text, id="pay-amount", input_mode="decimal",
                 aria_label=t("billing.amount_to_pay"), size="3", width="140px"),
        rx.button(t("billing.change_amount"), type="button", variant="soft", on_click=s.change_amount, size="3"),
        align="center", wrap="wrap"))


def _result(s) -> rx.Component:
    return rx.match(
        s.step,
        ("done", card(rx.heading(t("billing.payment_received"), size="5", id="payment-received"),
                      money_row(t("billing.amount"), s.receipt["amount"], strong=True),
                      money_row(t("billing.still_owed"), s.receipt["owed"]),
                      rx.cond(s.receipt["trust"] != "", money_row(t("billing.trust_held"), s.receipt["trust"])),
                      rx.link(t("billing.see_receipt"), href="/receipts/" + s.receipt["id"], id="see-receipt"))),
        ("processing", notice_callout(t("billing.payment_processing"))),
        ("closed", notice_callout(t("billing.nothing_to_pay"))),
        ("no_card", card(rx.text(t("billing.trust_by_transfer")), rx.text(s.trust_instructions, white_space="pre-wrap"))),
        rx.fragment())


def _form(s) -> rx.Component:
    return rx.cond((s.step == "form") | (s.step == "authenticate"), rx.cond(
        s.processor == "stripe",
        stripe_payment(publishable_key=s.publishable_key, client_secret=s.stripe_secret,
                       customer_session_client_secret=s.customer_session_secret, return_url=s.return_url,
                       submit_label=t("billing.pay_now"), busy_label=t("billing.paying"), on_result=s.stripe_result),
        rx.cond(s.processor == "sandbox", sandbox_forms(s))))


def pay_parts(s) -> list[rx.Component]:
    """The invoice, the amount, the processor's form, what came of it; `s` is the page's state."""
    return [rx.cond(s.processor == "sandbox", sandbox_banner()),
            _summary(s), _amount(s), _form(s), error_callout(s.error), _result(s)]


def _content() -> rx.Component:
    return rx.vstack(
        rx.heading(t("billing.pay_title"), size="6"),
        *pay_parts(PayState),
        rx.link(t("billing.back_home"), href="/client", size="2"),
        spacing="4", width="100%")


def pay_page() -> rx.Component:
    return shell(gated(PayState.access, _content()), narrow=True)


def register(app: rx.App) -> None:
    app.add_page(pay_page, route="/pay/[invoice_id]", title=t("billing.pay_title"), on_load=PayState.load)
