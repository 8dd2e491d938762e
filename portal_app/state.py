"""Shared state kept tiny: who is signed in (for the header), plus the prologue every page state
shares: resolve the actor, send a signed-out visitor to the login page, call services off the event
loop, and turn what they raise into "not allowed" or a message in the reader's language."""
from __future__ import annotations

import asyncio
import dataclasses
import inspect
import json
from typing import Any, Awaitable, Callable
from urllib.parse import quote

import reflex as rx
from reflex.middleware import Middleware

from portal_app import client_address
from portal_app.services.identity import auth
from portal_app.services.kernel import i18n, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import NotAllowed, NotFound, PortalError
from portal_app.services.kernel.i18n import page_locale
from portal_app.services.messaging import preferences
from portal_app.session_cookie import token_from_header

Step = Callable[[Actor], Awaitable[Any]]  # a state's own async step: given the actor, it calls services
# A refused action's message stands beside the button pressed; when that is at the screen's edge, the
# message is brought into view (after the render that shows it).
SHOW_ERROR = 'setTimeout(() => document.getElementById("form-error")?.scrollIntoView({block: "nearest"}), 50)'


def full_page_load(url: str) -> rx.event.EventSpec:
    """A real navigation (not the single-page router)."""
    return rx.call_script(f"window.location.assign({json.dumps(url)})")


def reader_locale(router) -> str:
    """The language of a signed-out visitor: the one chosen on this browser, else Accept-Language."""
    jar = router.headers.cookie or ""
    chosen = next((part.split("=", 1)[1] for part in jar.split("; ") if part.startswith(i18n.LANGUAGE_COOKIE + "=")), None)
    return i18n.reader_locale(None, chosen, router.headers.accept_language)


async def signed_out_locale(state: rx.State) -> str:
    """For the states of signed-out pages (sign in, reset, set password): the visitor's language,
    set as the language of this event's text."""
    session = await state.get_state(SessionState)
    code = session.lang or reader_locale(state.router)
    i18n.READER_LOCALE.set(code)
    return code


_FORGET_TAB = 'window.sessionStorage.removeItem("token");'


def fresh_tab(url: str) -> rx.event.EventSpec:
    """A real navigation with a new Reflex client token: what the tab held is keyed by a token no
    page will ever send again (the old one's state has already been wiped, see `wipe_tab`)."""
    return rx.call_script(_FORGET_TAB + f"window.location.replace({json.dumps(url)})")


def post_from_page(url: str, fields: dict[str, str]) -> rx.event.EventSpec:
    """Send a form by POST from this page, as a real navigation with a new client token: how the
    session routes are reached (POST only, from our own origin), so no token or sign-out ever
    travels in a link."""
    return rx.call_script(_FORGET_TAB + "(() => {const f = document.createElement('form');"
                          f"f.method = 'post'; f.action = {json.dumps(url)};"
                          f"for (const [k, v] of Object.entries({json.dumps(fields)}))"
                          "{const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v;"
                          "f.appendChild(i);} document.body.appendChild(f); f.submit();})()")


def sign_in_handoff(exchange_token: str, target: str) -> rx.event.EventSpec:
    """After a successful sign-in: the exchange route swaps the single-use token for the cookie."""
    return post_from_page("/api/session/exchange", {"t": exchange_token, "next": target})


def _state_classes(cls: type[rx.State]):
    for sub in cls.get_substates():
        yield sub
        yield from _state_classes(sub)


