"""The whole matrix: role x action x matter (own / other / led), allow or deny in every cell; the
employer-items-only rule on every document action; and the named predicates, role by role.

Everything expected here is written out by hand from the product rules, for every role including
admin, and never derived from the policy module, so a change to the table that breaks a rule
fails here; and the coverage check compares the policy's actions with this hand-written list, so
an action added to the table without a row here fails too. Each cell is checked twice: the
single-row check (require_matter, require_item) and the list filter (matter_scope, item_scope),
which must agree.
"""
from __future__ import annotations


import pytest
from sqlmodel import select

from models import Document, DocumentRequest, Matter, User
from portal_app.services.kernel import db, policy
from portal_app.services.kernel.errors import NotAllowed, NotFound
from tests.integration.test_role_landing import LANDING
from tests.matrix_world import build_matrix_world

MATTER_ACTIONS = {
    "matter.view", "matter.edit", "matter.assign", "document.view", "document.upload", "document.review",
    "checklist.edit", "intake.view", "intake.fill", "deadline.view", "deadline.edit", "task.view",
    "task.complete", "invoice.view", "invoice.edit", "invoice.approve", "invoice.approve_expense",
    "payment.make", "payment.refund", "payment.record", "trust.transfer", "mail.view", "mail.retry",
}
FIRM_ACTIONS = {
    "staff.dashboard", "matter.create", "client.invite", "template.edit", "ledger.report", "user.manage",
    "audit.view", "webhook.manage", "settings.manage", "jobs.view", "session.manage_own", "billing.configure",
    "trust.reconcile", "mail.firm_wide",
}
LEGAL_ON_MATTER = {
    "matter.view", "matter.edit", "document.view", "document.upload", "document.review", "checklist.edit",
    "intake.view", "intake.fill", "deadline.view", "deadline.edit", "task.view", "mail.view",
    "task.complete", "mail.retry",
}
EXPECTED_OWN: dict[str, set[str]] = {
    "admin": LEGAL_ON_MATTER | {"matter.assign", "invoice.view", "invoice.edit", "invoice.approve", "payment.refund",
                                "payment.record", "trust.transfer"},
    "attorney": LEGAL_ON_MATTER | {"matter.assign", "invoice.view", "invoice.approve"},
    "paralegal": LEGAL_ON_MATTER,
    "billing": {"matter.view", "task.view", "mail.view", "invoice.view", "invoice.edit", "payment.refund",
                "trust.transfer", "payment.record", "task.complete", "mail.retry"},
    "client": {"matter.view", "document.view", "document.upload", "intake.view", "intake.fill", "deadline.view",
               "invoice.view", "payment.make", "invoice.approve_expense"},
    "hr": {"matter.view", "document.view", "document.upload", "deadline.view", "invoice.view", "payment.make",
           "invoice.approve_expense"},
}
EXPECTED_FIRM_WIDE: dict[str, set[str]] = {
    "admin": {"staff.dashboard", "matter.create", "client.invite", "template.edit", "ledger.report", "user.manage",
              "audit.view", "webhook.manage", "settings.manage", "jobs.view", "session.manage_own",
              "billing.configure", "trust.reconcile", "mail.firm_wide"},
    "attorney": {"staff.dashboard", "matter.create", "client.invite", "template.edit", "session.manage_own"},
    "paralegal": {"staff.dashboard", "matter.create", "client.invite", "session.manage_own"},
    "billing": {"staff.dashboard", "ledger.report", "session.manage_own", "billing.configure", "trust.reconcile"},
    "client": {"session.manage_own"},
    "hr": {"session.manage_own"},
}
# --- records and insights (issue 13): written out by hand, kept in one block to ease merging ---
EXPECTED_OWN["admin"] |= {"matter.export", "legal_hold.manage", "cohort.tag"}
EXPECTED_OWN["attorney"] |= {"matter.export", "legal_hold.manage", "cohort.tag"}
EXPECTED_OWN["paralegal"] |= {"matter.export"}
EXPECTED_OWN["client"] |= {"matter.export"}  # a client's right to their own file
EXPECTED_FIRM_WIDE["attorney"] |= {"insights.view"}
EXPECTED_FIRM_WIDE["admin"] |= {"insights.view", "retention.view", "retention.manage", "retention.approve"}
MATTER_ACTIONS |= {"matter.export", "legal_hold.manage", "cohort.tag"}
FIRM_ACTIONS |= {"insights.view", "retention.view", "retention.manage", "retention.approve"}
# billing, hr: no export, no holds, no figures, no retention
# --- end of the issue 13 block ---
# --- issue 11: only an administrator resets someone's second factor (a lost phone) ---
EXPECTED_FIRM_WIDE["admin"] |= {"user.reset_second_factor"}
FIRM_ACTIONS |= {"user.reset_second_factor"}
# --- issue 9 (outbox): only an administrator reads every message and resends ---
EXPECTED_FIRM_WIDE["admin"] |= {"mail.outbox"}
FIRM_ACTIONS |= {"mail.outbox"}
# --- end of the issue 9 outbox block ---
# --- secure messages and support requests (issue 12): written out by hand, one block ---
for _role in ("admin", "attorney", "paralegal"):
    EXPECTED_OWN[_role] |= {"message.read", "message.write", "message.attach", "message.assign"}
