import pytest

from openprm.approvals.tests import subject


@pytest.fixture(autouse=True)
def _fresh_subject():
    subject.told.clear()
    subject.refuse_decisions.clear()
    yield
    subject.told.clear()
    subject.refuse_decisions.clear()