async def wipe_tab(state: rx.State) -> None:
    """Every substate of this tab back to its defaults, the backend-only vars included. Each is
    loaded first (a Redis tree is fetched lazily), so what the state manager stores (memory, disk
    or Redis) is overwritten with the defaults when the event ends."""
    root = state
    while root.parent_state is not None:
        root = root.parent_state
    for cls in list(_state_classes(type(root))):
        await root.get_state(cls)
    root.reset()


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
    may_see_insights: bool = False
    may_manage_records: bool = False
    lang: str = ""  # set when the reader switches language; "" = the language the page was served in
    _owner: str = ""  # whose data this tab holds (a user id), never sent to the browser
    _reset_to: str = ""  # set by a wipe: "login" or "reload", for the page to rotate the tab's token

    async def _cookie_actor(self) -> Actor | None:
        token = token_from_header(self.router.headers.cookie)
        return await run(auth.resolve, token, ip=client_address.from_router(self.router))

    async def _guard_owner(self, actor: Actor | None) -> bool:
        """The tab holds another person's data (signed out, expired, revoked, someone else signed
        in): wipe all of it. Returns whether it did."""
        if not self._owner or (actor is not None and str(actor.user_id) == self._owner):
            return False
        await wipe_tab(self)
        self._reset_to = "reload" if actor is not None else "login"
        return True

    async def _resolve_actor(self) -> Actor | None:
        """The actor behind the cookie, or None: signed out, or the tab was just wiped (then nothing
        of this event may run for anybody; the page rotates the tab, see PageState._gone)."""
        actor = await self._cookie_actor()
        if self._reset_to or await self._guard_owner(actor):
            return None
        self._owner = str(actor.user_id) if actor is not None else ""
        if actor is not None:  # the person's language, when it is offered
            actor = dataclasses.replace(actor, locale=page_locale(actor.locale))
        i18n.READER_LOCALE.set(actor.locale if actor else (self.lang or reader_locale(self.router)))
        self.user_name = actor.full_name if actor else ""
        self.user_role = actor.role if actor else ""
        self.is_staff = bool(actor and actor.is_staff)
        self.may_administer = bool(actor and policy.role_allows(actor.role, "user.manage"))
        self.may_see_insights = bool(actor and policy.role_allows(actor.role, "insights.view"))
        self.may_manage_records = bool(actor and policy.role_allows(actor.role, "retention.view"))
        return actor

    @rx.event
    async def choose_language(self, code: str):
        """The language switch: saved on the account when signed in (pages, mail and PDFs follow
        it), then the browser loads that catalog and the page re-renders in place."""
        if code not in i18n.offered_locales():
            return None
        token = token_from_header(self.router.headers.cookie)
        actor = await run(auth.resolve, token, ip=client_address.from_router(self.router))
        if actor is not None:
            await run(preferences.set_language, actor, code)
        script = f"globalThis.__portalSetLang({json.dumps(code)}, {json.dumps(i18n.catalog_url(code))})"
        return rx.call_script(script, callback=SessionState.language_loaded)

    @rx.event
    def language_loaded(self, code: str):
        if code in i18n.offered_locales():
            self.lang = code
            url = self.router.url
            query = f"?{url.query}" if getattr(url, "query", "") else ""
            return rx.redirect(f"{url.path}{query}", replace=True)  # the page's own texts reload too
        return None

    @rx.event
    async def sign_out(self):
        """Revoke the session, wipe everything this tab holds, and POST to the route that clears the
        cookie (it revokes the session behind the cookie too), with a new client token."""
        actor = await self._cookie_actor()
        if actor is not None:
            await run(auth.sign_out, actor)
        await wipe_tab(self)
        return post_from_page("/api/session/clear", {"notice": "signed_out"})


