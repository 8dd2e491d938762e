"""The world the permission matrix runs in (tests/world.py's firm, plus a matter another client has
whose responsible attorney is "attorney" but who is not on its team, and the own matter's two
checklist items, the employee's and the employer's, each with an uploaded file)."""
from __future__ import annotations

from models import Document, DocumentRequest, Matter
from portal_app.services.kernel import db
from tests.world import build_world


def build_matrix_world():
    w = build_world()
    with db.write() as s:
        led = Matter(reference="T-9", title="led matter", case_type_id=w.matters["other"].case_type_id,
                     client_id=w.clients["other_client"].id, responsible_attorney_id=w.users["attorney"].id)
        s.add(led)
        w.items = {}
        for key, provider in (("employee", "beneficiary"), ("employer", "employer")):
            w.items[key] = DocumentRequest(matter_id=w.matters["own"].id, key=f"{key}_item", title=f"{key} item",
                                           provided_by=provider, accepted_types=["pdf"])
            s.add(w.items[key])
        s.flush()
        w.files = {key: Document(matter_id=w.matters["own"].id, request_id=request.id, kind="evidence",
                                 display_name=request.title) for key, request in w.items.items()}
        s.add_all(w.files.values())
        w.matters["led"] = led
    return w

