"""Trust and ledgers for billing staff: each client's trust and receivable balances, the journal,
card fees operating owes the trust account (and settling them), and the three-way reconciliation."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import card, data_table, error_callout, gated, notice_callout, their_text
from portal_app.pages.billing.common import money_row
from portal_app.services.billing.accounting import reconciliation, trust
from portal_app.services.billing.accounting import report as ledger_report
from portal_app.services.kernel import formats, localtime
from portal_app.state import PageState, run


def _strings(obj) -> dict[str, str]:
    return {k: str(v) for k, v in asdict(obj).items() if not isinstance(v, list)}


class TrustPageState(PageState, rx.State):
    totals: dict[str, str] = {}
    clients: list[dict[str, str]] = []
    clients_note: str = ""  # "Clients shown: 100 of 2,500 ..." when not all are shown
    client_search: str = ""
    journal: list[dict[str, str]] = []
    report: dict[str, str] = {}
    differences: list[str] = []
    client_lines: list[dict[str, str]] = []
    saved: list[dict[str, str]] = []
    form: dict[str, str] = {}

    async def _fill(self, actor) -> None:
        if not self.form:
            today = localtime.today_for(actor)
            self.form = {"start": today.replace(day=1).isoformat(), "end": today.isoformat(), "bank": ""}
        view = await run(ledger_report.overview, actor, client_search=self.client_search)
        self.totals = {"trust_bank": view.trust_bank, "operating_bank": view.operating_bank,
                       "owed": view.owed_to_trust, "owed_cents": str(view.owed_to_trust_cents), "fees": view.fees}
        self._show_clients(actor, view.clients, view.clients_total)
        self.journal = [_strings(j) for j in view.journal]
        self.saved = [_strings(r) for r in await run(reconciliation.saved, actor)]

    @rx.event
    async def load(self):
        self.access, self.error, self.notice, self.report = "checking", "", "", {}
        self.form, self.client_search = {}, ""
        return await self._load_page(self._fill)

    def _show_clients(self, actor, clients: list, total: int) -> None:
        self.clients = [_strings(c) for c in clients]
        self.clients_note = "" if total <= len(clients) else t(
            "billing.clients_shown", shown=formats.number(len(clients), actor.locale),
            total=formats.number(total, actor.locale))

    async def _find_clients(self, actor) -> None:  # the list alone: the books and journal stay as shown
        self._show_clients(actor, *await run(ledger_report.client_balances, actor, self.client_search))

    @rx.event
    async def find_client(self, value: str):
        self.client_search = str(value)[:100]
        return await self._load_page(self._find_clients)

    @rx.event
    async def reconcile(self, form: dict):
        return await self._act(self._reconcile, form)

    async def _reconcile(self, actor, form: dict) -> None:
        self.form = {k: str(form.get(k, ""))[:20] for k in ("start", "end", "bank")}
        try:
            start, end = date.fromisoformat(self.form["start"]), date.fromisoformat(self.form["end"])
        except ValueError:
            self.error = t("billing.day_invalid")
            return
        result = await run(reconciliation.report, actor, start, end, self.form["bank"])
        if form.get("save"):
            await run(reconciliation.save, actor, start, end, self.form["bank"], str(form.get("note", "")))
            self.notice = t("billing.reconciliation_saved")
        self.report = {"bank": _m(result.bank_balance_cents), "journal": _m(result.journal_balance_cents),
                       "ledgers": _m(result.client_ledgers_cents), "owed": _m(result.owed_by_operating_cents),
                       "balanced": "yes" if result.balanced else ""}
        self.differences = list(result.differences)
        self.client_lines = [_strings(c) for c in result.clients]
        await self._fill(actor)

    @rx.event
    async def settle(self, form: dict):
        return await self._act(trust.settle_fees_owed, str(form.get("reference", "")), notice=t("billing.fees_settled"),
                               then=self._fill)


def _m(cents: int) -> str:
    from portal_app.services.kernel.money import format_money

    return format_money(cents)


def _table(rows, columns: list[str], keys: list[str], class_name: str, none: str = "") -> rx.Component:
    return data_table([t(c) for c in columns], rows,
                      lambda r: rx.table.row(*[rx.table.cell(their_text(r[k]) if k == "client" else r[k]) for k in keys],
                                             class_name=class_name), none=none)


def _reconcile_form() -> rx.Component:
    s = TrustPageState
    return card(rx.form(rx.vstack(
        rx.heading(t("billing.reconciliation"), size="4"),
        rx.hstack(rx.input(name="start", type="date", default_value=s.form["start"], aria_label=t("billing.period_start")),
                  rx.input(name="end", type="date", default_value=s.form["end"], aria_label=t("billing.period_end")),
                  rx.input(name="bank", placeholder=t("billing.bank_statement_balance"), id="bank-balance",
                           aria_label=t("billing.bank_statement_balance")),
                  wrap="wrap"),
        rx.input(name="note", placeholder=t("billing.note"), width="100%"),
        rx.hstack(rx.button(t("billing.compare"), type="submit", id="reconcile"),
                  rx.checkbox(t("billing.keep_record"), name="save", value="yes")),
        width="100%"), on_submit=s.reconcile, width="100%"),
        rx.cond(s.report.contains("bank"), rx.vstack(
            money_row(t("billing.bank_statement_balance"), s.report["bank"]),
            money_row(t("billing.trust_journal"), s.report["journal"], id_="recon-journal"),
            money_row(t("billing.client_ledgers"), s.report["ledgers"], id_="recon-ledgers"),
            rx.cond(s.report["balanced"] != "", rx.badge(t("billing.reconciled"), color_scheme="green")),
            rx.foreach(s.differences, lambda d: rx.text("• ", d, size="2", class_name="recon-difference")),
            _table(s.client_lines, ["billing.col_client", "billing.col_trust"], ["client", "balance"], "recon-client"),
            width="100%")))


def _client_search() -> rx.Component:
    s = TrustPageState
    return rx.vstack(
        rx.input(placeholder=t("billing.find_client"), aria_label=t("billing.find_client"), value=s.client_search,
                 on_change=s.find_client.debounce(300), type="search", id="client-search", width="100%", max_width="24em"),
        rx.cond(s.clients_note != "", rx.text(s.clients_note, size="2", color_scheme="gray", id="clients-shown")),
        spacing="1", width="100%")


def _content() -> rx.Component:
    s = TrustPageState
    return rx.vstack(
        rx.heading(t("billing.ledger"), size="7"),
        error_callout(s.error), notice_callout(s.notice),
        card(money_row(t("billing.trust_bank"), s.totals["trust_bank"], id_="trust-bank"),
             money_row(t("billing.operating_bank"), s.totals["operating_bank"]),
             money_row(t("billing.processing_fees"), s.totals["fees"]),
             money_row(t("billing.owed_to_trust"), s.totals["owed"], id_="owed-to-trust"),
             rx.cond(s.totals["owed_cents"] != "0", rx.form(rx.hstack(
                 rx.input(name="reference", placeholder=t("billing.reference")),
                 rx.button(t("billing.settle_fees"), type="submit", variant="soft"), wrap="wrap"),
                 on_submit=s.settle, reset_on_submit=True))),
        rx.heading(t("billing.client_balances"), size="4"),
        _client_search(),
        _table(s.clients, ["billing.col_client", "billing.col_trust", "billing.col_receivable"],
               ["client", "trust", "receivable"], "client-balance"),
        _reconcile_form(),
        rx.heading(t("billing.saved_reconciliations"), size="4"),
        _table(s.saved, ["billing.col_period", "billing.col_bank", "billing.col_journal", "billing.col_ledgers",
                         "billing.col_differences"], ["period", "bank", "journal", "ledgers", "differences"], "saved-recon",
               none=t("billing.no_reconciliations")),
        rx.heading(t("billing.journal"), size="4"),
        _table(s.journal, ["billing.col_date", "billing.col_book", "billing.col_kind", "billing.col_client",
                           "billing.col_entries", "billing.col_by"], ["date", "book", "kind", "client", "legs", "by"],
               "journal-row"),
        spacing="4", width="100%")


def trust_page() -> rx.Component:
    return shell(gated(TrustPageState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(trust_page, route="/billing/trust", title=t("billing.ledger"), on_load=TrustPageState.load)
