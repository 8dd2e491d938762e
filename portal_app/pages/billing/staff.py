"""Staff billing home: every invoice staff may see (filter by status), the daily payments CSV, and
the ways to the ledgers, settings and webhooks."""
from __future__ import annotations

from datetime import date

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import SELECT_STYLE, data_table, error_callout, gated, reference_cell, their_text
from portal_app.pages.billing.common import STATUSES, invoice_dict, sandbox_banner, status_badge
from portal_app.services.billing.invoices import views as invoice_views
from portal_app.services.billing.payments import export as payment_export
from portal_app.services.kernel import localtime, policy
from portal_app.services.kernel.settings import get_settings
from portal_app.services.matters import records as matters
from portal_app.state import PageState, run


class BillingHomeState(PageState, rx.State):
    status: str = ""
    rows: list[dict[str, str]] = []
    sandbox: bool = False
    is_admin: bool = False
    export_day: str = ""
    may_invoice: bool = False
    matters: list[dict[str, str]] = []

    async def _fill(self, actor) -> None:
        views = await run(invoice_views.staff_list, actor, self.status)
        self.rows = [invoice_dict(v) for v in views]
        self.export_day = self.export_day or localtime.today_for(actor).isoformat()
        self.is_admin = policy.role_allows(actor.role, "webhook.manage")
        self.may_invoice = policy.role_allows(actor.role, "invoice.edit")
        if self.may_invoice:
            found = await run(matters.staff_dashboard, actor, "")
            self.matters = [{"id": m.id, "label": f"{m.reference} · {m.client_name} · {m.title}"} for m in found]
        self.sandbox = get_settings().payments.is_sandbox

    @rx.event
    async def load(self):
        self.error, self.export_day = "", ""
        return await self._load_page(self._fill)

    @rx.event
    async def set_status(self, value: str):
        self.status = value if value in STATUSES else ""
        return await self._load_page(self._fill)

    @rx.event
    def new_invoice(self, form: dict):
        """To the new-invoice page of the matter chosen (that page checks the matter again)."""
        chosen = str(form.get("matter_id", ""))
        if chosen not in {m["id"] for m in self.matters}:
            self.error = t("billing.choose_matter")
            return None
        return rx.redirect(f"/billing/new/{chosen}")

    @rx.event
    def set_export_day(self, value: str):
        self.export_day = str(value)[:10]

    @rx.event
    async def export(self):
        return await self._act(self._export)

    async def _export(self, actor):
        try:
            day = date.fromisoformat(self.export_day)
        except ValueError:
            self.error = t("billing.day_invalid")
            return None
        name, text = await run(payment_export.export_day, actor, day)
        return rx.download(data=text, filename=name)


def _row(r) -> rx.Component:
    return rx.table.row(
        reference_cell(r["number"], "/billing/invoices/" + r["id"]),
        reference_cell(r["matter"], "/matters/" + r["matter_id"]), rx.table.cell(their_text(r["client"])),
        rx.table.cell(r["kind"]), rx.table.cell(status_badge(r)), rx.table.cell(r["total"]), rx.table.cell(r["owed"]),
        class_name="billing-row")


def _links() -> rx.Component:
    s = BillingHomeState
    return rx.hstack(
        rx.link(rx.button(t("billing.ledger"), variant="outline", type="button"), href="/billing/trust"),
        rx.link(rx.button(t("billing.settings_title"), variant="outline", type="button"), href="/billing/settings"),
        rx.cond(s.is_admin, rx.link(rx.button(t("billing.webhooks_title"), variant="outline", type="button"),
                                    href="/billing/webhooks")),
        wrap="wrap", spacing="2")


def _new_invoice() -> rx.Component:
    s = BillingHomeState
    return rx.cond(s.may_invoice, rx.form(rx.hstack(
        rx.el.select(rx.el.option(t("billing.choose_matter"), value=""),
                     rx.foreach(s.matters, lambda m: rx.el.option(m["label"], value=m["id"])),
                     name="matter_id", style=SELECT_STYLE, aria_label=t("billing.invoice_for_matter"),
                     id="new-invoice-matter", max_width="100%"),
        rx.button(rx.icon("plus", size=14), t("billing.new_invoice"), type="submit", id="new-invoice"),
        wrap="wrap", align="center", spacing="2"), on_submit=s.new_invoice))


def _export() -> rx.Component:
    s = BillingHomeState
    return rx.hstack(rx.text(t("billing.export_payments"), size="2"),
                     rx.input(type="date", value=s.export_day, on_change=s.set_export_day, id="export-day",
                              aria_label=t("billing.export_payments")),
                     rx.button(t("billing.download_csv"), type="button", on_click=s.export, variant="soft",
                               id="export-csv"), align="center", wrap="wrap")


def _content() -> rx.Component:
    s = BillingHomeState
    return rx.vstack(
        rx.heading(t("billing.staff_title"), size="7"),
        rx.cond(s.sandbox, sandbox_banner()), _new_invoice(), _links(), error_callout(s.error), _export(),
        rx.el.select(rx.el.option(t("billing.all_statuses"), value=""),
                     *[rx.el.option(t(f"billing.status.{k}"), value=k) for k in STATUSES],
                     value=s.status, on_change=s.set_status, style=SELECT_STYLE, id="status-filter",
                     aria_label=t("billing.col_status")),
        data_table([t(f"billing.col_{k}") for k in ("number", "matter", "client", "kind", "status", "total", "owed")],
                   s.rows, _row, none=t("billing.no_invoices_staff")),
        spacing="4", width="100%")


def billing_home_page() -> rx.Component:
    return shell(gated(BillingHomeState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(billing_home_page, route="/billing", title=t("billing.staff_title"), on_load=BillingHomeState.load)
