"""Mail to a matter's client about their documents (a rejection, an expiring document), in the
client's language, with a link to the matter's documents page."""
from __future__ import annotations

from sqlmodel import Session

from models import Client, Matter, User
from portal_app.services.kernel.settings import get_settings
from portal_app.services.messaging import mail


def mail_client(s: Session, matter: Matter, template: str, **params) -> None:
    client = s.get(Client, matter.client_id)
    if client is None:
        return
    user = s.get(User, client.user_id) if client.user_id else None
    locale = (user.locale if user else None) or client.preferred_language or "en"
    link = f"{get_settings().public_url}/matters/{matter.id}/documents"
    mail.enqueue(s, to_address=user.email if user else client.email, template=template, locale=locale,
                 user_id=user.id if user else None, matter_id=matter.id, name=client.full_name.split(" ")[0],
                 reference=matter.reference, link=link, **params)
