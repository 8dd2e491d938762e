"""The employer's portal in the matrix (issue 12, item 3): the deadlines each role sees on a matter,
and the HR contact's view of every matter section by section, through the services the employer's
portal calls. Everything expected is written out by hand from the product rules."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from models import Deadline, DocumentRequest, Matter
from portal_app.services.billing.invoices import views as invoice_views
from portal_app.services.conversations import summaries
from portal_app.services.documents import checklist_views
from portal_app.services.kernel import db, policy
from portal_app.services.kernel.errors import NotAllowed
from portal_app.services.matters import deadlines, roster
from tests.billing_helpers import make_invoice
from tests.matrix_world import build_matrix_world


@pytest.fixture
def world(portal_db):
    return build_matrix_world()


# --- the employer's portal (issue 12, item 3): deadlines role by role, and the HR contact's view of
# every matter section by section, through the services the employer's portal calls (by hand) ---
DEADLINES = {"internal": ("rfe_response", False), "appointment": ("biometrics", True),
             "expiry": ("i94_expiry", True), "filing": ("filing", True)}
EXPECTED_DEADLINES = {
    "admin": set(DEADLINES), "attorney": set(DEADLINES), "paralegal": set(DEADLINES),
    "billing": set(),  # no deadline.view
    "client": {"appointment", "expiry", "filing"},  # what the firm shows outside the firm
    "hr": {"expiry", "filing"},  # of that, what concerns the employer: not the employee's appointments
}
HR_VIEW = {  # matter: the sections of it the HR contact of Acme sees
    "own": {"on the roster", "employer's item", "deadline", "invoice", "messages"},  # shared, Acme pays
    "shared_unpaid": {"on the roster", "employer's item", "deadline", "messages"},  # shared, the employee pays
    "other": set(),  # not shared: nothing at all
}


def _deadlines_on_own(world) -> dict:
    with db.write() as s:
        made = {key: Deadline(matter_id=world.matters["own"].id, kind=kind, title=key, due_date=date(2030, 1, 1),
                              client_visible=shown) for key, (kind, shown) in DEADLINES.items()}
        s.add_all(made.values())
        s.flush()
        return {d.id: key for key, d in made.items()}


@pytest.mark.parametrize("role", list(EXPECTED_DEADLINES))
def test_every_role_sees_the_deadlines_it_should(world, role):
    keys, actor = _deadlines_on_own(world), world.actor(role)
    with db.read() as s:
        listed = s.exec(select(Deadline.id).join(Matter, Matter.id == Deadline.matter_id)
                        .where(policy.matter_scope(actor, "deadline.view"), policy.deadline_scope(actor))).all()
    try:
        shown = {d.title for d in deadlines.for_matter(actor, str(world.matters["own"].id))}
    except NotAllowed:
        shown = set()
    assert {keys[i] for i in listed} == EXPECTED_DEADLINES[role]
    assert shown == EXPECTED_DEADLINES[role]


def _hr_sections(world) -> dict[str, set[str]]:
    hr, seen = world.actor("hr"), {key: set() for key in HR_VIEW}
    by_id = {str(m.id): key for key, m in world.matters.items() if key in HR_VIEW}
    for row in roster.roster(hr).rows:
        seen[by_id[row.matter_id]].add("on the roster")
    for item in checklist_views.every_item(hr):
        seen[by_id[item.matter_id]].add("employer's item" if item.title.startswith("employer") else "employee's item")
    for d in deadlines.upcoming(hr, within_days=10_000):
        seen[by_id[d.matter_id]].add("deadline")
    for invoice in invoice_views.for_client(hr):
        seen[by_id[invoice.matter_id]].add("invoice")
    for thread in summaries.by_matter(hr):
        seen[by_id[thread.matter_id]].add("messages")
    return seen


def test_the_hr_contacts_view_cell_by_cell(world):
    with db.write() as s:
        for key in HR_VIEW:
            for who, provider in (("employer", "employer"), ("employee", "beneficiary")):
                s.add(DocumentRequest(matter_id=world.matters[key].id, key=f"{who}_{key}", title=f"{who} {key}",
                                      provided_by=provider, accepted_types=["pdf"]))
            s.add(Deadline(matter_id=world.matters[key].id, kind="i94_expiry", title="I-94", due_date=date(2030, 1, 1),
                           client_visible=True))
    for key in HR_VIEW:
        make_invoice(world, matter=key, actor="admin")
    seen = _hr_sections(world)
    wrong = [f"{key}: expected {sorted(HR_VIEW[key])}, sees {sorted(seen[key])}" for key in HR_VIEW
             if seen[key] != HR_VIEW[key]]
    assert not wrong, "\n".join(wrong)
