"""Files on a test world's matters for the retention and export tests: evidence stored exactly as
an upload stores it (sealed, a Document and a DocumentVersion), and billing PDFs as billing stores them."""
from __future__ import annotations

import hashlib
import os
import uuid

from models import Document, DocumentRequest, DocumentVersion
from portal_app.services.files import store as filestore
from portal_app.services.files.generated import store_generated
from portal_app.services.kernel import db


def add_evidence(matter, title: str, data: bytes | None = None, versions: int = 1) -> list[tuple[str, str]]:
    """A checklist item with `versions` files; returns [(version id, sha256 of the plaintext)]."""
    out = []
    with db.write() as s:
        request = DocumentRequest(matter_id=matter.id, key=title.lower().replace(" ", "_")[:60], title=title,
                                  naming_convention=title.replace(" ", "_") + "_{name}", status="uploaded")
        s.add(request)
        s.flush()
        document = Document(matter_id=matter.id, request_id=request.id, kind="evidence", display_name=title)
        s.add(document)
        s.flush()
        for number in range(1, versions + 1):
            body = data if data is not None else b"%PDF-1.7\n" + os.urandom(300_000 + number) + b"\n%%EOF\n"
            version_id = uuid.uuid4()
            stored = filestore.seal_bytes(body, version_id)
            name = f"{title.replace(' ', '_')}_v{number}.pdf"
            s.add(DocumentVersion(id=version_id, document_id=document.id, version_no=number,
                                  storage_key=stored.storage_key, wrapped_key=stored.sealed.wrapped_key,
                                  chunk_size=stored.sealed.chunk_size, size_bytes=stored.sealed.size_bytes,
                                  sha256=stored.sealed.sha256, content_type="application/pdf", stored_name=name,
                                  original_name=f"scan {number}.pdf"))
            out.append((str(version_id), hashlib.sha256(body).hexdigest()))
    return out


def add_invoice_pdf(matter, name: str = "Invoice INV-0001.pdf") -> str:
    with db.write() as s:
        return store_generated(s, actor=None, matter_id=matter.id, kind="invoice_pdf", display_name=name,
                               data=b"%PDF-1.7\n" + os.urandom(2000) + b"\n%%EOF\n", content_type="application/pdf")
