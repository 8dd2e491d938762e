"""The Stripe webhook tests' fixtures: the local Stripe stub configured as the portal's Stripe, the
test firm on it, and the API's test client."""
from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from portal_app.api import RequestGuard, build_api
from tests.stripe_webhook_helpers import stripe_stub_configured
from tests.world import build_world


@pytest.fixture
def stub(portal_db, monkeypatch):
    with stripe_stub_configured(monkeypatch) as running:
        yield running


@pytest.fixture
def world(stub):
    return build_world()


@pytest.fixture
def http():
    with TestClient(RequestGuard(build_api())) as client:
        yield client
