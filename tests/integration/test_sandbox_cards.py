"""The sandbox behaves like Stripe's test mode for the documented test cards, and keeps a card only
when the client asked, only after the payment succeeded (issue 9, defect 2)."""
from __future__ import annotations

import dataclasses

import pytest

from portal_app.services.billing.payments import checkout as payments
from tests.billing_helpers import make_invoice, pay_with_card
from tests.world import build_world


@pytest.fixture
def world(portal_db):
    return build_world()


def _saved(world) -> list[str]:
    checkout = payments.start(world.actor("client"), make_invoice(world, "milestone", 1_000))
    return [c["label"] for c in checkout.saved_cards]


@pytest.mark.parametrize("number", ["4000 0025 0000 3155", "4000 0027 6000 3184", "4000 0000 0000 3220"])
def test_three_d_secure_cards_ask_to_authenticate_and_a_failed_one_is_never_saved(world, number):
    checkout, state = pay_with_card(world, make_invoice(world, "milestone", 30_000), number=number, save=True)
    assert state.processor_status == "requires_action" and not state.posted
    assert _saved(world) == []  # not before the payment succeeded
    state = payments.authenticate_in_sandbox(world.actor("client"), checkout.payment_id, checkout.client_secret, False)
    assert state.status == "failed"
    assert _saved(world) == []  # its authentication failed: never saved
    checkout, state = pay_with_card(world, make_invoice(world, "milestone", 30_000), number=number, save=True)
    state = payments.authenticate_in_sandbox(world.actor("client"), checkout.payment_id, checkout.client_secret, True)
    assert state.posted
    assert [label.split(" (")[0] for label in _saved(world)] == [f"Visa •••• {number[-4:]}"]


@pytest.mark.parametrize(("number", "says"), [("4000 0000 0000 9995", "insufficient funds"),
                                              ("4000 0000 0000 0002", "declined"),
                                              ("4000 0000 0000 9987", "declined")])
def test_declining_cards_decline_and_are_not_saved(world, number, says):
    _checkout, state = pay_with_card(world, make_invoice(world, "milestone", 5_000), number=number, save=True)
    assert not state.posted and says in state.message
    assert _saved(world) == []


def test_a_card_is_saved_only_when_asked(world):
    pay_with_card(world, make_invoice(world, "milestone", 5_000), number="5555 5555 5555 4444", save=False)
    assert _saved(world) == []
    pay_with_card(world, make_invoice(world, "milestone", 5_000), number="5555 5555 5555 4444", save=True)
    pay_with_card(world, make_invoice(world, "milestone", 5_000), number="5555 5555 5555 4444", save=True)
    assert [label.split(" (")[0] for label in _saved(world)] == ["Mastercard •••• 4444"]  # once, not twice


@pytest.mark.parametrize(("locale", "says"), [("vi", "Thẻ của bạn không đủ tiền."), ("ar", "رصيد بطاقتك غير كافٍ."),
                                              ("en", "Your card has insufficient funds.")])
def test_a_decline_is_told_in_the_clients_language(world, locale, says):
    client = dataclasses.replace(world.actor("client"), locale=locale)
    checkout = payments.start(client, make_invoice(world, "milestone", 5_000))
    state = payments.pay_in_sandbox(client, checkout.payment_id, checkout.client_secret, number="4000 0000 0000 9995",
                                    expiry="12/40", cvc="123")
    assert not state.posted and state.message == says
    assert payments.check(client, checkout.payment_id).message == says  # and again when the page comes back
