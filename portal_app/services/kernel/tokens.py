"""Random opaque tokens. Only their SHA-256 is ever stored."""
from __future__ import annotations

import hashlib
import secrets
from typing import TypeVar

from sqlmodel import Session, select

Row = TypeVar("Row")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(token: object) -> bool:
    """A cheap shape check so malformed input never reaches a query."""
    return isinstance(token, str) and 20 <= len(token) <= 100 and token.replace("-", "").replace("_", "").isalnum()


def row_by_token(s: Session, model: type[Row], token: object) -> Row | None:
    """The row of `model` whose `token_hash` is this token's, or None (a malformed token never
    reaches the query). The one lookup of the one-time links (invitations, resets, task links)."""
    if not looks_like_token(token):
        return None
    return s.exec(select(model).where(model.token_hash == hash_token(token))).first()
