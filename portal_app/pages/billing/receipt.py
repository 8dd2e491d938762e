"""A payment's receipt in the portal, with its PDF (kept encrypted with the matter's documents)."""
from __future__ import annotations

from dataclasses import asdict

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import card, gated
from portal_app.pages.billing.common import PdfPage, money_row
from portal_app.services.billing.payments import receipts
from portal_app.state import run


class ReceiptState(PdfPage, rx.State):
    receipt: dict[str, str] = {}

    @rx.event
    async def load(self):
        self.access, self.receipt = "checking", {}
        return await self._load_page(self._fill)

    async def _fill(self, actor) -> None:
        view = await run(receipts.view, actor, self._url_segment())
        self.receipt = {k: ("yes" if v is True else "" if v is False else str(v)) for k, v in asdict(view).items()}
        self.receipt["method_label"] = t(f"billing.method.{view.method}")

    @rx.event
    async def download(self):
        return await self._open_pdf(self.receipt.get("pdf_version_id", ""))


def _content() -> rx.Component:
    r = ReceiptState.receipt
    return rx.vstack(
        rx.heading(t("billing.receipt_title"), " ", r["number"], size="6", id="receipt-title"),
        card(
            rx.text(r["firm_name"], weight="bold"),
            money_row(t("billing.amount"), r["amount"], strong=True, id_="receipt-amount"),
            money_row(t("billing.received_from"), r["client_name"]),
            money_row(t("billing.date"), r["received_at"]),
            money_row(t("billing.invoice"), r["invoice_number"]),
            money_row(t("billing.method"), r["method_label"]),
            money_row(t("billing.matter"), r["matter"]),
            money_row(t("billing.still_owed"), r["still_owed"]),
            rx.cond(r["to_trust"] != "", rx.vstack(
                money_row(t("billing.trust_held"), r["trust_balance"], id_="receipt-trust"),
                rx.text(t("billing.trust_explained"), size="1", color_scheme="gray"), width="100%")),
            rx.text(t("billing.reference"), ": ", r["reference"], size="1", color_scheme="gray"),
        ),
        rx.hstack(
            rx.button(t("billing.download_pdf"), type="button", on_click=ReceiptState.download, variant="outline",
                      id="receipt-pdf"),
            rx.link(t("billing.back_home"), href="/", size="2"), align="center", spacing="4"),
        spacing="4", width="100%")


def receipt_page() -> rx.Component:
    return shell(gated(ReceiptState.access, _content()), narrow=True)


def register(app: rx.App) -> None:
    app.add_page(receipt_page, route="/receipts/[payment_id]", title=t("billing.receipt_title"),
                 on_load=ReceiptState.load)
