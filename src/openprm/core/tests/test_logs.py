"""An ordinary refusal is one line in the server log, not a traceback."""

import io
import logging
import uuid

import pytest

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.logs import ClientErrorsOnOneLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def server_log():
    """What the configured console handler writes."""
    handler = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(item, ClientErrorsOnOneLine) for item in handler.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.WARNING)
    yield stream
    logger.setLevel(level)
    handler.setStream(previous)


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/console/deals/review/", 403, "Forbidden"),
        (f"/console/deals/{uuid.uuid4()}/", 404, "Not Found"),
    ],
)
def test_a_refused_or_missing_page_is_one_line(client, server_log, path, status, words):
    client.force_login(VendorUserFactory(vendor_role=VendorRole.FINANCE))

    response = client.get(path)

    assert response.status_code == status
    lines = server_log.getvalue().splitlines()
    assert len(lines) == 1
    assert words in lines[0] and path in lines[0]


def test_a_server_error_keeps_its_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error",
            None,
            (type(error), error, error.__traceback__),
        )
    record.status_code = 500

    assert ClientErrorsOnOneLine().filter(record)
    assert record.exc_info is not None