EXPECTED_OWN["billing"] |= {"message.read", "message.write"}  # answers questions about paying; no files
EXPECTED_OWN["client"] |= {"message.read", "message.write", "message.attach"}
EXPECTED_OWN["hr"] |= {"message.read", "message.write", "message.attach"}  # only where the matter is shared
for _role in ("admin", "attorney", "paralegal", "billing"):
    EXPECTED_FIRM_WIDE[_role] |= {"support.request", "support.handle"}
for _role in ("client", "hr"):
    EXPECTED_FIRM_WIDE[_role] |= {"support.request"}
MATTER_ACTIONS |= {"message.read", "message.write", "message.attach", "message.assign"}
FIRM_ACTIONS |= {"support.request", "support.handle"}
# --- engagement letters (issue 12): written out by hand, one block ---
# the client reads and signs their fee agreement; every staff role on the matter reads it (billing: the
# retainer waits for it); an employer's HR contact never sees it
for _role in ("admin", "attorney", "paralegal", "billing"):
    EXPECTED_OWN[_role] |= {"engagement.view"}
EXPECTED_OWN["client"] |= {"engagement.view", "engagement.sign"}
MATTER_ACTIONS |= {"engagement.view", "engagement.sign"}
# one-tap task links (issue 12 item 5): the matter's team and the person the link was sent to turn one off
for _role in ("admin", "attorney", "paralegal", "billing", "client", "hr"):
    EXPECTED_OWN[_role] |= {"task_link.revoke"}
MATTER_ACTIONS |= {"task_link.revoke"}
# --- end of the issue 12 block ---
# --- the employer's portal (issue 12, item 3): written out by hand, one block ---
for _role in ("admin", "attorney", "paralegal"):
    EXPECTED_OWN[_role] |= {"matter.share"}  # the legal team shares a matter with its employer
EXPECTED_FIRM_WIDE["hr"] |= {"employer.portal"}  # the employer's home and its roster: HR contacts only
MATTER_ACTIONS |= {"matter.share"}
FIRM_ACTIONS |= {"employer.portal"}
# --- end of the employer's portal block ---
# --- onboarding (issue 12 item 6): the legal team stops a client's getting-started mails; a client ---
# --- stops their own and sees the next steps on home ---
for _role in ("admin", "attorney", "paralegal"):
    EXPECTED_OWN[_role] |= {"onboarding.stop"}
