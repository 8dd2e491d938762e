"""Steps the browser tests share."""
from __future__ import annotations

import re
import time

from sqlmodel import select

from models import Matter, OutboxMessage, SecondFactor, User
from portal_app.services.demo.seed import DEMO_PASSWORD
from portal_app.services.identity import second_step
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import NotFound


def sign_in(page, email: str, password: str = DEMO_PASSWORD, start: str = "/login") -> None:
    """Sign in as a person would; a staff member (or anyone with an authenticator) then types the
    code their authenticator shows (the demo staff's keys live in the database: second_step's
    development-only current_code, as `python -m portal_app.cli users totp-code EMAIL` prints it)."""
    page.goto(start)
    page.wait_for_selector("#email")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#sign-in")
    if password == DEMO_PASSWORD and has_authenticator(email):
        type_current_code(page, email)


def has_authenticator(email: str) -> bool:
    with db.read() as s:
        user = s.exec(select(User).where(User.email == email)).first()
        return user is not None and s.get(SecondFactor, user.id) is not None


def type_current_code(page, email: str) -> None:
    """A code works once: after a few sign-ins within a minute, wait for the next one, as a person
    watching their authenticator would."""
    page.wait_for_selector("#totp-code")
    for _ in range(40):
        try:
            code = second_step.current_code(email)
            break
        except NotFound:
            time.sleep(1)
    page.fill("#totp-code", code)
    page.click("#verify-code")


def matter_id(reference: str) -> str:
    with db.read() as s:
        return str(s.exec(select(Matter.id).where(Matter.reference == reference)).one())


def last_mail_link(address: str, kind: str) -> str:
    with db.read() as s:
        body = s.exec(select(OutboxMessage.body_text).where(OutboxMessage.to_address == address)
                      .order_by(OutboxMessage.created_at.desc())).first()
    return re.search(rf"https?://[^/\s]+(/{kind}/[A-Za-z0-9_-]+)", body).group(1)


def sign_out(page) -> None:
    page.click("#account-menu")
    page.click("#sign-out")


def slow_phone_cpu(page, slowdown: float = 6) -> None:
    """The page runs as on a slow phone (Chromium's CPU throttling): the gap between a page that
    shows and a page that answers grows to seconds, as it does for a client on a cheap handset."""
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": slowdown})


def sideways_by(page) -> int:
    """How far the page is wider than the phone's screen, in CSS pixels. Measured against the width
    the context was given: a phone browser zooms out to fit a page that is too wide, and then
    window.innerWidth grows with it (a 513 px page on a 390 px phone passed `scrollWidth <= innerWidth`)."""
    return page.evaluate("() => document.documentElement.scrollWidth") - page.viewport_size["width"]
