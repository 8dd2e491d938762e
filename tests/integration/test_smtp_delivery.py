"""Mail really leaves over SMTP (aiosmtpd on 127.0.0.1): STARTTLS or TLS with a login, plain-text
and branded HTML parts, temporary failures retried with back-off, a refused address a final
failure that staff see (matter mail log, failed list, a task) and can send again."""
from __future__ import annotations

import email
from datetime import timedelta
from email import policy as email_policy

import pytest
from sqlmodel import select

from models import OutboxMessage, Task, utcnow
from portal_app.services.identity import invitations
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import NotAllowed
from portal_app.services.kernel.settings import reset_settings
from portal_app.services.messaging import log as mail_log
from portal_app.services.messaging import mail
from tests.integration import smtp_server
from tests.world import build_world


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    cert = smtp_server.make_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))  # the sender trusts it like any CA-signed certificate
    return cert


@pytest.fixture
def smtp(request, certificate, monkeypatch):
    security = getattr(request, "param", "starttls")
    recorder = smtp_server.Recorder()
    controller = smtp_server.start(security, certificate, recorder)
    for key, value in {"PORTAL_MAIL_BACKEND": "smtp", "PORTAL_SMTP_HOST": "127.0.0.1",
                       "PORTAL_SMTP_PORT": str(controller.port), "PORTAL_SMTP_SECURITY": security,
                       "PORTAL_SMTP_USER": smtp_server.USER, "PORTAL_SMTP_PASSWORD": smtp_server.PASSWORD,
                       "PORTAL_MAIL_FROM": "portal@rivera-chen.example", "PORTAL_SMTP_TIMEOUT_SECONDS": "5",
                       "PORTAL_FIRM_COLOR": "#7a1f5c"}.items():
        monkeypatch.setenv(key, value)
    reset_settings()
    yield recorder
    controller.stop()


@pytest.fixture
def world(portal_db):
    return build_world()


def _invite(world, address="jane@example.com", language="es") -> None:
    invitations.invite_client(world.actor("attorney"), full_name="Jane Doe", email=address, language=language)


def _message(address: str) -> OutboxMessage:
    with db.read() as s:
        return s.exec(select(OutboxMessage).where(OutboxMessage.to_address == address)).one()


@pytest.mark.parametrize("smtp", ["starttls", "tls"], indirect=True)
def test_mail_leaves_over_smtp_with_text_and_branded_html(world, smtp):
    _invite(world)
    assert mail.deliver_pending() == 1
    [received] = smtp.messages
    assert received["to"] == ["jane@example.com"] and received["authenticated"] and received["tls"]
    parsed = email.message_from_bytes(received["content"], policy=email_policy.default)
    assert parsed["Subject"] == "Su portal seguro en Rivera & Chen Immigration Law"
    assert parsed["From"].addresses[0].display_name == "Rivera & Chen Immigration Law"
    assert parsed["Message-ID"] == f"<{_message('jane@example.com').id}@rivera-chen.example>"
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    link = next(word for word in text.split() if "/invitation/" in word)
    assert text.startswith("Hola, Jane Doe:") and "vence en 72 horas" in text
    assert f'href="{link}"' in html and "#7a1f5c" in html and "Rivera &amp; Chen Immigration Law" in html
    assert "http://localhost:3000/logo.svg" in html and 'lang="es"' in html
    assert _message("jane@example.com").status == "sent"
    assert mail.deliver_pending() == 0  # sent once


def test_wrong_password_is_retried_with_backoff_and_the_error_kept(world, smtp, monkeypatch):
    monkeypatch.setenv("PORTAL_SMTP_PASSWORD", "not the password")
    reset_settings()
    _invite(world)
    now = utcnow()
    assert mail.deliver_pending(now=now) == 0
    message = _message("jane@example.com")
    assert message.status == "pending" and message.attempts == 1 and "SMTPAuthenticationError" in message.last_error
    assert message.next_attempt_at == now + timedelta(minutes=1)
    assert mail.deliver_pending(now=now + timedelta(seconds=30)) == 0 and _message("jane@example.com").attempts == 1
    monkeypatch.setenv("PORTAL_SMTP_PASSWORD", smtp_server.PASSWORD)
    reset_settings()
    assert mail.deliver_pending(now=now + timedelta(minutes=1)) == 1 and len(smtp.messages) == 1


def test_a_temporary_refusal_is_retried_and_then_delivered(world, smtp):
    smtp.temporary_failures = 2
    _invite(world)
    now = utcnow()
    assert mail.deliver_pending(now=now) == 0
    assert mail.deliver_pending(now=now + timedelta(minutes=1)) == 0
    message = _message("jane@example.com")
    assert message.attempts == 2 and "451" in message.last_error
    assert message.next_attempt_at == now + timedelta(minutes=1) + timedelta(minutes=5)
    assert mail.deliver_pending(now=message.next_attempt_at) == 1
    assert _message("jane@example.com").status == "sent" and len(smtp.messages) == 1


def test_a_refused_address_fails_for_good_and_staff_see_it(world, smtp):
    smtp.refuse.add("gone@example.com")
    matter_id = world.matters["own"].id
    with db.write() as s:
        mail.enqueue(s, to_address="gone@example.com", template="invitation", matter_id=matter_id, name="Gone",
                     link="http://localhost:3000/x", hours=72)
    assert mail.deliver_pending() == 0
    failed = _message("gone@example.com")
    assert failed.status == "failed" and failed.attempts == 1 and "550" in failed.last_error  # no pointless retries
    paralegal = world.actor("paralegal")
    assert [m.to_address for m in mail_log.failed(paralegal)] == ["gone@example.com"]
    assert [m.status for m in mail_log.for_matter(paralegal, str(matter_id))] == ["failed"]
    assert mail_log.failed(world.actor("other_attorney")) == []
    with db.read() as s:
        task = s.exec(select(Task).where(Task.kind == "mail_failed")).one()
    assert task.assignee_id == world.users["paralegal"].id and task.status == "open"
    smtp.refuse.clear()
    mail_log.retry(paralegal, str(failed.id))
    assert mail.deliver_pending() == 1
    with db.read() as s:
        assert s.get(Task, task.id).status == "done"


def test_server_down_ends_in_a_final_failure_after_the_last_attempt(world, monkeypatch, certificate):
    monkeypatch.setenv("PORTAL_MAIL_BACKEND", "smtp")
    monkeypatch.setenv("PORTAL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PORTAL_SMTP_PORT", str(smtp_server.free_port()))  # nobody listens there
    monkeypatch.setenv("PORTAL_MAIL_MAX_ATTEMPTS", "3")
    reset_settings()
    _invite(world)
    now = utcnow()
    for step in range(3):
        mail.deliver_pending(now=now)
        message = _message("jane@example.com")
        now = message.next_attempt_at or now
    assert message.status == "failed" and message.attempts == 3 and "ConnectionRefused" in message.last_error
    assert [m.to_address for m in mail_log.failed(world.actor("admin"))] == ["jane@example.com"]
    assert mail_log.failed(world.actor("attorney")) == []  # not on a matter: admins handle it
    with pytest.raises(NotAllowed):
        mail_log.retry(world.actor("attorney"), str(message.id))
    mail_log.retry(world.actor("admin"), str(message.id))
    assert _message("jane@example.com").status == "pending"
