"""Shared state kept tiny: who is signed in (for the header), plus the helpers every page
state uses to resolve the actor and call one service function off the event loop."""
from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import Any, Callable
from urllib.parse import quote

import reflex as rx

from portal_app import client_address
from portal_app.services.identity import auth
from portal_app.services.kernel import policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.i18n import page_locale
from portal_app.session_cookie import token_from_header


def full_page_load(url: str) -> rx.event.EventSpec:
    """A real navigation (not the single-page router): needed to reach /api routes that set cookies."""
    return rx.call_script(f"window.location.assign({json.dumps(url)})")


def login_redirect(path: str) -> rx.event.EventSpec:
    return rx.redirect(f"/login?next={quote(path or '/')}", replace=True)


async def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a (blocking) service function in a thread so no event waits on the database or argon2."""
    return await asyncio.to_thread(fn, *args, **kwargs)


class SessionState(rx.State):
    """Who is signed in, for the header. The actor itself is resolved again on every call."""

    user_name: str = ""
    user_role: str = ""
    is_staff: bool = False
    may_administer: bool = False

    async def _resolve_actor(self) -> Actor | None:
        token = token_from_header(self.router.headers.cookie)
        actor = await run(auth.resolve, token, ip=client_address.from_router(self.router))
        if actor is not None:  # what a page shows at run time matches the language it was built in
            actor = dataclasses.replace(actor, locale=page_locale(actor.locale))
        self.user_name = actor.full_name if actor else ""
        self.user_role = actor.role if actor else ""
        self.is_staff = bool(actor and actor.is_staff)
        self.may_administer = bool(actor and policy.role_allows(actor.role, "user.manage"))
        return actor

    async def _end_session(self) -> None:
        actor = await self._resolve_actor()
        if actor is not None:
            await run(auth.sign_out, actor)
        self.user_name, self.user_role, self.is_staff, self.may_administer = "", "", False, False

    @rx.event
    async def sign_out(self):
        await self._end_session()
        return full_page_load("/api/session/clear")


class PageState(rx.State, mixin=True):
    """Mixed into every signed-in page's state: access is "checking", "ok" or "denied"."""

    access: str = "checking"

    async def _signed_in_actor(self) -> Actor | None:
        session = await self.get_state(SessionState)
        return await session._resolve_actor()
