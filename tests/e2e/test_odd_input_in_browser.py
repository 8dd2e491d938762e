"""Odd input in the browser, typed the way the tester did: "²" as an invoice quantity gets the
specific message next to the form (it used to be only "Something went wrong"), and a client's
right-to-left name is drawn isolated in the staff list."""
from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect
from sqlmodel import select

from models import User
from portal_app.services.kernel import db
from portal_app.services.kernel.actor import Actor
from portal_app.services.matters import records
from portal_app.services.matters.choices import NewClient
from tests.e2e.helpers import matter_id, sign_in


def test_a_superscript_quantity_gets_its_message(page):
    sign_in(page, "billing@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/billing/?$"))
    page.goto(f"/billing/new/{matter_id('MTR-2026-0001')}")
    page.locator("#line-amount").type("150", delay=60)
    page.locator("#line-description").type("Consultation", delay=40)
    quantity = page.get_by_label("Quantity")
    quantity.fill("")
    quantity.type("\u00b2", delay=80)
    page.click("#add-line")
    expect(page.locator("#form-error")).to_contain_text("the quantity must be a whole number from 1 to 1000")
    expect(page.get_by_text("Something went wrong")).to_have_count(0)


def test_a_right_to_left_client_name_is_isolated_in_the_staff_list(page):
    with db.read() as s:
        attorney = s.exec(select(User).where(User.email == "attorney@demo.example")).one()
    name = f"\u0644\u064a\u0644\u0649 \u062d\u062f\u0627\u062f {uuid.uuid4().hex[:4]}"
    records.open_matter(Actor(user_id=attorney.id, role="attorney"), case_type_code="N400", title="N-400",
                        new_client=NewClient(f"\u202e{name}", f"layla.{uuid.uuid4().hex[:6]}@example.com"))
    sign_in(page, "attorney@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    cell = page.locator(".matter-row bdi", has_text=name)
    expect(cell).to_have_count(1)
    assert "\u202e" not in cell.inner_text()
