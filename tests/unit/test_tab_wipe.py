"""Hole 1 of issue 11: a tab keeps no previous user's data. Driven in-process on a real state tree
(as tests/unit/test_page_state.py) with real sessions: sign-out, a revoked or expired session, and
another person signing in in the same browser all wipe every substate of the tab (what is in
memory, and so what the state manager stores when the event ends), before anything is sent."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time

import pytest
import reflex as rx
from reflex.istate.data import HeaderData, ReflexURL, RouterData, SessionData
from reflex.state import State
from reflex_base.event import Event

from portal_app.services.identity import auth, passwords
from portal_app.services.matters import records as matters
from portal_app.session_cookie import cookie_name
from portal_app.state import PageState, SessionState, TabOwnerGuard, run
from tests.world import build_world

PASSWORD = "correct horse battery"
HASH = passwords.hash_password(PASSWORD)
pytestmark = pytest.mark.anyio


class WipeProbeState(PageState, rx.State):
    """A page that shows one matter's reference, and keeps a backend-only copy of it."""

    reference: str = ""
    _cached: str = ""

    async def _fill(self, actor) -> None:
        self.reference = min(m.reference for m in await run(matters.list_visible, actor))  # "T-1"
        self._cached = self.reference


class OtherSectionState(rx.State):
    """Another page's state in the same tab, never touched by the probe page."""

    invoice_number: str = ""


@pytest.fixture
def world(portal_db):
    return build_world(password_hash=HASH)


def _cookie(email: str) -> tuple[str, str]:
    token, _ = auth.exchange(auth.sign_in(email, PASSWORD, ip="10.0.0.1").exchange_token)
    return token, f"{cookie_name()}={token}"


def _visit(root: State, path: str, cookie: str, tab: str = "") -> None:
    root.router = RouterData(session=SessionData(client_ip="10.0.0.1", client_token=tab), headers=HeaderData(cookie=cookie),
                             url=ReflexURL(f"http://localhost:3000{path}"))


def _sub(root: State, cls):
    return root.get_substate(cls.get_full_name().split(".")[1:])


async def _signed_in_tab(email: str) -> tuple[State, str]:
    token, cookie = _cookie(email)
    root = State()
    _visit(root, "/client", cookie)
    page = _sub(root, WipeProbeState)
    assert await page._load_page(page._fill) is None
    _sub(root, OtherSectionState).invoice_number = "INV-2026-0042"
    session = _sub(root, SessionState)
    assert session.user_name == "Client" and session._owner and page.reference == "T-1"
    return root, token


def _held(root: State) -> str:
    """Everything the tab's state tree holds, backend-only vars included."""
    values = {}
    stack = [root]
    while stack:
        state = stack.pop()
        values[state.get_full_name()] = {k: getattr(state, k) for k in type(state).__fields__
                                         if not k.startswith("rx_router") and k != "router_data"}
        stack.extend(state.substates.values())
    return json.dumps(values, default=str)


def _script(spec) -> str:
    return json.loads(str(dict((str(k), v) for k, v in spec.args)["javascript_code"]))


async def test_a_revoked_session_wipes_the_whole_tab_before_the_next_page_runs(world):
    root, token = await _signed_in_tab("client@firm.example")
    auth.sign_out(auth.resolve(token))  # revoked elsewhere (another device, or the admin)
    page = _sub(root, WipeProbeState)
    calls = []
    spec = await page._load_page(lambda actor: calls.append(actor))
    assert calls == []
    held = _held(root)
    assert "INV-2026-0042" not in held and "T-1" not in held and '"Client"' not in held
    assert _sub(root, SessionState)._owner == "" and page._cached == ""
    code = _script(spec)  # a fresh tab: a new client token, then the login page
    assert 'removeItem("token")' in code and "/login?next=/client" in code


