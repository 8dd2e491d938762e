"""Matter lists only ever hold permitted rows; role changes are admin-only, audited and end sessions."""
from __future__ import annotations

import secrets

import pytest
from cryptography.fernet import Fernet
from sqlmodel import select

from models import AuditEvent
from portal_app.services.demo import seed as demo
from portal_app.services.identity import auth, passwords, users
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import InvalidInput, NotAllowed
from portal_app.services.matters import records as matters
from tests.world import build_world
from tests.identity_helpers import full_sign_in


@pytest.fixture
def world(portal_db):
    return build_world(password_hash=passwords.hash_password("existing password 1"))


def _refs(actor, search: str = "") -> set[str]:
    return {m.reference for m in matters.list_visible(actor, search)}


def test_each_role_lists_exactly_its_matters(world):
    assert _refs(world.actor("admin")) == {"T-1", "T-2", "T-3"}
    assert _refs(world.actor("attorney")) == {"T-1", "T-3"}
    assert _refs(world.actor("paralegal")) == {"T-1"}
    assert _refs(world.actor("billing")) == {"T-1"}
    assert _refs(world.actor("client")) == {"T-1", "T-3"}
    assert _refs(world.actor("other_client")) == {"T-2"}
    assert _refs(world.actor("hr")) == {"T-1", "T-3"}


def test_search_filters_within_the_permitted_rows(world):
    assert _refs(world.actor("admin"), "other") == {"T-2"}
    assert _refs(world.actor("attorney"), "other") == set()
    assert _refs(world.actor("admin"), "  OWN   matter ") == {"T-1"}
    assert _refs(world.actor("admin"), "%") == set()  # LIKE wildcards are searched as plain text
    assert _refs(world.actor("admin"), "o_n") == set()  # as a wildcard it would match "own"
    assert _refs(world.actor("admin"), "x" * 5000) == set()


def test_staff_dashboard_is_for_staff_only(world):
    assert {m.reference for m in matters.staff_dashboard(world.actor("paralegal"))} == {"T-1"}
    for role in ("client", "hr"):
        with pytest.raises(NotAllowed):
            matters.staff_dashboard(world.actor(role))


def test_matter_detail_respects_scope(world):
    detail = matters.get(world.actor("client"), str(world.matters["own"].id))
    assert detail.summary.reference == "T-1" and detail.team == [] and detail.may_view_invoices
    assert not matters.get(world.actor("hr"), str(world.matters["shared_unpaid"].id)).may_view_invoices
    staff_view = matters.get(world.actor("attorney"), str(world.matters["own"].id))
    assert {role for _name, role in staff_view.team} == {"attorney", "paralegal", "billing"}
    with pytest.raises(NotAllowed):
        matters.get(world.actor("client"), str(world.matters["other"].id))


def test_open_matter_assigns_the_opener_and_audits(world):
    matter_id = matters.open_matter(world.actor("paralegal"), client_id=str(world.clients["client"].id),
                                    case_type_code="N400", title="Naturalization")
    assert matters.get(world.actor("paralegal"), matter_id).summary.case_type == "N-400 naturalization"
    with pytest.raises(InvalidInput, match="matter.case_type_unknown"):
        matters.open_matter(world.actor("paralegal"), client_id=str(world.clients["client"].id),
                            case_type_code="XYZ", title="Bad")
    with pytest.raises(NotAllowed):
        matters.open_matter(world.actor("client"), client_id=str(world.clients["client"].id),
                            case_type_code="N400", title="Mine")


def test_role_change_is_admin_only_audited_and_ends_sessions(world):
    token, _ = auth.exchange(full_sign_in("billing@firm.example", "existing password 1").exchange_token)
    with pytest.raises(NotAllowed):
        users.change_role(world.actor("attorney"), str(world.users["billing"].id), "admin")
    with pytest.raises(InvalidInput):
        users.change_role(world.actor("admin"), str(world.users["billing"].id), "overlord")
    with pytest.raises(InvalidInput):
        users.change_role(world.actor("admin"), str(world.users["admin"].id), "client")
    users.change_role(world.actor("admin"), str(world.users["billing"].id), "paralegal")
    assert auth.resolve(token) is None
    with db.read() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "user.role_changed")).one()
    assert event.details["from"] == "billing" and event.details["to"] == "paralegal"
    assert {u.role for u in users.list_users(world.actor("admin")) if u.email == "billing@firm.example"} == {"paralegal"}


