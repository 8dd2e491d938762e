"""The one page-state prologue (`PageState._load_page` and `_act`), driven in-process on a real
state tree (reflex-0.10 notes §8.3) with a real session cookie, real services and a real database:
signed out, the wrong kind of user, not allowed, not found, another PortalError, and success."""
from __future__ import annotations

import threading
import uuid

import pytest
import reflex as rx
from reflex.istate.data import HeaderData, ReflexURL, RouterData, SessionData
from reflex.state import State

from portal_app.services.identity import auth, passwords
from portal_app.services.kernel.i18n import t
from portal_app.services.matters import records as matters
from portal_app.services.messaging import preferences
from portal_app.session_cookie import cookie_name
from portal_app.state import PageState, WidgetState, run
from tests.world import build_world
from tests.identity_helpers import full_sign_in

PASSWORD = "correct horse battery"
HASH = passwords.hash_password(PASSWORD)
pytestmark = pytest.mark.anyio


class ProbePageState(PageState, rx.State):
    """A page of its own, as every page state is: what it shows is one matter's reference."""

    reference: str = ""
    steps: int = 0

    async def _fill(self, actor, matter_id: str) -> None:
        self.steps += 1
        self.reference = (await run(matters.get, actor, matter_id)).summary.reference


class ProbeWidgetState(WidgetState, rx.State):
    """A section inside another page."""

    reference: str = ""


@pytest.fixture
def world(portal_db):
    return build_world(password_hash=HASH)


def _tree(path: str, email: str | None = None) -> State:
    """A root state as a browser tab at `path` has it, signed in as `email` (or signed out)."""
    cookie = ""
    if email is not None:
        signed = full_sign_in(email, PASSWORD, ip="10.0.0.1", user_agent="pytest")
        token, _ = auth.exchange(signed.exchange_token)
        cookie = f"{cookie_name()}={token}"
    root = State()
    root.router = RouterData(session=SessionData(client_ip="10.0.0.1"), headers=HeaderData(cookie=cookie),
                             url=ReflexURL(f"http://localhost:3000{path}"))
    return root


def _state(root: State, cls):
    return root.get_substate(cls.get_full_name().split(".")[1:])


def _redirect_target(spec) -> str:
    return dict((str(k), v._var_value) for k, v in spec.args)["path"]


def _fill_calls() -> tuple[list, object]:
    calls: list = []

    async def fill(actor):
        calls.append(actor)

    return calls, fill


async def test_signed_out_visitor_goes_to_login_and_back_and_nothing_runs(world):
    page = _state(_tree("/matters/abc/documents"), ProbePageState)
    calls, fill = _fill_calls()
    spec = await page._load_page(fill)
    assert _redirect_target(spec) == "/login?next=/matters/abc/documents"
    assert calls == [] and page.access == "checking"
    page.error, page.notice = "old error", "old notice"
    spec = await page._act(preferences.update, reminders_off=True, timezone="UTC", locale="en")
    assert _redirect_target(spec) == "/login?next=/matters/abc/documents"
    assert (page.error, page.notice) == ("", "")


async def test_signed_out_section_stays_quiet(world):
    widget = _state(_tree("/matters/abc"), ProbeWidgetState)
    calls, fill = _fill_calls()
    assert await widget._load_page(fill) is None
    assert await widget._act(preferences.update, reminders_off=True, timezone="UTC", locale="en") is None
    assert calls == [] and widget.access == "checking"


async def test_wrong_kind_of_user_goes_home_from_a_page_and_a_section_stays_quiet(world):
    root = _tree("/client", "attorney@firm.example")
    page, widget = _state(root, ProbePageState), _state(root, ProbeWidgetState)
    calls, fill = _fill_calls()
    assert _redirect_target(await page._load_page(fill, staff=False)) == "/staff"
    assert await widget._load_page(fill, staff=False) is None
    assert calls == [] and page.access == widget.access == "checking"
    client_root = _tree("/staff", "client@firm.example")
    client_page = _state(client_root, ProbePageState)
    assert _redirect_target(await client_page._load_page(fill, staff=True)) == "/client"
    assert await client_page._load_page(fill, staff=False) is None
    assert len(calls) == 1 and calls[0].role == "client" and client_page.access == "ok"


