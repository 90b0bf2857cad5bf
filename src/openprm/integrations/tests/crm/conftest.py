"""A real BottleCRM for the sync tests: one server for the session (installed into
``var/bottlecrm/`` the first time), emptied before each test that uses it."""

import pytest

from openprm.testing import bottlecrm


@pytest.fixture(scope="session")
def bottlecrm_server():
    try:
        server = bottlecrm.start()
    except bottlecrm.Unavailable as error:
        pytest.skip(f"BottleCRM cannot run here: {error}")
    yield server
    server.stop()


@pytest.fixture
def crm(bottlecrm_server):
    bottlecrm_server.reset()
    return bottlecrm_server
