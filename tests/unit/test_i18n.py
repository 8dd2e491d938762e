"""Every translation key the code uses exists in the English catalog."""
from __future__ import annotations

import re
from pathlib import Path

from portal_app.services.kernel import i18n, policy

ROOT = Path(__file__).resolve().parents[2] / "portal_app"
ERRORS = r"(?:InvalidInput|NotAllowed|NotFound|Conflict|InvalidLink|SignInFailed|RateLimited|PortalError)"
KEY_USES = re.compile(rf"""(?:\bt|{ERRORS})\(\s*["']([a-z_]+\.[a-z_.]+)["']""")
TEMPLATES = re.compile(r"""template=["']([a-z_]+)["']""")


def _source() -> str:
    return "\n".join(p.read_text() for p in ROOT.rglob("*.py"))


def test_every_used_key_exists():
    catalog = i18n.catalog("en")
    source = _source()
    used = set(KEY_USES.findall(source))
    used |= {f"mail.{name}.{part}" for name in TEMPLATES.findall(source) for part in ("subject", "body")}
    used |= {f"role.{r}" for r in policy.ROLES}
    used |= {f"matter.status.{s}" for s in ("open", "filed", "approved", "denied", "closed")}
    missing = sorted(k for k in used if k not in catalog)
    assert not missing, missing
    assert len(used) > 60


def test_fallback_and_parameters():
    assert i18n.t("auth.locked", "es", minutes=3).endswith("or reset your password.")
    assert i18n.t("no.such.key") == "no.such.key"
    assert "en" in i18n.available_locales()


def test_an_empty_entry_stays_empty():
    assert i18n.t("webhook.col_replay") == ""  # a column without a heading, not "webhook.col_replay"
