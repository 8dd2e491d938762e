"""What delivers an outbox message: the interface, the permanent-refusal error, and the console
sender (the embedded default that needs no mail server). SMTP is in smtp.py."""
from __future__ import annotations

import sys
from typing import Protocol

from models import OutboxMessage


class PermanentMailError(Exception):
    """The server refused the message for good (unknown mailbox, rejected content): no retry."""


class Sender(Protocol):
    def send(self, message: OutboxMessage) -> None: ...


class ConsoleSender:
    """Prints each message; the embedded default that needs no mail server."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stdout

    def send(self, message: OutboxMessage) -> None:
        print(f"\n--- mail to {message.to_address}: {message.subject}\n{message.body_text}\n---", file=self.stream, flush=True)

    def close(self) -> None:
        return None
