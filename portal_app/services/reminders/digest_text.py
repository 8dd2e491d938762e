"""The list inside a digest: one block per matter, one line per item, in the reader's language."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import lru_cache

from models import ReminderItem
from portal_app.services.kernel.i18n import t
from portal_app.services.kernel.localtime import format_date, format_money
from portal_app.services.matters.deadlines import label

MAX_TITLES = 5


def _document(item: ReminderItem, locale: str, today: date) -> str:
    since = date.fromisoformat(item.params["since"])
    key = "digest.document_rejected" if item.params.get("rejected") else "digest.document_missing"
    return t(key, locale, title=item.params["title"], date=format_date(since, locale), days=(today - since).days)


def _invoice(item: ReminderItem, locale: str, today: date) -> str:
    due = date.fromisoformat(item.params["due"])
    amount = format_money(item.params["amount_cents"], item.params.get("currency", "USD"), locale)
    late = (today - due).days
    key = "digest.invoice_overdue" if late > 0 else ("digest.invoice_due_today" if late == 0 else "digest.invoice_due")
    if item.kind == "invoice_overdue_staff":
        key = "digest.invoice_overdue_staff"
    return t(key, locale, number=item.params["number"], amount=amount, date=format_date(due, locale), days=late)


def _deadline(item: ReminderItem, locale: str, today: date) -> str:
    due = date.fromisoformat(item.params["due"])
    left = (due - today).days
    key = "digest.deadline_today" if left <= 0 else ("digest.deadline_tomorrow" if left == 1 else "digest.deadline")
    title = label(item.params.get("kind", ""), item.params["title"], locale)
    return t(key, locale, title=title, date=format_date(due, locale), days=left)


def _onboarding(item: ReminderItem, locale: str, today: date) -> str:
    if item.kind == "onboarding_nudge":
        due = date.fromisoformat(item.params["due"])
        title = label(item.params.get("kind", ""), item.params["title"], locale)
        return t("digest.onboarding_nudge", locale, title=title, date=format_date(due, locale),
                 days=(due - today).days, link=item.params["link"])
    return t(f"digest.{item.kind}", locale, link=item.params["link"])


def _overdue_documents(items: list[ReminderItem], locale: str) -> str:
    titles = [i.params["title"] for i in items[:MAX_TITLES]]
    more = len(items) - len(titles)
    listed = ", ".join(titles) + (t("digest.and_more", locale, count=more) if more > 0 else "")
    return t("digest.documents_overdue_staff", locale, count=len(items), titles=listed)


TASK_LINE = {"upload": "digest.task_upload", "pay": "digest.task_pay"}
LINK_SLOT = "\x00"


@lru_cache(maxsize=64)
def _task_line(kind: str, locale: str) -> str:
    """The "upload it here: {link}" sentence once per kind and language (a pass writes thousands)."""
    return t(TASK_LINE[kind], locale, link=LINK_SLOT)


def _line(item: ReminderItem, locale: str, today: date) -> str | None:
    if item.kind == "document_missing":
        return _document(item, locale, today)
    if item.kind.startswith("invoice"):
        return _invoice(item, locale, today)
    if item.kind == "deadline":
        return _deadline(item, locale, today)
    if item.kind.startswith("onboarding_"):  # the getting-started mails (services/onboarding)
        return _onboarding(item, locale, today)
    if item.kind == "message_new":  # a new secure message: never its text, only where to read it
        return t("digest.message_new", locale, link=item.params.get("link", ""))
    return None


def _lines(items: list[ReminderItem], locale: str, today: date, links: dict) -> list[str]:
    lines = []
    for item in items:
        line = _line(item, locale, today)
        if line is not None and item.id in links:  # a one-tap task link under its line (issue 12 item 5)
            kind, url = links[item.id]
            line += "\n  " + _task_line(kind, locale).replace(LINK_SLOT, url)
        if line is not None:
            lines.append(line)
    overdue_docs = [i for i in items if i.kind == "document_overdue_staff"]
    if overdue_docs:
        lines.append(_overdue_documents(overdue_docs, locale))
    return lines


def render_items(items: list[ReminderItem], locale: str, today: date, links: dict | None = None) -> str:
    """The getting-started lines first, then deadlines within each matter, then documents, then
    invoices. `links`: item id -> (task kind, url) of the one-tap task links to put under those items' lines."""
    order = {"onboarding_welcome": -1, "deadline": 0, "document_missing": 1, "document_overdue_staff": 2}
    by_matter: dict[str, list[ReminderItem]] = defaultdict(list)
    for item in sorted(items, key=lambda i: (order.get(i.kind, 3), i.occurs_on, i.params.get("title", ""))):
        by_matter[f"{item.params['reference']} · {item.params['matter_title']}"].append(item)
    blocks = []
    for heading in sorted(by_matter):
        lines = _lines(by_matter[heading], locale, today, links or {})
        blocks.append("\n".join([heading, *(f"- {line}" for line in lines)]))
    return "\n\n".join(blocks)
