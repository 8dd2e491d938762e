"""The translators' side of the catalogs: coverage per language and area, what needs review, the
template (POT) Babel extracts from the code and the content files, and writing PO files.

Keys come from the code (calls of `t` and errors raised with a key) and live in the English PO
files; content texts (checklist items, intake questions, fee lines, invoice templates) come from the
yaml files and are msgids of `content.po` themselves.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from portal_app.services.kernel import i18n
from portal_app.services.kernel.content import CONTENT_DIR, load

PACKAGE = Path(__file__).resolve().parents[2]
KEYWORDS = {"t": (1,), "InvalidInput": (1,), "NotAllowed": (1,), "NotFound": (1,), "Conflict": (1,)}
CONTENT_FIELDS = ("title", "why", "example", "label", "help", "description", "name")


# What a client or an HR contact reads: the keys in these page modules, plus these key families (mail,
# errors, statuses), minus the staff forms that sit on shared pages. A language is offered to clients
# once it has all of these and every content text; staff pages may still show English in it.
CLIENT_FILES = ("pages/billing/pay.py", "pages/billing/pay_forms.py", "pages/billing/receipt.py", "pages/billing/widgets.py",
                "pages/billing/common.py", "pages/documents/client_documents.py", "pages/documents/intake.py",
                "pages/documents/upload_receiver.py", "pages/documents/widgets.py", "pages/documents/checklist_common.py", "pages/matters/client_home.py",
                "pages/matters/detail.py", "pages/identity/login.py", "pages/identity/reset.py",
                "pages/identity/set_password.py", "pages/identity/sessions.py", "pages/identity/entry.py",
                "pages/messaging/mail_settings.py", "pages/support/client.py", "pages/support/common.py",
                "pages/support/signed_out.py", "pages/identity/security.py", "components/layout.py", "components/ui.py",
                "components/deadline_views.py", "portal_app.py",
                "pages/matters/employer_home.py", "pages/matters/roster_view.py",
                "pages/engagement/client.py", "pages/engagement/widgets.py",
                "pages/identity/task_link.py", "pages/identity/task_link_state.py", "pages/documents/task_upload.py",
                "pages/billing/task_pay.py",
                "pages/onboarding/next_steps.py", "pages/onboarding/quick_start.py",
                )
CLIENT_FAMILIES = (
    "mail.", "digest.", "upload.", "intake.", "documents.", "error.", "auth.", "password.", "billing.status.", "billing.kind.",
    "billing.line_kind.", "billing.method.", "billing.payment_status.", "billing.account.", "matter.status.", "role.",
    "setpw.", "login.", "reset.", "invite.link_", "client_home.", "access.", "notfound.", "prefs.", "sessions.", "upcoming.",
    "deadline.kind.", "date.", "footer.", "app.", "billing.card_", "billing.amount_", "billing.partial_",
    "billing.processor_unavailable", "billing.payment_in_progress", "billing.intent_not_payable", "billing.invoice_not_payable",
    "billing.nothing_owed", "billing.trust_cards_off", "billing.sandbox_test_", "billing.bank_details_invalid",
    "billing.expense_already_decided", "document.", "review.reason", "checklist.removed", "uscis.status.", "pdf.",
    "checklist.status.", "review.status.", "checklist.provider.", "checklist.provided_by.", "checklist.added_by_answers",
    "checklist.expir", "conversations.write_to_firm", "conversations.new", "conversations.unread",
    # the thread page as the client sees it (the staff controls on it stay out), support, second step
    "conversations.title", "conversations.none", "conversations.write_label", "conversations.placeholder",
    "conversations.attach", "conversations.uploading", "conversations.remove_file", "conversations.send",
    "conversations.sent", "conversations.mail_note", "conversations.urgent", "conversations.empty",
    "conversations.too_", "conversations.refused_in_browser", "conversations.get_link", "conversations.filed_to",
    "conversations.dashboard_label", "review.download", "review.links_valid", "support.topic.", "support.status.",
    "support.empty", "support.too_long", "support.topic_unknown", "support.email_invalid", "support.too_many",
    "support.get_file", "mfa.", "billing.sandbox.",
    "employer.",
    "engagement.",
    "tasklink.",
    "onboarding.",
    )
STAFF_ONLY = (
    "mail.webhook_failing", "deadlines.", "staff_deadlines.", "nav.insights", "nav.jobs", "nav.people", "nav.records",
    "nav.new_matter", "nav.invite", "nav.tasks", "nav.matters", "nav.billing", "billing.new_invoice", "billing.ledger",
    "billing.nothing_owed_to_trust", "digest.documents_overdue_staff", "digest.invoice_overdue_staff", "document.generated_",
    "mail.retr", "review.open", "review.reason_placeholder", "receipt.", "date.format", "date.months", "lang.",
    "nav.support_requests", "nav.support_settings", "nav.outbox", "engagement.staff_", "onboarding.staff.")
KEY_LITERAL = re.compile(r"""["']([a-z_]+\.[a-z_.]+)["']""")


def scan_client_keys() -> list[str]:
    """The client-facing keys, from the client page modules and the families above."""
    english = i18n.catalog(i18n.DEFAULT_LOCALE)
    used: set[str] = set()
    for name in CLIENT_FILES:
        used |= set(KEY_LITERAL.findall((PACKAGE / name).read_text(encoding="utf-8")))
    return sorted(k for k in english if (k in used or k.startswith(CLIENT_FAMILIES)) and not k.startswith(STAFF_ONLY))


@dataclass(frozen=True)
class Coverage:
    locale: str
    area: str
    done: int
    total: int
    needs_review: int  # translated once, but the English changed since (or marked fuzzy)

    @property
    def percent(self) -> float:
        return 100.0 * self.done / self.total if self.total else 100.0


def _walk(node, out: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in CONTENT_FIELDS and isinstance(value, str) and value.strip():
                out.add(value)
            else:
                _walk(value, out)
    elif isinstance(node, list):
        for value in node:
            _walk(value, out)


def content_texts() -> set[str]:
    """Every text a client may read in the content files (the msgids of content.po)."""
    out: set[str] = set()
    for path in sorted(CONTENT_DIR.glob("*.yaml")):
        _walk(load(path.name), out)
    return out


def coverage(locale: str) -> list[Coverage]:
    rows = []
    for area in i18n.areas(i18n.DEFAULT_LOCALE):
        if area == i18n.CONTENT_AREA:
            continue
        english = i18n.area_catalog(i18n.DEFAULT_LOCALE, area)
        theirs = i18n.area_catalog(locale, area)
        fuzzy = _fuzzy_ids(locale, area)
        # an entry deliberately empty in English (a column with no heading) has nothing to translate
        done = sum(1 for k, text in english.items() if k in theirs or text == "")
        rows.append(Coverage(locale, area, done, len(english),
                             sum(1 for k in english if k in fuzzy)))
    client, keys = i18n.client_keys(), i18n.catalog(locale)
    rows.insert(0, Coverage(locale, "client-facing", sum(1 for k in client if k in keys), len(client), 0))
    texts = content_texts()
    theirs = i18n.area_catalog(locale, i18n.CONTENT_AREA) if locale != i18n.DEFAULT_LOCALE else dict.fromkeys(texts)
    rows.append(Coverage(locale, "content (yaml)", sum(1 for x in texts if x in theirs), len(texts),
                         len(_stale_content(locale, texts))))
    return rows


def _fuzzy_ids(locale: str, area: str) -> set[str]:
    path = i18n.LOCALE_DIR / locale / f"{area}.po"
    if not path.exists():
        return set()
    with path.open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id and m.fuzzy}


def _stale_content(locale: str, texts: set[str]) -> set[str]:
    """Content translated for an English text that is no longer in the files: staff or the firm
    changed the English, so the translation needs review (the English shows meanwhile)."""
    if locale == i18n.DEFAULT_LOCALE:
        return set()
    return set(i18n.area_catalog(locale, i18n.CONTENT_AREA)) - texts


def needs_review(locale: str, current_english: set[str]) -> set[str]:
    """Of the English texts in use (from the templates in the database), those with no translation."""
    theirs = i18n.area_catalog(locale, i18n.CONTENT_AREA)
    return {text for text in current_english if text and text not in theirs}


def extract_template() -> Catalog:
    """The POT: keys Babel finds in the code, plus every content text."""
    pot = Catalog(project="portal", fuzzy=False)
    with warnings.catch_warnings():  # keys built in f-strings (`f"billing.status.{s}"`) are listed by area
        warnings.simplefilter("ignore")
        found = list(extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS))
    for filename, lineno, message, _comments, _ctx in found:
        if isinstance(message, str) and "." in message and " " not in message:
            pot.add(message, locations=[(filename, lineno)])
    for text in sorted(content_texts()):
        pot.add(text, context=None, auto_comments=["content"])
    return pot


def write_area(locale: str, area: str, entries: dict[str, i18n.Entry], english: dict[str, i18n.Entry] | None = None) -> Path:
    """Write (or update) one PO file, keeping what it already holds; the English text goes along
    as an extracted comment, so a translator sees the source next to the key."""
    path = i18n.LOCALE_DIR / locale / f"{area}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    lang = i18n.language(locale)
    if path.exists():
        with path.open("rb") as fh:
            po = read_po(fh, locale=lang.babel)
    else:
        po = Catalog(locale=lang.babel, project="portal", domain=area, fuzzy=False)
    for key, text in entries.items():
        source = (english or {}).get(key)
        comment = [source if isinstance(source, str) else " | ".join(source)] if source and area != i18n.CONTENT_AREA else []
        if isinstance(text, (tuple, list)):
            po.add((key, key), tuple(text), auto_comments=comment)
        else:
            po.add(key, text, auto_comments=comment)
    with path.open("wb") as fh:
        write_po(fh, po, width=0, sort_output=False)
    i18n.clear_caches()
    return path
