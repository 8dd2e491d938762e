"""Staff make a draft invoice on a matter: from a template or line by line (filing fees come from
the fee schedule), then review it on the invoice page and send it."""
from __future__ import annotations

from datetime import date

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import SELECT_STYLE, card, client_reads_note, error_callout, gated, notice_callout, sideways
from portal_app.services.billing import config as billing_config
from portal_app.services.billing.invoices import drafts as invoice_drafts
from portal_app.services.billing.invoices import templates as invoice_templates
from portal_app.services.billing.invoices.drafts import DraftInput, LineInput
from portal_app.services.kernel import i18n, localtime, money, text
from portal_app.services.kernel.errors import PortalError
from portal_app.services.messaging import preferences
from portal_app.state import PageState, run

KINDS = ("retainer", "milestone", "expense")
LINE_KINDS = ("legal_fee", "filing_fee", "disbursement")


class InvoiceNewState(PageState, rx.State):
    kind: str = "milestone"
    title: str = ""
    due: str = ""
    lines: list[dict[str, str]] = []
    templates: list[dict[str, str]] = []
    fees: list[dict[str, str]] = []
    line_kind: str = "legal_fee"
    template_id: str = ""
    client_reads: str = ""  # the language the client reads; the title staff type reaches them as typed

    @rx.event
    async def load(self):
        self.access, self.error, self.lines, self.title, self.due = "checking", "", [], "", ""
        return await self._load_page(self._fill)

    async def _fill(self, actor) -> None:
        self.client_reads = i18n.language(await run(preferences.client_language, actor, self._url_segment(1))).name
        self.templates = [{"id": r.id, "name": r.name} for r in await run(invoice_templates.list_templates, actor)]
        self.fees = [{"code": f.code, "label": f"{f.form} · {f.description} · {money.format_money(f.amount_cents)}"}
                     for f in await run(billing_config.fee_schedule)]

    @rx.event
    async def use_template(self, template_id: str):
        if template_id:
            return await self._act(self._use_template, str(template_id))
        return None

    async def _use_template(self, actor, template_id: str) -> None:
        draft = await run(invoice_templates.preview, actor, template_id)
        self.kind, self.title, self.due = draft.kind, draft.title, draft.due_date.isoformat() if draft.due_date else ""
        self.lines, self.template_id = [_line_dict(line) for line in draft.lines], template_id

    @rx.event
    async def bill_monthly(self):
        """Periodic billing: a draft from this template every month from next month on."""
        if not self.template_id:
            return None
        return await self._act(self._schedule_monthly, notice=t("billing.monthly_scheduled"))

    async def _schedule_monthly(self, actor) -> None:
        first = invoice_templates.add_months(localtime.today_for(actor), 1)
        await run(invoice_templates.schedule, actor, self._url_segment(), self.template_id, 1, first)

    @rx.event
    def set_kind(self, value: str):
        self.kind = value if value in KINDS else "milestone"

    @rx.event
    def set_title(self, value: str):
        self.title = str(value)[:200]

    @rx.event
    def set_due(self, value: str):
        self.due = str(value)[:10]

    @rx.event
    def set_line_kind(self, value: str):
        self.line_kind = value if value in LINE_KINDS else "legal_fee"

    @rx.event
    def add_line(self, form: dict):
        self.error = ""
        try:
            cents = 0 if self.line_kind == "filing_fee" else money.parse(form.get("amount", ""))
            quantity = text.whole_number(form.get("quantity") or "1", low=1, high=invoice_drafts.MAX_QUANTITY,
                                         key="billing.line_quantity_invalid", line=len(self.lines) + 1,
                                         max=invoice_drafts.MAX_QUANTITY)
        except PortalError as exc:
            self.error = exc.message()
            return
        self.lines.append(_line_dict(LineInput(
            kind=self.line_kind, description=text.line(form.get("description", ""), 300), unit_amount_cents=cents,
            quantity=quantity, fee_code=str(form.get("fee_code", "")) or None,
            requires_client_approval=bool(form.get("approval")))))

    @rx.event
    def remove_line(self, index: int):
        self.lines = [line for n, line in enumerate(self.lines) if str(n) != str(index)]  # any index: no crash

    @rx.event
    async def save(self):
        return await self._act(self._save)

    async def _save(self, actor):
        try:
            due = date.fromisoformat(self.due) if self.due else None
        except ValueError:
            self.error = t("billing.day_invalid")
            return None
        data = DraftInput(kind=self.kind, title=self.title, due_date=due, lines=[_line_input(x) for x in self.lines])
        invoice_id = await run(invoice_drafts.create, actor, self._url_segment(), data)
        return rx.redirect(f"/billing/invoices/{invoice_id}")


