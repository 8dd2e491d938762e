"""Demo checklists in realistic states, so a fresh `make run` shows document collection at work:
María's I-130 intake is submitted (the answers added items), her passport is accepted, her birth
certificate was rejected with a reason, and her marriage certificate waits for review; Wei's H-1B
intake is a draft and his passport expires within the firm's window; Amara has not started."""
from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image, ImageDraw
from pypdf import PdfWriter
from sqlmodel import select

from models import Client, DocumentRequest, Matter, User, utcnow
from portal_app.services.documents import intake, review, uploads
from portal_app.services.kernel import db
from portal_app.services.kernel.actor import Actor

MARIA_ANSWERS = {
    "full_name": "María García López", "date_of_birth": "1991-03-14", "country_of_birth": "Mexico",
    "phone": "+1 305 555 0142", "address": "2150 SW 8th St, Miami, FL 33135", "married": True,
    "prior_marriages": 1, "has_children": False, "prior_us_status": True, "arrests": False, "name_change": True,
    "relationship": "spouse", "petitioner_status": "us_citizen", "marriage_date": "2023-06-17",
    "representation": True, "truthful": True, "electronic_communication": True, "signature": "María García López",
}


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _photo(text: str) -> bytes:
    image = Image.new("RGB", (900, 600), (236, 232, 220))
    ImageDraw.Draw(image).text((40, 40), text, fill=(40, 40, 40))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _actor(email: str) -> Actor:
    with db.read() as s:
        user = s.exec(select(User).where(User.email == email)).one()
        client_id = s.exec(select(Client.id).where(Client.user_id == user.id)).first()
        return Actor(user_id=user.id, role=user.role, email=user.email, full_name=user.full_name, locale=user.locale,
                     client_id=client_id, organization_id=user.organization_id)


def _request(reference: str, key: str) -> str:
    with db.read() as s:
        return str(s.exec(select(DocumentRequest.id).join(Matter, Matter.id == DocumentRequest.matter_id)
                          .where(Matter.reference == reference, DocumentRequest.key == key)).one())


def _matter(reference: str) -> str:
    with db.read() as s:
        return str(s.exec(select(Matter.id).where(Matter.reference == reference)).one())


def seed_states() -> None:
    maria, wei, paralegal = _actor("maria@demo.example"), _actor("wei@demo.example"), _actor("paralegal@demo.example")
    i130 = _matter("MTR-2026-0001")
    intake.submit(maria, i130, MARIA_ANSWERS)
    passport = uploads.upload_bytes(maria, _request("MTR-2026-0001", "passport_bio"), "pasaporte.jpg",
                                    _photo("PASAPORTE - GARCIA LOPEZ, MARIA"))
    review.accept(paralegal, passport.version_id, expiry_date=date(2031, 9, 30))
    birth = uploads.upload_bytes(maria, _request("MTR-2026-0001", "birth_certificate"), "acta.jpg",
                                 _photo("ACTA DE NACIMIENTO (pagina 1)"))
    review.reject(paralegal, birth.version_id, "We need the long-form birth certificate with both pages, "
                                               "and its certified English translation in the same file.")
    uploads.upload_bytes(maria, _request("MTR-2026-0001", "marriage_certificate"), "marriage.pdf", _pdf())
    h1b = _matter("MTR-2026-0002")
    intake.save_draft(wei, h1b, {"full_name": "Wei Zhang", "country_of_birth": "China", "prior_us_status": "yes"})
    wei_passport = uploads.upload_bytes(wei, _request("MTR-2026-0002", "passport_bio"), "IMG_2041.jpg",
                                        _photo("PASSPORT - ZHANG, WEI"))
    review.accept(paralegal, wei_passport.version_id, expiry_date=(utcnow() + timedelta(days=120)).date())
