"""Each staff page's load (the services its state's load handler calls, as bench/staff_pages.py
measures them) issues the same number of SQL statements over a practice three times larger: no
query per matter, invoice, task or client."""
from __future__ import annotations

from bench import staff_pages
from portal_app.services.billing.accounting import report as ledger_report
from portal_app.services.billing.invoices import views as invoice_views
from portal_app.services.documents import dashboard as checklist_dashboard
from portal_app.services.matters import records as matters
from portal_app.services.tasks import lists as task_list


def _seen(actor) -> dict[str, int]:
    """How much each page shows, to check the larger practice did reach it."""
    return {"staff_home": len(matters.staff_dashboard(actor, "")),
            "checklists": len(checklist_dashboard.rows(actor)),
            "billing": len(invoice_views.staff_list(actor, "")),
            "tasks": len(task_list.list_tasks(actor, "mine")),
            "trust": len(ledger_report.overview(actor).clients)}


def test_every_staff_page_issues_the_same_statements_at_two_sizes(portal_db):
    pages = list(staff_pages.PAGES)
    actor = staff_pages.populate(10, 3)
    small = {page: staff_pages.statements(page, actor) for page in pages}
    small_seen = _seen(actor)
    actor = staff_pages.populate(20, 3, start=10)  # 20 more: 30 matters, 90 requests in all
    large = {page: staff_pages.statements(page, actor) for page in pages}
    large_seen = _seen(actor)
    for page in pages:
        assert large_seen[page] > small_seen[page], (page, small_seen[page], large_seen[page])
    assert large == small, (small, large)