EXPECTED_FIRM_WIDE["client"] |= {"onboarding.stop_own", "onboarding.next_steps"}
MATTER_ACTIONS |= {"onboarding.stop"}
FIRM_ACTIONS |= {"onboarding.stop_own", "onboarding.next_steps"}
# --- end of the onboarding block ---
# "led": a matter of another client whose responsible attorney is "attorney", who is not on its team.
EXPECTED_LED = {"admin": EXPECTED_OWN["admin"], "attorney": EXPECTED_OWN["attorney"]}
# Document actions on the checklist items of the "own" matter: the employee's passport and an item
# the employer provides. The HR contact touches only the employer's item.
ITEM_ACTIONS = {"document.view", "document.upload", "document.review", "checklist.edit"}
EXPECTED_ITEMS: dict[str, dict[str, set[str]]] = {
    "admin": {"employee": ITEM_ACTIONS, "employer": ITEM_ACTIONS},
    "attorney": {"employee": ITEM_ACTIONS, "employer": ITEM_ACTIONS},
    "paralegal": {"employee": ITEM_ACTIONS, "employer": ITEM_ACTIONS},
    "billing": {"employee": set(), "employer": set()},
    "client": {"employee": {"document.view", "document.upload"}, "employer": {"document.view", "document.upload"}},
    "hr": {"employee": set(), "employer": {"document.view", "document.upload"}},
}
# role: (is staff, sees mail on no matter, may be a responsible attorney, employer items only)
EXPECTED_FACTS: dict[str, tuple[bool, bool, bool, bool]] = {
    "admin": (True, True, True, False),
    "attorney": (True, False, True, False),
    "paralegal": (True, False, False, False),
    "billing": (True, False, False, False),
    "client": (False, False, False, False),
    "hr": (False, False, False, True),
}
ROLES = list(EXPECTED_OWN)


@pytest.fixture
def world(portal_db):
    return build_matrix_world()


def _expected(role: str, action: str, which: str) -> bool:
    if which == "other":
        return role == "admin" and action in EXPECTED_OWN["admin"]
    if which == "led":
        return action in EXPECTED_LED.get(role, set())
    return action in EXPECTED_OWN[role]


def _allowed_by_row(world, role, action, matter_id) -> bool:
    with db.read() as s:
        try:
            policy.require_matter(s, world.actor(role), action, matter_id)
            return True
        except (NotAllowed, NotFound):
            return False


