"""Paying in the browser, sandbox mode: a decline changes nothing; the demo client pays her
retainer from a phone and sees the receipt and her trust balance; staff see it paid and in the ledger."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import select

from models import Invoice, OutboxMessage, Payment
from portal_app.services.kernel import db
from tests.e2e.helpers import sign_in


def _invoice(title: str) -> Invoice:
    with db.read() as s:
        return s.exec(select(Invoice).where(Invoice.title == title)).one()


def _pay_card(page, number: str) -> None:
    expect(page.locator("#pay-now")).to_be_visible()
    if page.locator("#choose-new-card").count():  # a card saved earlier is chosen: one choice shows at a time
        page.locator("#choose-new-card").click()
    page.fill("#card-number", number)
    page.fill("#card-expiry", "12/34")
    page.fill("#card-cvc", "123")
    page.click("#pay-now")


def test_declined_card_shows_a_clear_message_and_changes_nothing(page):
    title = "I-130 petition prepared and filed"
    sign_in(page, "maria@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    card = page.locator(".invoice-card", has_text=title)
    expect(card).to_contain_text("$2,000.00")
    card.locator(".pay-button").click()
    expect(page.locator("#sandbox-banner")).to_contain_text("no money moves")
    _pay_card(page, "4000 0000 0000 0002")
    expect(page.locator("#form-error")).to_contain_text("Your card was declined.")
    expect(page.locator("#pay-owed")).to_have_text("$2,000.00")
    invoice = _invoice(title)
    assert invoice.paid_cents == 0 and invoice.status == "sent"
    with db.read() as s:
        assert s.exec(select(Payment.status).where(Payment.invoice_id == invoice.id)).all() == ["failed"]


def test_client_pays_the_retainer_from_a_phone_then_staff_see_it(page, browser, server):
    chromium, devices = browser
    phone = chromium.new_context(base_url=server.url, **devices["iPhone 13"])
    phone.set_default_timeout(20_000)
    mobile = phone.new_page()
    try:
        sign_in(mobile, "maria@demo.example")
        mobile.wait_for_url(re.compile(r"^[^?]*/client/?$"))
        retainer = mobile.locator(".invoice-card", has_text="Retainer for the I-130 family petition")
        retainer.locator(".pay-button").tap()  # tap 1
        mobile.wait_for_url(re.compile(r"^[^?]*/pay/"))
        _pay_card(mobile, "4242 4242 4242 4242")  # tap 2 (typing the card is not a tap)
        expect(mobile.locator("#payment-received")).to_be_visible()
        expect(mobile.locator("body")).to_contain_text("$1,500.00")
        mobile.locator("#see-receipt").tap()  # tap 3
        expect(mobile.locator("#receipt-amount")).to_have_text("$1,500.00")
        expect(mobile.locator("#receipt-trust")).to_have_text("$1,500.00")
        mobile.goto("/client")
        expect(mobile.locator("#trust-balance")).to_have_text("$1,500.00")
        expect(mobile.locator(".invoice-card", has_text="Retainer for the I-130")).to_contain_text("Paid")
    finally:
        phone.close()
    with db.read() as s:
        subjects = s.exec(select(OutboxMessage.subject).where(OutboxMessage.to_address == "maria@demo.example")).all()
    assert any("$1,500.00" in subject for subject in subjects)  # the receipt by mail (in her language)
    number = _invoice("Retainer for the I-130 family petition").number
    sign_in(page, "billing@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/billing/?$"))  # the billing role lands on Billing (issue 9)
    expect(page.locator(".billing-row", has_text=number)).to_contain_text("Paid")
    page.goto("/billing/trust")
    expect(page.locator(".client-balance", has_text="María García")).to_contain_text("$1,500.00")
    expect(page.locator(".journal-row").first).to_be_visible()
    expect(page.locator(".journal-row").first).to_contain_text("Payment received")  # words, not identifiers
    expect(page.locator("body")).not_to_contain_text("payment_received")
    expect(page.locator("body")).not_to_contain_text("trust_due_from_operating")
    page.locator("#client-search").press_sequentially("GARC", delay=60)  # a firm of thousands finds one by name
    expect(page.locator(".client-balance")).to_have_count(1)
    expect(page.locator(".client-balance")).to_contain_text("María García")
    page.locator("#client-search").fill("")
    expect(page.locator(".client-balance", has_text="Wei Zhang")).to_be_visible()