def _line_dict(line: LineInput) -> dict[str, str]:
    return {"kind": line.kind, "kind_label": t(f"billing.line_kind.{line.kind}"),
            "description": line.description or (line.fee_code or ""), "quantity": str(line.quantity),
            "cents": str(line.unit_amount_cents), "fee_code": line.fee_code or "",
            "amount": money.format_money(line.unit_amount_cents * line.quantity) if line.unit_amount_cents else "",
            "approval": "yes" if line.requires_client_approval else ""}


def _line_input(d: dict[str, str]) -> LineInput:
    return LineInput(kind=d["kind"], description="" if d["fee_code"] and d["description"] == d["fee_code"]
                     else d["description"], unit_amount_cents=int(d["cents"] or 0), quantity=int(d["quantity"] or 0),
                     fee_code=d["fee_code"] or None, requires_client_approval=d["approval"] == "yes")


def _line_row(line, index) -> rx.Component:
    return rx.table.row(
        rx.table.cell(line["kind_label"]), rx.table.cell(line["description"]), rx.table.cell(line["quantity"]),
        rx.table.cell(line["amount"]), rx.table.cell(rx.cond(line["approval"] != "", "✓", "")),
        rx.table.cell(rx.button("×", size="1", variant="ghost", type="button",
                                on_click=InvoiceNewState.remove_line(index))), class_name="draft-line")


def _add_line() -> rx.Component:
    s = InvoiceNewState
    return card(rx.form(rx.vstack(
        rx.el.select(*[rx.el.option(t(f"billing.line_kind.{k}"), value=k) for k in LINE_KINDS],
                     value=s.line_kind, on_change=s.set_line_kind, style=SELECT_STYLE, name="line_kind",
                     aria_label=t("billing.line_kind_label")),
        rx.cond(s.line_kind == "filing_fee",
                rx.el.select(rx.foreach(s.fees, lambda f: rx.el.option(f["label"], value=f["code"])), name="fee_code",
                             style=SELECT_STYLE, id="line-fee", aria_label=t("billing.fee_code")),
                rx.hstack(rx.input(name="amount", placeholder=t("billing.unit_amount"), id="line-amount", width="140px"),
                          rx.input(name="description", placeholder=t("billing.description"), id="line-description",
                                   flex="1"), width="100%")),
        rx.hstack(rx.input(name="quantity", default_value="1", width="80px", aria_label=t("billing.quantity")),
                  rx.cond(s.kind == "expense", rx.checkbox(t("billing.needs_client_approval"), name="approval")),
                  rx.button(t("billing.add_line"), type="submit", variant="soft", id="add-line"), align="center"),
        spacing="2", width="100%"), on_submit=s.add_line, reset_on_submit=True, width="100%"))


def _content() -> rx.Component:
    s = InvoiceNewState
    return rx.vstack(
        rx.heading(t("billing.new_invoice"), size="7"),
        client_reads_note(s.client_reads),
        rx.el.select(rx.el.option(t("billing.start_from_template"), value=""),
                     rx.foreach(s.templates, lambda x: rx.el.option(x["name"], value=x["id"])),
                     on_change=s.use_template, style=SELECT_STYLE, id="template",
                     aria_label=t("billing.start_from_template")),
        rx.hstack(rx.el.select(*[rx.el.option(t(f"billing.kind.{k}"), value=k) for k in KINDS], value=s.kind,
                               on_change=s.set_kind, style=SELECT_STYLE, id="invoice-kind",
                               aria_label=t("billing.kind_label")),
                  rx.input(value=s.title, on_change=s.set_title, placeholder=t("billing.title"), id="invoice-title",
                           flex="1"),
                  rx.input(type="date", value=s.due, on_change=s.set_due, id="invoice-due",
                           aria_label=t("billing.due_label")), width="100%", wrap="wrap"),
        error_callout(s.error), notice_callout(s.notice),
        sideways(rx.table.root(rx.table.body(rx.foreach(s.lines, _line_row)), width="100%")),
        _add_line(),
        rx.hstack(rx.button(t("billing.save_draft"), type="button", on_click=s.save, size="3", id="save-draft"),
                  rx.cond(s.template_id != "", rx.button(t("billing.bill_monthly"), type="button", variant="outline",
                                                         on_click=s.bill_monthly, size="3", id="bill-monthly")),
                  wrap="wrap"),
        spacing="4", width="100%")


def invoice_new_page() -> rx.Component:
    return shell(gated(InvoiceNewState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(invoice_new_page, route="/billing/new/[matter_id]", title=t("billing.new_invoice"),
                 on_load=InvoiceNewState.load)
