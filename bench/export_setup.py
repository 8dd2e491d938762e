"""A matter holding large documents, stored exactly as uploads are (sealed piece by piece, so the
set-up itself never holds a file in memory), for the export benchmark."""
from __future__ import annotations

import os

from sqlmodel import select

from models import CaseType, Client, Document, DocumentRequest, DocumentVersion, Matter
from portal_app.services.files import store as filestore
from portal_app.services.kernel import db
from portal_app.services.matters import case_types

PIECE = 1024 * 1024


def _sealed(size: int):
    block = os.urandom(PIECE)
    upload = filestore.Upload()
    written = 0
    while written < size:
        take = min(PIECE, size - written)
        upload.write(block[:take])
        written += take
    return upload.finish()


def matter_with_files(files: int, size: int) -> str:
    with db.write() as s:
        case_types.sync(s)
        s.flush()
        client = Client(full_name="Bench Client", email="bench@x.example")
        s.add(client)
        s.flush()
        matter = Matter(reference="MTR-2026-9999", title="Large file", client_id=client.id,
                        case_type_id=s.exec(select(CaseType.id)).first())
        s.add(matter)
        s.flush()
        matter_id = matter.id
    for n in range(files):
        stored = _sealed(size)
        with db.write() as s:
            request = DocumentRequest(matter_id=matter_id, key=f"exhibit{n}", title=f"Exhibit {n + 1}")
            s.add(request)
            s.flush()
            document = Document(matter_id=matter_id, request_id=request.id, display_name=request.title)
            s.add(document)
            s.flush()
            s.add(DocumentVersion(id=stored.file_id, document_id=document.id, storage_key=stored.storage_key,
                                  wrapped_key=stored.sealed.wrapped_key, chunk_size=stored.sealed.chunk_size,
                                  size_bytes=stored.sealed.size_bytes, sha256=stored.sealed.sha256,
                                  content_type="application/pdf", stored_name=f"Exhibit_{n + 1}.pdf",
                                  original_name=f"exhibit{n + 1}.pdf"))
    return "MTR-2026-9999"
