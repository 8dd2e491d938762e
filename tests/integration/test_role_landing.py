"""Where each role lands after signing in (issue 9), written out by hand from the product rules."""
from __future__ import annotations

import pytest

from tests.matrix_world import build_matrix_world

LANDING = {"admin": "/staff", "attorney": "/staff", "paralegal": "/staff", "billing": "/billing", "client": "/client",
           "hr": "/employer"}


@pytest.fixture
def world(portal_db):
    return build_matrix_world()


@pytest.mark.parametrize("role", list(LANDING))
def test_each_role_lands_on_its_own_home(world, role):
    assert world.actor(role).home_path == LANDING[role]
