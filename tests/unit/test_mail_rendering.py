"""The HTML part is rendered from any template's text, escaped and branded; the settings for mail
and reminders are checked at start-up."""
from __future__ import annotations

import pytest

from portal_app.services.kernel import i18n
from portal_app.services.kernel.settings import SettingsError, load_settings
from portal_app.services.messaging import html as mail_html


def test_any_text_becomes_branded_escaped_html(monkeypatch):
    monkeypatch.setenv("PORTAL_FIRM_NAME", "Ortiz <Law>")
    monkeypatch.setenv("PORTAL_FIRM_COLOR", "#aa3300")
    from portal_app.services.kernel.settings import reset_settings
    reset_settings()
    text = ("Hello <b>Ann</b>,\n\nYour invoice:\n- Line one https://pay.example/x\n- Line two\n\n"
            "https://portal.example/invoices/1\n\nThanks")
    html = mail_html.render("Subject & more", text, "en")
    assert "&lt;b&gt;Ann&lt;/b&gt;" in html and "<b>Ann" not in html
    assert "Ortiz &lt;Law&gt;" in html and "#aa3300" in html and "<title>Subject &amp; more</title>" in html
    assert '<li style="margin:4px 0">Line one <a href="https://pay.example/x"' in html
    assert 'href="https://portal.example/invoices/1" style="background:#aa3300' in html  # a lone link is a button
    assert "Your invoice:</p><ul" in html


def test_a_bad_colour_falls_back(monkeypatch):
    monkeypatch.setenv("PORTAL_FIRM_COLOR", "red;background:url(x)")
    from portal_app.services.kernel.settings import reset_settings
    reset_settings()
    assert "url(x)" not in mail_html.render("s", "text")


@pytest.mark.parametrize("name, value", [("PORTAL_SMTP_SECURITY", "ssl3"), ("PORTAL_MAIL_BACKEND", "pigeon"),
                                         ("PORTAL_QUIET_HOURS", "late-early"), ("PORTAL_DIGEST_HOUR", "23"),
                                         ("PORTAL_REMINDER_DOCUMENT_DAYS", "3,seven")])
def test_bad_mail_and_reminder_settings_are_refused(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError):
        load_settings()


def test_every_client_mail_is_in_english_and_spanish():
    en, es = i18n.catalog("en"), i18n.catalog("es")
    client_mail = [k for k in en if k.startswith(("mail.invitation.", "mail.password_reset.", "mail.reminder_digest.",
                                                  "mail.deadline_notice.", "mail.uscis_status_notice.", "digest.",
                                                  "uscis.meaning.", "uscis.next.", "deadline.kind.",
                                                  "deadline.client_hint.", "date."))]
    assert len(client_mail) > 50
    assert [k for k in client_mail if k not in es] == []
    for key in client_mail:  # same placeholders in both languages
        assert sorted(set(_fields(en[key]))) == sorted(set(_fields(es[key]))), key


def _fields(text: str | tuple[str, ...]) -> list[str]:
    import string
    forms = text if isinstance(text, tuple) else (text,)  # a text with plural forms
    return [name for form in forms for _, name, _, _ in string.Formatter().parse(form) if name]
