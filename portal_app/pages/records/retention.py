"""/staff/records, for administrators: retention policies per case type and the firm's default, the
matters the daily job listed (approve or keep), what was deleted with its certificate, and the legal
holds in force."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import card, confirm_button, empty, error_callout, gated, notice_callout
from portal_app.services.kernel import localtime
from portal_app.services.records import certificates, deletion, holds, policies, reviews
from portal_app.state import PageState, run


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


class RetentionState(PageState, rx.State):
    policies: list[dict[str, str]] = []
    waiting: list[dict[str, str]] = []
    done: list[dict[str, str]] = []
    holds: list[dict[str, str]] = []

    async def _fill(self, actor) -> None:
        day = lambda d: localtime.format_date(d, actor.locale) if d else ""  # noqa: E731
        self.policies = [{"scope": p.scope, "name": p.name or t("records.firm_default"),
                          "months": str(p.keep_months or "")} for p in await run(policies.listing, actor)]
        rows = await run(reviews.listing, actor)
        view = [{"id": r.id, "reference": r.reference, "matter_id": r.matter_id, "case_type": r.case_type,
                 "policy": f"{r.policy_scope} · {r.keep_months} " + t("records.months"), "closed": day(r.closed_on),
                 "due": day(r.due_on), "files": str(r.files_due), "size": _mb(r.bytes_due),
                 "held": "yes" if r.held else "", "status": t(f"records.status.{r.status}"),
                 "deleted": day(localtime.local(r.deleted_at, actor.timezone).date()) if r.deleted_at else "",
                 "by": r.decided_by,
                 "certificate": str(r.certificate_seq or "")} for r in rows]
        self.waiting = [v for v, r in zip(view, rows, strict=True) if r.status == "pending"]
        self.done = [v for v, r in zip(view, rows, strict=True) if r.status != "pending"]
        self.holds = [{"reference": h.reference, "matter_id": h.matter_id, "reason": h.reason, "by": h.placed_by,
                       "since": day(localtime.local(h.placed_at, actor.timezone).date())} for h in await run(holds.in_force, actor)]

    @rx.event
    async def load(self):
        self.access, self.error, self.notice = "checking", "", ""
        return await self._load_page(self._fill)

    async def _change(self, fn, *args, notice: str, **fields):
        return await self._act(self._done, fn, *args, key=notice, fields=fields, then=self._fill)

    async def _done(self, actor, fn, *args, key: str, fields: dict) -> None:
        result = await run(fn, actor, *args)
        self.notice = t(key, **{k: getattr(result, v) for k, v in fields.items()})

    @rx.event
    async def save_policy(self, form: dict):
        return await self._change(policies.set_policy, str(form.get("scope", "")), str(form.get("months", "")),
                               notice="records.policy_saved")

    @rx.event
    async def approve(self, review_id: str):
        return await self._change(deletion.approve, review_id, notice="records.deleted_notice", files="files")

    @rx.event
    async def keep(self, review_id: str):
        return await self._change(deletion.cancel, review_id, t("records.kept_by_admin"), notice="records.kept_notice")

    @rx.event
    async def check(self, review_id: str):
        return await self._act(self._check, review_id)

    async def _check(self, actor, review_id: str) -> None:
        result = await run(certificates.verify, actor, review_id)
        if result.ok:
            self.notice = t("records.certificate_ok", files=len(result.certificate.get("files", [])))
        else:
            self.error = t("records.certificate_broken") + " " + "; ".join(result.problems)
        return None


def _policy_row(p) -> rx.Component:
    return rx.form(rx.hstack(
        rx.text(p["name"], min_width="260px", size="2"),
        rx.input(name="months", default_value=p["months"], type="number", min="12", max="1200", width="110px",
                 placeholder=t("records.follows_default"), aria_label=t("records.months")),
        rx.el.input(type="hidden", name="scope", value=p["scope"]),
        rx.button(t("records.save"), type="submit", size="1", variant="soft"),
        align="center", wrap="wrap", class_name="policy-row"), on_submit=RetentionState.save_policy)


def _waiting(r) -> rx.Component:
    return card(
        rx.hstack(rx.link(r["reference"], href="/matters/" + r["matter_id"], weight="bold"),
                  rx.text(r["case_type"], size="2"), rx.spacer(),
                  rx.cond(r["held"] != "", rx.badge(t("records.on_hold"), color_scheme="amber")), wrap="wrap"),
        rx.text(t("records.closed_on"), " ", r["closed"], " · ", t("records.due_on"), " ", r["due"], " · ",
                r["policy"], size="2"),
        rx.text(r["files"], " ", t("records.files"), " · ", r["size"], size="2"),
        rx.hstack(confirm_button(rx.button(t("records.approve"), color_scheme="red", type="button",
                                           class_name="approve-deletion"),
                                 title=t("confirm.approve_deletion_title"), body=t("confirm.approve_deletion_body"),
                                 confirm_label=t("records.approve"), on_confirm=RetentionState.approve(r["id"])),
                  rx.button(t("records.keep"), variant="soft", on_click=RetentionState.keep(r["id"])), wrap="wrap"),
        class_name="retention-waiting")


def _done(r) -> rx.Component:
    return rx.hstack(
        rx.text(r["reference"], weight="medium", size="2"), rx.text(r["status"], size="2"),
        rx.text(r["deleted"], " ", r["by"], size="2", color_scheme="gray"),
        rx.cond(r["certificate"] != "", rx.button(t("records.check_certificate"), size="1", variant="outline",
                                                  on_click=RetentionState.check(r["id"]))),
        wrap="wrap", align="center", class_name="retention-done")


def _content() -> rx.Component:
    s = RetentionState
    return rx.vstack(
        rx.heading(t("records.title"), size="7"),
        rx.text(t("records.intro"), size="2", color_scheme="gray"),
        error_callout(s.error), notice_callout(s.notice),
        rx.heading(t("records.waiting_heading"), size="4"),
        rx.cond(s.waiting.length() > 0, rx.vstack(rx.foreach(s.waiting, _waiting), width="100%"),
                empty(t("records.nothing_waiting"))),
        rx.heading(t("records.policies_heading"), size="4"),
        rx.text(t("records.trust_note"), size="2", color_scheme="gray"),
        card(rx.foreach(s.policies, _policy_row)),
        rx.heading(t("records.holds_heading"), size="4"),
        rx.cond(s.holds.length() > 0, rx.vstack(rx.foreach(s.holds, lambda h: rx.text(
            rx.link(h["reference"], href="/matters/" + h["matter_id"]), " · ", h["reason"], " · ", h["by"], " ",
            h["since"], size="2")), width="100%"), empty(t("records.no_holds"))),
        rx.heading(t("records.done_heading"), size="4"),
        rx.cond(s.done.length() > 0, rx.vstack(rx.foreach(s.done, _done), width="100%"), empty(t("records.none_done"))),
        spacing="4", width="100%")


def retention_page() -> rx.Component:
    return shell(gated(RetentionState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(retention_page, route="/staff/records", title=t("records.title"), on_load=RetentionState.load)