async def test_another_person_signing_in_in_the_same_browser_wipes_the_tab_and_runs_nothing(world):
    root, _token = await _signed_in_tab("client@firm.example")
    _other_token, other_cookie = _cookie("other_client@firm.example")
    _visit(root, "/client", other_cookie)
    page = _sub(root, WipeProbeState)
    ran = []

    def service(actor):
        ran.append(actor)

    spec = await page._act(service)
    assert ran == [] and "INV-2026-0042" not in _held(root) and "T-1" not in _held(root)
    code = _script(spec)
    assert 'removeItem("token")' in code and 'location.replace("/client")' in code
    again = await page._load_page(page._fill)  # this tab must get its new token first: nothing runs
    assert 'removeItem("token")' in _script(again) and page.reference == "" and _sub(root, SessionState).user_name == ""
    fresh = State()  # the fresh tab (a new client token) is the new person's, normally
    _visit(fresh, "/client", other_cookie)
    fresh_page = _sub(fresh, WipeProbeState)
    assert await fresh_page._load_page(fresh_page._fill) is None
    assert _sub(fresh, SessionState).user_name == "Other Client"


async def test_a_tab_that_hydrates_after_its_session_ended_is_wiped_before_the_snapshot(world):
    root, token = await _signed_in_tab("client@firm.example")
    auth.sign_out(auth.resolve(token))
    hydrate = Event(name=f"{State.get_full_name()}.hydrate_and_load", payload={})
    assert await TabOwnerGuard().preprocess(None, root, hydrate) is None
    assert "INV-2026-0042" not in _held(root) and "T-1" not in _held(root)


async def test_an_ordinary_event_of_the_same_person_keeps_the_tab(world):
    root, _token = await _signed_in_tab("client@firm.example")
    hydrate = Event(name=f"{State.get_full_name()}.hydrate_and_load", payload={})
    await TabOwnerGuard().preprocess(None, root, hydrate)
    page = _sub(root, WipeProbeState)
    assert await page._load_page(page._fill) is None
    assert "INV-2026-0042" in _held(root) and page.reference


async def test_sign_out_wipes_the_tab_and_posts_to_the_clearing_route(world):
    root, token = await _signed_in_tab("client@firm.example")
    session = _sub(root, SessionState)
    spec = await session.sign_out()
    assert auth.resolve(token) is None and "INV-2026-0042" not in _held(root)
    code = _script(spec)
    assert 'removeItem("token")' in code and "f.method = 'post'" in code and "/api/session/clear" in code


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway Redis (Debian's redis-server), as production keeps Reflex state in Redis."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


async def test_what_redis_stores_for_the_tab_is_overwritten_too(world, redis_url):
    """With Redis, a substate the event did not touch is not even loaded: the wipe fetches each
    one, so the previous person's invoice number does not stay behind in Redis."""
    from redis.asyncio import Redis
    from reflex.istate.manager.redis import StateManagerRedis
    from reflex.istate.manager.token import BaseStateToken
    from reflex_base.event.context import EventContext

    redis = Redis.from_url(redis_url)
    manager = StateManagerRedis(redis=redis)
    token, cookie = _cookie("client@firm.example")
    tab = "tab-on-a-shared-phone"

    async def no_events(*_args, **_kwargs):
        return None

    EventContext.set(EventContext(token=tab, state_manager=manager, enqueue_impl=no_events))
    async with manager.modify_state(BaseStateToken(ident=tab, cls=OtherSectionState)) as root:
        (await root.get_state(OtherSectionState)).invoice_number = "INV-2026-0042"
    async with manager.modify_state(BaseStateToken(ident=tab, cls=WipeProbeState)) as root:
        _visit(root, "/client", cookie, tab)
        page = await root.get_state(WipeProbeState)
        assert await page._load_page(page._fill) is None and page.reference

    async def stored() -> bytes:
        keys = await redis.keys(f"{tab}*")
        return b"".join(v for v in await redis.mget(keys) if v)

    assert b"INV-2026-0042" in await stored() and b"T-1" in await stored()
    auth.sign_out(auth.resolve(token))
    async with manager.modify_state(BaseStateToken(ident=tab, cls=WipeProbeState)) as root:
        _visit(root, "/client", cookie, tab)
        page = await root.get_state(WipeProbeState)
        await page._load_page(page._fill)
    held = await stored()
    assert b"INV-2026-0042" not in held and b"T-1" not in held
    await manager.close()