class PageState(rx.State, mixin=True):
    """Mixed into every signed-in page's state: access is "checking", "ok" or "denied"; error and
    notice are what the page says back, in the reader's language.

    Two helpers hold the prologue every handler shares, so a state keeps only what is its own:
    `_load_page(fill)` for the handler that shows the page, `_act(fn, ...)` for one that changes
    something. Both resolve the actor (a signed-out visitor goes to the login page, back here after)
    and run the work off the event loop: `fn` is either a service function, called in a thread with
    the actor first, or the state's own async step `step(actor, ...)`, which calls services with `run`."""

    access: str = "checking"
    error: str = ""
    notice: str = ""

    async def _signed_in_actor(self) -> Actor | None:
        session = await self.get_state(SessionState)
        return await session._resolve_actor()

    def _signed_out(self) -> rx.event.EventSpec | None:
        return login_redirect(self.router.url.path)

    async def _gone(self) -> rx.event.EventSpec | None:
        """No actor: after a wipe, a fresh tab (this page again for the person now signed in, or the
        login page); otherwise the page's own answer to a signed-out visitor."""
        session = await self.get_state(SessionState)
        # Not cleared here: every handler of this tab answers with a fresh tab until the browser has
        # one (a page's navigation can cancel a section's pending answer); the old token is never
        # sent again after that, and its state holds nothing but the defaults.
        reset_to = session._reset_to
        if reset_to == "reload":
            return fresh_tab(self.router.url.path)
        if reset_to == "login":
            return fresh_tab(f"/login?next={quote(self.router.url.path or '/')}")
        return self._signed_out()

    def _wrong_kind(self, actor: Actor) -> rx.event.EventSpec | None:
        return rx.redirect(actor.home_path, replace=True)

    def _url_segment(self, from_end: int = 1) -> str:
        """A part of this page's path counted from its end: 1 is the last (`/billing/invoices/<id>`)."""
        parts = self.router.url.path.rstrip("/").split("/")
        return parts[-from_end] if len(parts) > from_end else ""

    async def _load_page(self, fill: Step, *, staff: bool | None = None) -> Any:
        """Show the page: `await fill(actor)` sets what it shows. Not allowed or not found: access
        "denied". Another PortalError: the page shows its message. `staff` True (or False) keeps the
        page for staff (or clients) only; the other kind goes to their own home. Returns what the
        handler returns: the redirect, or what `fill` returned (None or a follow-up event)."""
        actor = await self._signed_in_actor()
        if actor is None:
            return await self._gone()
        if staff is not None and actor.is_staff != staff:
            return self._wrong_kind(actor)
        try:
            event = await fill(actor)
        except (NotAllowed, NotFound):
            self.access = "denied"
            return None
        except PortalError as exc:
            self.error = exc.message(actor.locale)
            event = None
        self.access = "ok"
        return event

    async def _act(self, fn: Callable[..., Any], *args: Any, notice: str = "", then: Step | None = None,
                   **kwargs: Any) -> Any:
        """Change something: error and notice cleared, `fn(actor, *args, **kwargs)` run off the event
        loop, then on success `notice` shown and `await then(actor)` (the page's refresh). A PortalError
        (not allowed included) becomes the error message, brought into view; access never changes here.
        Returns what the handler returns: the redirect, None, or, when `fn` is the state's own step, what
        it returned."""
        self.error, self.notice = "", ""
        actor = await self._signed_in_actor()
        if actor is None:
            return await self._gone()
        own_step = inspect.iscoroutinefunction(fn)
        try:
            result = await (fn(actor, *args, **kwargs) if own_step else run(fn, actor, *args, **kwargs))
            if inspect.iscoroutine(result):  # a lambda around a step: the step would never run
                result.close()
                raise TypeError(f"_act: pass the async step itself, not {fn!r}")
            self.notice = i18n.in_language(notice, actor.locale) or self.notice  # a step may have set its own
            if then is not None:
                await then(actor)
        except PortalError as exc:
            self.error = exc.message(actor.locale)
            return rx.call_script(SHOW_ERROR)
        return result if own_step else None


class WidgetState(PageState, mixin=True):
    """Mixed into the state of a section that sits inside another page (the matter page's deadlines,
    the home page's invoices). The page around it sends signed-out visitors to the login page and the
    wrong kind of user home; the section itself then simply stays empty."""

    def _signed_out(self) -> rx.event.EventSpec | None:
        return None

    def _wrong_kind(self, actor: Actor) -> rx.event.EventSpec | None:
        return None


class TabOwnerGuard(Middleware):
    """Before a tab is hydrated (a page load or a reconnect sends the whole state tree), wipe it if
    it holds someone else's data: a session that expired or was revoked while the tab sat open, or
    another person signed in in this browser since. Every other event checks in `_resolve_actor`."""

    async def preprocess(self, app, state, event):  # noqa: ARG002 - Reflex's signature
        if event.name.rsplit(".", 1)[-1] not in ("hydrate", "hydrate_and_load"):
            return None
        session = await state.get_state(SessionState)
        if session._owner:
            await session._guard_owner(await session._cookie_actor())
        return None
