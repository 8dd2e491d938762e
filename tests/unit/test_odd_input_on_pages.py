"""The invoice page's "add line" handler with the tester's input: "²" as a quantity used to raise
inside the handler (the browser showed only "Something went wrong"); now it is a message."""
from __future__ import annotations

from portal_app.pages.billing.invoice_new import InvoiceNewState


def test_a_superscript_quantity_is_a_message_not_a_crash():
    state = InvoiceNewState()
    state.add_line({"amount": "100", "quantity": "\u00b2", "description": "Consultation"})
    assert state.error == "Line 1: the quantity must be a whole number from 1 to 1000, typed with the digits 0 to 9."
    assert state.lines == []


def test_arabic_indic_digits_are_not_taken_as_an_amount():
    state = InvoiceNewState()
    state.add_line({"amount": "\u0661\u0662\u0663", "quantity": "1", "description": "Consultation"})
    assert "digits 0 to 9" in state.error and state.lines == []


def test_a_typed_line_is_cleaned_before_it_is_shown():
    state = InvoiceNewState()
    state.add_line({"amount": "100", "quantity": " 2 ", "description": "Consul\u202etation\x00"})
    assert state.error == "" and state.lines[0]["description"] == "Consultation"
    assert state.lines[0]["amount"] == "$200.00"


def test_removing_a_line_by_a_garbage_index_changes_nothing():
    state = InvoiceNewState()
    state.add_line({"amount": "100", "quantity": "1", "description": "Consultation"})
    state.remove_line("\u00b2")
    assert len(state.lines) == 1
    state.remove_line(0)
    assert state.lines == []
