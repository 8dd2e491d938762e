"""The text cleaner (kernel/text.py) and the inputs the penetration tester sent: "²" as a quantity,
Arabic-Indic and fullwidth digits as money, U+202E in file and client names, NUL in names.
Property tests (Hypothesis) over arbitrary Unicode: cleaning is idempotent, nothing invisible,
controlling or direction-changing survives, and numbers either parse from 0-9 or are refused
with a clear InvalidInput, never another exception."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal_app.services.files.names import display_name
from portal_app.services.kernel import money, text
from portal_app.services.kernel.errors import InvalidInput
from portal_app.services.kernel.i18n import t

# Everything Unicode has, with the troublemakers made common: controls, bidi, format characters,
# foreign digits, line separators, surrogates.
NASTY = st.sampled_from(list("\x00\x07\x1b\x7f\x85\t\r\n\u2028\u2029\u200b\u200c\u200d\ufeff\u00ad\u2060"
                             "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
                             "\u0661\u06f3\uff11\u00b2\u2460\ud800\udfff\u0301 ,.$"))
TEXT = st.text(st.one_of(st.characters(), NASTY), max_size=60)
SETTINGS = settings(max_examples=400, deadline=None)


def _invisible(char: str) -> bool:
    category = unicodedata.category(char)
    return (char in text.BIDI_CONTROLS or category in ("Cc", "Cs")
            or (category == "Cf" and char not in text.KEEP_FORMAT))


@SETTINGS
@given(TEXT)
def test_a_line_is_clean_and_cleaning_it_again_changes_nothing(raw):
    cleaned = text.line(raw)
    assert text.line(cleaned) == cleaned
    assert not any(_invisible(c) for c in cleaned)
    assert "\n" not in cleaned and "  " not in cleaned and cleaned == cleaned.strip()
    assert unicodedata.normalize("NFKC", cleaned) == cleaned


@SETTINGS
@given(TEXT)
def test_a_paragraph_keeps_line_breaks_but_nothing_invisible(raw):
    cleaned = text.paragraph(raw)
    assert text.paragraph(cleaned) == cleaned
    assert not any(_invisible(c) and c != "\n" for c in cleaned)
    assert "\r" not in cleaned and "\n\n\n" not in cleaned and cleaned == cleaned.strip()


@SETTINGS
@given(TEXT)
def test_money_is_an_amount_or_a_clear_refusal(raw):
    try:
        cents = money.parse(raw, "USD")
    except InvalidInput as exc:
        assert exc.message() != exc.code  # a sentence, not a bare key
        return
    assert 0 < cents <= money.MAX_CENTS
    assert not text.has_foreign_digits(raw)


@SETTINGS
@given(TEXT)
def test_a_quantity_is_a_whole_number_in_range_or_a_clear_refusal(raw):
    try:
        value = text.whole_number(raw, low=1, high=1000, key="billing.line_quantity_invalid", line=1, max=1000)
    except InvalidInput as exc:
        assert "whole number from 1 to 1000" in exc.message()
        return
    assert 1 <= value <= 1000 and not text.has_foreign_digits(raw)
    assert int("".join(text.line(raw).split())) == value  # what is left once invisible characters go


@SETTINGS
@given(st.integers(min_value=1, max_value=1000))
def test_quantities_typed_with_0_to_9_round_trip(n):
    assert text.whole_number(f" {n} ", low=1, high=1000, key="k") == n


@SETTINGS
@given(TEXT)
def test_file_display_names_are_never_paths_controls_or_bidi(raw):
    name = display_name(raw)
    assert name and len(name) <= 120 and "/" not in name and "\\" not in name
    assert not any(_invisible(c) for c in name)


# --- what the tester sent ----------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["\u00b2", "\u0663", "\uff13", "\u2462", "3\u00b2"])
def test_a_quantity_in_other_digits_is_refused_with_the_reason(typed):
    with pytest.raises(InvalidInput) as err:
        text.whole_number(typed, low=1, high=1000, key="billing.line_quantity_invalid", line=2, max=1000)
    assert err.value.message() == ("Line 2: the quantity must be a whole number from 1 to 1000, typed with the "
                                   "digits 0 to 9.")


@pytest.mark.parametrize("typed", ["\u0661\u0662\u0663", "\uff11\uff12\uff13", "$\u0661,\u0665\u0660\u0660.00",
                                   "1\u00b2"])
def test_money_in_other_digits_is_refused_not_guessed(typed):
    with pytest.raises(InvalidInput) as err:
        money.parse(typed)
    assert err.value.code == "billing.amount_digits"
    assert "digits 0 to 9" in err.value.message() and "tiene otros dígitos" in err.value.message("es")


def test_money_still_reads_what_people_type():
    assert money.parse(" $1,500.00 ") == 150_000
    assert money.parse("1\u00a0500") == 150_000  # a no-break space as thousands separator
    assert money.parse("\u200b12.5\u202c") == 1_250  # invisible characters pasted along


def test_bidi_overrides_and_nul_never_reach_a_stored_name():
    assert display_name("invoice\u202efdp.exe") == "invoicefdp.exe"
    assert text.line("Mar\u00eda\x00 \u202eGarc\u00eda\u202c") == "Mar\u00eda Garc\u00eda"
    assert text.line("\u202e\u200b\x00") == ""  # nothing visible: the caller's "required" message applies
    assert text.line("\uff2d\uff41\uff52\uff49\uff41") == "Maria"  # fullwidth letters, NFKC
    assert text.line("\u0645\u062d\u0645\u062f \u200c\u0639\u0644\u06cc") == "\u0645\u062d\u0645\u062f \u200c\u0639\u0644\u06cc"


def test_a_paragraph_is_kept_as_written():
    answer = "We married in Guadalajara.\r\n\r\n\r\nMy husband\u202e is Luis.  \n\tHe works in Texas."
    assert text.paragraph(answer) == "We married in Guadalajara.\n\nMy husband is Luis.\n He works in Texas."
    assert text.paragraph("e\u0301") == "\u00e9"  # NFC, not NFKC: "ﬁ" stays as typed
    assert text.paragraph("\ufb01") == "\ufb01"


def test_every_new_message_exists_in_english_and_spanish():
    for key in ("billing.amount_digits", "billing.line_quantity_invalid", "intake.number_invalid"):
        assert t(key, "en", value="x", line=1, max=2, low=0, high=9, question="q") != key
        assert t(key, "es", value="x", line=1, max=2, low=0, high=9, question="q") != t(key, "en", value="x",
                                                                                           line=1, max=2, low=0,
                                                                                           high=9, question="q")
