"""The state of a signed-out page's one form (reset link, "I need help"): mixed into the page's state."""
from __future__ import annotations

from typing import Any, Callable

import reflex as rx

from portal_app import client_address
from portal_app.services.kernel.errors import PortalError
from portal_app.state import run, signed_out_locale


class SignedOutFormState(rx.State, mixin=True):
    """Mixed into a signed-out page's one form (reset link, "I need help"): one send at a time, run
    off the event loop with the visitor's address, a refusal shown in the visitor's language."""

    error: str = ""
    notice: str = ""
    busy: bool = False

    @rx.event
    def load(self):
        self.error, self.notice, self.busy = "", "", False

    async def _send(self, fn: Callable[..., Any], *args: Any) -> tuple[Any, str] | None:
        """For a background handler: `fn(*args, ip=...)`, returning its result and the visitor's
        locale, or None when it was refused (the message is shown) or a send is already running."""
        async with self:
            if self.busy:
                return None
            self.busy, self.error, self.notice = True, "", ""
            locale = await signed_out_locale(self)
            ip = client_address.from_router(self.router)
        try:
            return await run(fn, *args, ip=ip), locale
        except PortalError as exc:
            async with self:
                self.error, self.busy = exc.message(locale), False
            return None

    async def _sent(self, notice: str) -> None:
        async with self:
            self.notice, self.busy = notice, False
