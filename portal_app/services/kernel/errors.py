"""Errors a service raises on purpose. Each carries a translation key and its parameters;
the page or route that catches it shows `message(locale)` and nothing else."""
from __future__ import annotations

from portal_app.services.kernel.i18n import t


class PortalError(Exception):
    code = "error.generic"
    http_status = 400

    def __init__(self, key: str | None = None, /, **params: object) -> None:
        self.code = key or self.code
        self.params = params
        super().__init__(self.code)

    def message(self, locale: str = "en") -> str:
        return t(self.code, locale, **self.params)


class InvalidInput(PortalError):
    code = "error.invalid_input"


class NotAllowed(PortalError):
    code = "error.not_allowed"
    http_status = 403


class NotFound(PortalError):
    code = "error.not_found"
    http_status = 404


class Conflict(PortalError):
    code = "error.conflict"
    http_status = 409


class SignInFailed(PortalError):
    code = "auth.sign_in_failed"
    http_status = 401


class RateLimited(PortalError):
    code = "auth.locked"
    http_status = 429


class InvalidLink(PortalError):
    code = "invite.link_invalid"
    http_status = 410