async def test_not_allowed_and_not_found_deny_the_page(world):
    other = str(world.matters["other"].id)
    page = _state(_tree(f"/matters/{other}", "client@firm.example"), ProbePageState)
    assert await page._load_page(lambda actor: page._fill(actor, other)) is None
    assert page.access == "denied" and page.reference == "" and page.error == ""
    staff_page = _state(_tree("/matters/x", "admin@firm.example"), ProbePageState)
    assert await staff_page._load_page(lambda actor: staff_page._fill(actor, str(uuid.uuid4()))) is None
    assert staff_page.access == "denied" and staff_page.steps == 1
    widget = _state(_tree(f"/matters/{other}", "client@firm.example"), ProbeWidgetState)
    assert await widget._load_page(lambda actor: run(matters.get, actor, other)) is None
    assert widget.access == "denied"


async def test_another_portal_error_shows_its_message_on_the_page(world):
    page = _state(_tree("/account/settings", "client@firm.example"), ProbePageState)

    async def fill(actor):
        await run(preferences.update, actor, reminders_off=False, timezone="Mars/Olympus", locale="en")

    assert await page._load_page(fill) is None
    assert page.error == t("prefs.timezone_unknown", timezone="Mars/Olympus")
    assert page.access == "ok"


async def test_a_page_the_actor_may_see_is_filled_and_shown(world):
    own = world.matters["own"]
    page = _state(_tree(f"/matters/{own.id}", "client@firm.example"), ProbePageState)
    assert page._url_segment() == str(own.id) and page._url_segment(2) == "matters"
    assert await page._load_page(lambda actor: page._fill(actor, page._url_segment())) is None
    assert (page.access, page.reference, page.error) == ("ok", own.reference, "")


async def test_a_step_may_return_the_event_the_handler_returns(world):
    page = _state(_tree("/client", "client@firm.example"), ProbePageState)

    async def fill(actor):
        return rx.redirect("/elsewhere")

    assert _redirect_target(await page._load_page(fill)) == "/elsewhere"
    assert _redirect_target(await page._act(fill)) == "/elsewhere"


async def test_act_runs_a_service_off_the_event_loop_then_shows_the_notice_and_refreshes(world):
    own = world.matters["own"]
    page = _state(_tree(f"/matters/{own.id}", "client@firm.example"), ProbePageState)
    page.error = "an old error"
    seen: list[int] = []

    def service(actor, zone: str, *, locale: str):
        seen.append(threading.get_ident())
        preferences.update(actor, reminders_off=True, timezone=zone, locale=locale)

    spec = await page._act(service, "Europe/Madrid", locale="en", notice="Saved.",
                           then=lambda actor: page._fill(actor, str(own.id)))
    assert spec is None and seen and seen[0] != threading.get_ident()
    assert (page.notice, page.error, page.reference) == ("Saved.", "", own.reference)
    client = world.actor("client")
    assert preferences.get(client).timezone == "Europe/Madrid" and preferences.get(client).reminders_off


def _brings_error_into_view(spec) -> bool:
    """The handler's answer runs the script that scrolls the page's error message into view."""
    return spec is not None and any("form-error" in str(value) and "scrollIntoView" in str(value)
                                    for _name, value in spec.args)


async def test_act_turns_a_portal_error_into_the_message_and_leaves_access_alone(world):
    own = world.matters["own"]
    page = _state(_tree(f"/matters/{own.id}", "client@firm.example"), ProbePageState)
    page.access, page.notice = "ok", "an old notice"
    spec = await page._act(preferences.update, reminders_off=True, timezone="Nowhere/At_All", locale="en",
                           notice="Saved.", then=lambda actor: page._fill(actor, str(own.id)))
    assert _brings_error_into_view(spec) and page.error == t("prefs.timezone_unknown", timezone="Nowhere/At_All")
    assert (page.notice, page.reference, page.steps, page.access) == ("", "", 0, "ok")
    assert _brings_error_into_view(await page._act(page._fill, str(world.matters["other"].id), notice="Shown."))
    assert page.error in (t("error.not_allowed"), t("error.not_found")) and page.notice == ""
    assert page.access == "ok" and preferences.get(world.actor("client")).timezone != "Nowhere/At_All"