def test_demo_seed_runs_once_and_never_in_production(portal_db, monkeypatch):
    people = demo.seed()
    assert {p.role for p in people} == {"admin", "attorney", "paralegal", "billing", "client", "hr_liaison"}
    assert demo.seed() == []
    maria = auth.resolve(auth.exchange(auth.sign_in("maria@demo.example", demo.DEMO_PASSWORD).exchange_token)[0])
    assert [m.reference for m in matters.list_visible(maria)] == ["MTR-2026-0001"]
    hr = auth.resolve(auth.exchange(auth.sign_in("hr@acme.example", demo.DEMO_PASSWORD).exchange_token)[0])
    assert [m.reference for m in matters.list_visible(hr)] == ["MTR-2026-0002"]
    paralegal = auth.resolve(auth.exchange(full_sign_in("paralegal@demo.example", demo.DEMO_PASSWORD).exchange_token)[0])
    assert {m.reference for m in matters.list_visible(paralegal)} == {"MTR-2026-0001", "MTR-2026-0002"}
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("PORTAL_MASTER_KEYS", Fernet.generate_key().decode())
    monkeypatch.setenv("PORTAL_PAYMENTS", "sandbox")  # production names its payment processor
    monkeypatch.setenv("PORTAL_AUDIT_CHECKPOINT_DIR", "/var/lib/portal-audit")  # and where the audit log is anchored
    from portal_app.services.kernel.settings import reset_settings
    reset_settings()
    with pytest.raises(RuntimeError, match="never"):
        demo.seed()


def test_open_matter_for_a_new_client_or_only_a_visible_one(world):
    from portal_app.services.matters.choices import NewClient, matter_choices

    paralegal = world.actor("paralegal")
    choices = matter_choices(paralegal)
    assert [name for _id, name in choices.clients] == ["Client"] and ("H1B", "H-1B specialty occupation") in choices.case_types
    new_id = matters.open_matter(paralegal, case_type_code="I485", title="Adjustment",
                                 new_client=NewClient("Rosa Díaz", "rosa@example.com", "es"))
    assert matters.get(paralegal, new_id).summary.client_name == "Rosa Díaz"
    with pytest.raises(InvalidInput, match="matter.client_unknown"):
        matters.open_matter(paralegal, case_type_code="I485", title="Sneaky",
                            client_id=str(world.clients["other_client"].id))
    with pytest.raises(InvalidInput, match="matter.client_required"):
        matters.open_matter(paralegal, case_type_code="I485", title="Nobody")
    with pytest.raises(InvalidInput, match="invite.email_invalid"):
        matters.open_matter(paralegal, case_type_code="I485", title="Bad", new_client=NewClient("Rosa", "nope"))
    with pytest.raises(InvalidInput, match="matter.organization_unknown"):
        matters.open_matter(world.actor("other_attorney"), case_type_code="H1B", title="X",
                            client_id=str(world.clients["other_client"].id), organization_id=str(world.org.id))


def test_the_attorney_list_offers_exactly_who_may_be_responsible(world):
    """The new-matter form, the dashboard filter and open_matter agree on who may lead a matter."""
    from portal_app.services.documents import dashboard
    from portal_app.services.matters.choices import matter_choices

    offered = {name for _id, name in matter_choices(world.actor("paralegal")).attorneys}
    assert offered == {"Admin", "Attorney", "Other Attorney"}
    assert {name for _id, name in dashboard.filters(world.actor("paralegal")).attorneys} == offered
    for key in ("admin", "other_attorney"):
        matter_id = matters.open_matter(world.actor("paralegal"), case_type_code="I485", title=f"Led by {key}",
                                        client_id=str(world.clients["client"].id),
                                        responsible_attorney_id=str(world.users[key].id))
        assert matters.get(world.actor("paralegal"), matter_id).summary.attorney_name == world.users[key].full_name
    for key in ("paralegal", "billing", "client", "hr"):
        with pytest.raises(InvalidInput, match="matter.attorney_unknown"):
            matters.open_matter(world.actor("paralegal"), case_type_code="I485", title="Led by nobody",
                                client_id=str(world.clients["client"].id),
                                responsible_attorney_id=str(world.users[key].id))


def test_deactivation_is_admin_only_and_signs_out(world):
    token, _ = auth.exchange(auth.sign_in("client@firm.example", "existing password 1").exchange_token)
    with pytest.raises(NotAllowed):
        users.set_active(world.actor("attorney"), str(world.users["client"].id), False)
    with pytest.raises(InvalidInput):
        users.set_active(world.actor("admin"), str(world.users["admin"].id), False)
    users.set_active(world.actor("admin"), str(world.users["client"].id), False)
    assert auth.resolve(token) is None
    users.set_active(world.actor("admin"), str(world.users["client"].id), True)
    assert auth.sign_in("client@firm.example", "existing password 1")
