"""The SMTP sender adapter: plain-text and HTML parts, STARTTLS or implicit TLS, optional login.

One connection is opened on the first message of a delivery pass and reused for the rest.
5xx refusals are permanent (no retry); connection problems, time-outs and 4xx are temporary.
"""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from models import OutboxMessage
from portal_app.services.kernel.settings import SmtpSettings
from portal_app.services.messaging.senders import PermanentMailError


def build_message(message: OutboxMessage, sender: str, firm_name: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = formataddr((firm_name, sender))
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    domain = sender.rsplit("@", 1)[-1] or "localhost"
    email["Message-ID"] = f"<{message.id}@{domain}>" if message.id else make_msgid(domain=domain)
    email["Content-Language"] = message.locale
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


def _is_permanent(exc: smtplib.SMTPException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    code = getattr(exc, "smtp_code", None)
    return isinstance(exc, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)) and code is not None and code >= 500


class SmtpSender:
    def __init__(self, settings: SmtpSettings, mail_from: str, firm_name: str,
                 tls_context: ssl.SSLContext | None = None) -> None:
        if not settings.host:
            raise PermanentMailError("PORTAL_SMTP_HOST is not set")
        self.settings, self.mail_from, self.firm_name = settings, mail_from, firm_name
        self.tls_context = tls_context or ssl.create_default_context()
        self._conn: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        cfg = self.settings
        if cfg.security == "tls":
            conn = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout_seconds, context=self.tls_context)
        else:
            conn = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout_seconds)
            conn.ehlo()
            if cfg.security == "starttls":
                conn.starttls(context=self.tls_context)
                conn.ehlo()
        if cfg.user:
            conn.login(cfg.user, cfg.password.get_secret_value())
        return conn

    def send(self, message: OutboxMessage) -> None:
        email = build_message(message, self.mail_from, self.firm_name)
        try:
            if self._conn is None:
                self._conn = self._connect()
            self._conn.send_message(email, from_addr=self.mail_from, to_addrs=[message.to_address])
        except smtplib.SMTPException as exc:
            if _is_permanent(exc):
                raise PermanentMailError(str(exc)) from exc
            self.close()
            raise
        except OSError:
            self.close()
            raise

    def close(self) -> None:
        if self._conn is None:
            return
        conn, self._conn = self._conn, None
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            conn.close()