def _allowed_by_list(world, role, action, matter_id) -> bool:
    with db.read() as s:
        ids = s.exec(select(Matter.id).where(policy.matter_scope(world.actor(role), action))).all()
        return matter_id in ids


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["own", "other", "led"])
def test_every_matter_action(world, role, which):
    matter_id = world.matters[which].id
    wrong = []
    for action in sorted(MATTER_ACTIONS):
        expected = _expected(role, action, which)
        by_row = _allowed_by_row(world, role, action, matter_id)
        by_list = _allowed_by_list(world, role, action, matter_id)
        if by_row != expected or by_list != expected:
            wrong.append(f"{role} {action} on {which}: expected {expected}, row check {by_row}, list {by_list}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_every_firm_wide_action(world, role):
    actor = world.actor(role)
    for action in sorted(FIRM_ACTIONS):
        expected = action in EXPECTED_FIRM_WIDE[role]
        try:
            policy.require(actor, action)
            allowed = True
        except NotAllowed:
            allowed = False
        assert allowed == expected, f"{role} {action}: expected {expected}"


def _item_allowed(world, role, action, which) -> tuple[bool, bool, bool]:
    """(single-item check, list filter, stored-file rule) for one role, action and item."""
    actor, request = world.actor(role), world.items[which]
    with db.read() as s:
        try:
            policy.require_item(s, actor, action, request.id)
            by_row = True
        except (NotAllowed, NotFound):
            by_row = False
        listed = s.exec(select(DocumentRequest.id).join(Matter, Matter.id == DocumentRequest.matter_id)
                        .where(policy.matter_scope(actor, action), policy.item_scope(actor))).all()
        by_file = (policy.can_on_matter(s, actor, action, request.matter_id)
                   and policy.may_touch_document(s, actor, s.get(Document, world.files[which].id)))
    return by_row, request.id in listed, by_file


@pytest.mark.parametrize("role", ROLES)
def test_every_document_action_obeys_the_employer_items_rule(world, role):
    wrong = []
    for which in ("employee", "employer"):
        for action in sorted(ITEM_ACTIONS):
            expected = action in EXPECTED_ITEMS[role][which]
            by_row, by_list, by_file = _item_allowed(world, role, action, which)
            if (by_row, by_list, by_file) != (expected,) * 3:
                wrong.append(f"{role} {action} on the {which}'s item: expected {expected}, "
                             f"row {by_row}, list {by_list}, file {by_file}")
    assert not wrong, "\n".join(wrong)


def test_generated_files_belong_to_no_item(world):
    """An invoice PDF is governed by invoice.view alone: the item rule neither grants nor refuses it."""
    invoice_pdf = Document(matter_id=world.matters["own"].id, kind="invoice_pdf", display_name="INV-1.pdf")
    with db.read() as s:
        assert all(policy.may_touch_document(s, world.actor(role), invoice_pdf) for role in ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_the_named_predicates(world, role):
    actor = world.actor(role)
    staff, firm_mail, may_lead, employer_only = EXPECTED_FACTS[role]
    assert policy.is_staff(actor) is staff
    assert actor.is_staff is staff
    assert actor.home_path == LANDING[role]
    assert policy.sees_firm_wide_mail(actor) is firm_mail
    assert policy.may_be_responsible_attorney(actor.role) is may_lead
    with db.read() as s:
        def holds(clause) -> bool:
            return world.users[role].id in s.exec(select(User.id).where(clause)).all()

        may_lead_by_query = holds(policy.responsible_attorney_candidates())
        employer_side_by_query = holds(policy.employer_contacts())
        told_of_webhooks = holds(policy.users_allowed("webhook.manage"))
    assert may_lead_by_query is may_lead
    assert employer_side_by_query is employer_only
    assert told_of_webhooks is ("webhook.manage" in EXPECTED_FIRM_WIDE[role])
    assert policy.may_touch_item(actor, None) is not employer_only


def test_nobody_signed_in_is_nobody(world):
    assert not policy.is_staff(None) and not policy.sees_firm_wide_mail(None)
    with db.read() as s, pytest.raises(NotAllowed):
        policy.require_item(s, None, "document.view", world.items["employer"].id)


def test_hr_contact_never_sees_invoices_the_organization_does_not_pay(world):
    unpaid = world.matters["shared_unpaid"].id
    assert _allowed_by_row(world, "hr", "matter.view", unpaid)
    assert not _allowed_by_row(world, "hr", "invoice.view", unpaid)
    assert not _allowed_by_list(world, "hr", "invoice.view", unpaid)
    assert not _allowed_by_row(world, "hr", "payment.make", unpaid)
    assert not _allowed_by_row(world, "hr", "invoice.approve_expense", unpaid)


def test_the_matrix_covers_every_action_in_the_table():
    """The policy's actions are exactly the hand-written ones, split the same way, and every role
    of the policy has a hand-written row."""
    assert set(policy.MATTER_SCOPED) == MATTER_ACTIONS, "matter-scoped actions differ from this file's list"
    assert set(policy.FIRM_WIDE) == FIRM_ACTIONS, "firm-wide actions differ from this file's list"
    assert set(policy.PERMISSIONS) == MATTER_ACTIONS | FIRM_ACTIONS
    assert {"hr" if r == "hr_liaison" else r for r in policy.ROLES} == set(ROLES)
    for role in ROLES:
        assert EXPECTED_OWN[role] <= MATTER_ACTIONS and EXPECTED_FIRM_WIDE[role] <= FIRM_ACTIONS, role
        assert EXPECTED_ITEMS[role]["employer"] <= EXPECTED_OWN[role] & ITEM_ACTIONS, role


def test_ids_from_the_browser_are_rechecked(world):
    """Malformed ids, unknown ids and other people's ids all end in NotAllowed for non-admins."""
    with db.read() as s:
        for bad in ["not-a-uuid", "", "1", "00000000-0000-0000-0000-000000000000", str(world.matters["other"].id)]:
            with pytest.raises(NotAllowed):
                policy.require_matter(s, world.actor("client"), "matter.view", bad)
            with pytest.raises(NotAllowed):
                policy.require_item(s, world.actor("client"), "document.view", bad)
        with pytest.raises(NotFound):
            policy.require_matter(s, world.actor("admin"), "matter.view", "00000000-0000-0000-0000-000000000000")


def test_unknown_action_is_a_programming_error():
    with pytest.raises(KeyError):
        policy.role_allows("admin", "matter.teleport")
    with pytest.raises(KeyError):
        policy.users_allowed("matter.teleport")
