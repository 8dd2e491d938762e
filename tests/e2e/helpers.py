"""Steps the browser tests share."""
from __future__ import annotations

import re

from sqlmodel import select

from models import Matter, OutboxMessage
from portal_app.services.demo.seed import DEMO_PASSWORD
from portal_app.services.kernel import db


def sign_in(page, email: str, password: str = DEMO_PASSWORD, start: str = "/login") -> None:
    page.goto(start)
    page.wait_for_selector("#email")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#sign-in")


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
