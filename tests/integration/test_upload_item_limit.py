"""The per-item limit on /_upload answers 413 from the declared length alone, before the body is read."""
from __future__ import annotations

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from models import DocumentRequest
from portal_app.api import UploadItemLimit
from portal_app.services.documents import checklists
from portal_app.services.kernel import db
from tests.world import build_world


def _app(seen: list) -> Starlette:
    async def upload(request):
        seen.append(len(await request.body()))
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/_upload", upload, methods=["POST"])])


@pytest.fixture
def resume_id(portal_db):
    world = build_world()
    with db.write() as s:
        checklists.instantiate(s, None, s.merge(world.matters["own"]))
    with db.read() as s:
        return str(s.exec(select(DocumentRequest.id).where(DocumentRequest.key == "resume")).first())


def test_declared_length_over_the_items_limit_is_refused_unread(resume_id):
    seen: list = []
    limit = 10 * 1024 * 1024  # the resume item's limit
    with TestClient(UploadItemLimit(_app(seen))) as c:
        small = c.post("/_upload", content=b"x" * 1000, headers={"x-portal-request": resume_id})
        assert small.status_code == 200 and seen == [1000]
        big = c.post("/_upload", content=b"x" * (limit + 100_000), headers={"x-portal-request": resume_id})
        assert big.status_code == 413 and "10 MB per file" in big.json()["message"]
        two = c.post("/_upload", content=b"x" * (limit + 100_000),
                     headers={"x-portal-request": resume_id, "x-portal-files": "2"})
        assert two.status_code == 200
        unknown = c.post("/_upload", content=b"x" * 100, headers={"x-portal-request": "not-a-uuid"})
        assert unknown.status_code == 200  # the handler refuses it with a message
    assert seen == [1000, limit + 100_000, 100]
