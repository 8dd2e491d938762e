"""The clock every layer reads: aware UTC now (one definition, in models.base)."""
from __future__ import annotations

from models.base import utcnow

__all__ = ["utcnow"]
