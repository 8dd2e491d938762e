"""The client's pages, used the way people use them (issue 9 client side, issue 11 hole 8): typing
with a person's timing on the intake form (Tab between fields, autofill, a reload), a saved card
already there on the pay page, a refused file dropped on an item."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta

from playwright.sync_api import expect
from sqlmodel import select

from models import DocumentRequest, IntakeResponse, Matter, Payment, SandboxIntent, SandboxPaymentMethod, User
from portal_app.services.billing.invoices import drafts as invoice_drafts
from portal_app.services.billing.invoices import lifecycle as invoice_lifecycle
from portal_app.services.billing.invoices.drafts import DraftInput, LineInput
from portal_app.services.documents import validation
from portal_app.services.kernel import db, localtime
from portal_app.services.kernel.actor import Actor
from tests.e2e.helpers import matter_id, sign_in

H1B, I130, N400 = "MTR-2026-0002", "MTR-2026-0001", "MTR-2026-0003"
AUTOFILL = """(values) => {  // what a browser's autofill does: every field set in one go, one event each
  for (const [key, value] of Object.entries(values)) {
    const el = document.querySelector(`#answer-${key}`);
    const proto = el.tagName === "TEXTAREA" ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, "value").set.call(el, value);
    el.dispatchEvent(new Event("input", {bubbles: true}));
  }
}"""


def stored_answers(reference: str) -> dict:
    with db.read() as s:
        row = s.exec(select(IntakeResponse).join(Matter, Matter.id == IntakeResponse.matter_id)
                     .where(Matter.reference == reference)).first()
        return dict(row.answers) if row else {}


def test_intake_keeps_every_field_typed_in_a_hurry_and_after_a_reload(page):
    h1b = matter_id(H1B)
    sign_in(page, "wei@demo.example", start=f"/login?next=/matters/{h1b}/intake")
    page.wait_for_url(re.compile(rf"^[^?]*/matters/{h1b}/intake/?$"))
    page.locator("#answer-country_of_birth").click()  # his draft says China: he corrects it
    page.keyboard.press("Control+A")
    page.keyboard.type("Hong Kong", delay=15)  # then Tab and the next field, all within 300 ms
    page.keyboard.press("Tab")
    page.keyboard.type("+1 555 0100", delay=10)
    page.wait_for_timeout(150)
    page.reload()
    expect(page.locator("#answer-country_of_birth")).to_have_value("Hong Kong")
    expect(page.locator("#answer-phone")).to_have_value("+1 555 0100")
    expect(page.locator("#draft-saved")).to_be_visible()
    answers = stored_answers(H1B)  # "Draft saved" is on screen: the server has both
    assert answers.get("country_of_birth") == "Hong Kong" and answers.get("phone") == "+1 555 0100"


def test_intake_keeps_an_autofill_burst_of_many_fields(page):
    h1b = matter_id(H1B)
    sign_in(page, "wei@demo.example", start=f"/login?next=/matters/{h1b}/intake")
    page.wait_for_url(re.compile(rf"^[^?]*/matters/{h1b}/intake/?$"))
    expect(page.locator("#answer-full_name")).to_be_editable()
    values = {"full_name": "Wei Zhang", "other_names": "Zhang Wei", "phone": "+1 555 0199",
              "address": "12 Elm Street\nSpringfield, IL 62701", "current_employer": "Acme Robotics, Inc."}
    page.evaluate(AUTOFILL, values)
    expect(page.locator("#draft-saved")).to_be_visible()
    answers = stored_answers(H1B)
    assert {k: answers.get(k) for k in values} == values
    page.reload()
    for key, value in values.items():
        expect(page.locator(f"#answer-{key}")).to_have_value(value)


def test_intake_inputs_are_labelled_and_a_submitted_form_says_when(page):
    i130 = matter_id(I130)
    sign_in(page, "maria@demo.example", start=f"/login?next=/matters/{i130}/intake")
    page.wait_for_url(re.compile(rf"^[^?]*/matters/{i130}/intake/?$"))
    expect(page.get_by_label("Country of birth")).to_be_visible()
    expect(page.locator("#submitted-on")).to_contain_text("2026")
    expect(page.locator("#ask-correction")).to_be_visible()


def _send_invoice(reference: str, cents: int, title: str) -> str:
    with db.read() as s:
        user = s.exec(select(User).where(User.email == "billing@demo.example")).one()
        billing = Actor(user_id=user.id, role=user.role, email=user.email, full_name=user.full_name)
    invoice_id = invoice_drafts.create(billing, matter_id(reference), DraftInput(
        kind="milestone", title=title, lines=[LineInput(kind="legal_fee", description=title, unit_amount_cents=cents)]))
    invoice_lifecycle.send(billing, invoice_id)
    return invoice_id


def _card_fields(page, number: str, expiry: str = "12/34", cvc: str = "123") -> None:
    page.locator("#card-number").click()
    page.keyboard.type(number, delay=15)
    page.locator("#card-expiry").fill(expiry)
    page.locator("#card-cvc").fill(cvc)


def _pay_page(page, invoice_id: str) -> None:
    page.goto(f"/pay/{invoice_id}")
    page.wait_for_url(re.compile(rf"^[^?]*/pay/{invoice_id}/?$"))
    expect(page.locator("#pay-now")).to_be_visible()


def _kept_cards() -> set[str]:
    with db.read() as s:
        return {m.id for m in s.exec(select(SandboxPaymentMethod).where(SandboxPaymentMethod.customer != "")).all()}


def test_with_a_saved_card_the_new_card_typed_is_the_one_charged(page):
    first = _send_invoice(I130, 15_000, "Affidavit of support review")
    second = _send_invoice(I130, 45_000, "Interview preparation")
    before = _kept_cards()
    sign_in(page, "maria@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    _pay_page(page, first)
    _card_fields(page, "4242 4242 4242 4242")
    page.locator("#save-card").click()  # asked to remember it
    page.locator("#pay-now").click()
    expect(page.locator("#payment-received")).to_be_visible()
    saved = _kept_cards() - before
    assert len(saved) == 1, "the card the client asked to keep is kept once the payment succeeded"

    _pay_page(page, second)
    choice = page.locator(".card-choice", has_text="•••• 4242")
    expect(choice.get_by_role("radio")).to_be_checked()
    expect(page.locator("#card-number")).to_have_count(0)  # one visible choice at a time
    page.locator("#choose-new-card").click()
    expect(page.locator("#test-cards")).to_contain_text("4000 0027 6000 3184")
    _card_fields(page, "4000 0000 0000 9995")
    page.locator("#pay-now").click()
    expect(page.locator("#form-error")).to_contain_text("insufficient funds")
    expect(page.locator("#form-error")).to_be_in_viewport()
    expect(page.locator("#card-number")).to_have_value("")  # only the number to type again
    expect(page.locator("#card-expiry")).to_have_value("12/34")
    expect(page.locator("#card-cvc")).to_have_value("123")
    page.keyboard.type("5555 5555 5555 4444", delay=15)  # the cursor waits in the card number
    page.locator("#pay-now").click()
    expect(page.locator("#payment-received")).to_be_visible()
    with db.read() as s:
        payment = s.exec(select(Payment).where(Payment.invoice_id == uuid.UUID(second),
                                               Payment.status == "succeeded")).one()
        intent = s.get(SandboxIntent, payment.provider_ref)
    assert intent.payment_method not in saved  # the typed card was charged, not the saved one
    assert _kept_cards() - before == saved  # not asked to remember the new one: not kept


def test_a_refused_file_never_leaves_the_browser_and_says_why_next_to_the_item(page, tmp_path):
    frames: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: frames.append(len(payload))))
    h1b = matter_id(H1B)
    sign_in(page, "wei@demo.example", start=f"/login?next=/matters/{h1b}/documents")
    page.wait_for_url(re.compile(rf"^[^?]*/matters/{h1b}/documents/?$"))
    with db.read() as s:
        resume = s.exec(select(DocumentRequest).join(Matter, Matter.id == DocumentRequest.matter_id)
                        .where(Matter.reference == H1B, DocumentRequest.key == "resume")).one()
    assert resume.max_size_bytes == 10 * 1024 * 1024
    accepted = validation.accepted_label(list(resume.accepted_types))
    big, huge, text = tmp_path / "cv-scan.pdf", tmp_path / "cv-full.pdf", tmp_path / "notes.txt"
    for path, size in ((big, 11), (huge, 30)):
        with path.open("wb") as out:
            out.write(b"%PDF-1.4\n")
            out.truncate(size * 1024 * 1024)
    text.write_text("just text")
    item = page.locator(f"#item-{resume.id}")
    item.locator(".open-item").click()
    item.locator("#choose-files").scroll_into_view_if_needed()  # where a person drops the file
    frames.clear()
    item.locator("input[type=file]").set_input_files([big, huge])
    refused = item.locator("#refused-files")
    expect(refused).to_contain_text("cv-scan.pdf was not sent: it is 11.0 MB")
    expect(refused).to_contain_text("cv-full.pdf was not sent: it is 30.0 MB")
    expect(refused).to_contain_text("up to 10.0 MB")
    expect(refused).to_be_in_viewport()
    item.locator("input[type=file]").set_input_files([text])
    expect(refused).to_contain_text(f"notes.txt was not sent: this item takes {accepted} files only")
    page.wait_for_timeout(300)
    assert frames and max(frames) < 4096, f"a refused file went over the websocket: frames of {max(frames)} bytes"
    expect(page.locator("#received-missing")).to_be_visible()  # the page did not drop and re-hydrate


def test_a_photo_only_item_names_its_own_types(page):
    i130 = matter_id(I130)
    sign_in(page, "maria@demo.example", start=f"/login?next=/matters/{i130}/documents")
    page.wait_for_url(re.compile(rf"^[^?]*/matters/{i130}/documents/?$"))
    with db.read() as s:
        photos = s.exec(select(DocumentRequest).join(Matter, Matter.id == DocumentRequest.matter_id)
                        .where(Matter.reference == I130, DocumentRequest.key == "photos")).one()
    item = page.locator(f"#item-{photos.id}")
    item.locator(".open-item").click()
    expect(item).not_to_contain_text(".pdf")
    expect(item).to_contain_text(".jpg / .png / .heic")
    if item.locator("input[type=file]").count():
        item.locator("input[type=file]").set_input_files(
            [{"name": "photo.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF"}])
        expect(item.locator("#refused-files")).to_contain_text("this item takes JPEG, PNG, HEIC files only")


def test_the_client_home_starts_with_what_to_do_first(page):
    with db.write() as s:  # a document request with a due date the client must see
        passport = s.exec(select(DocumentRequest).join(Matter, Matter.id == DocumentRequest.matter_id)
                          .where(Matter.reference == N400, DocumentRequest.key == "passport_bio")).one()
        passport.due_date = localtime.firm_today() + timedelta(days=5)
        due = localtime.format_date(passport.due_date)
    sign_in(page, "amara@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    todo = page.locator("#intake-todo")
    expect(todo).to_contain_text(N400)  # her questionnaire is not submitted yet
    needed = page.locator("#documents-needed")
    expect(needed.locator(".needed-item", has_text="Passport bio page")).to_contain_text(f"Due {due}")
    order = page.evaluate("""() => ['#intake-todo', '#documents-needed', '#upcoming-dates', '#my-matters']
        .map((sel) => document.querySelector(sel)?.getBoundingClientRect().top ?? -1)""")
    assert -1 not in order and order == sorted(order), order
