"""Unknown query parameters are refused; a view names what it reads itself."""

import pytest
from django.test import RequestFactory

from openprm.core.api import refusing_unknown_query
from openprm.core.errors import ValidationFailed


def _view(request):
    return "read"


def test_a_family_of_names_a_view_reads_itself_is_let_through():
    view = refusing_unknown_query(_view, also=("q", "cf_*"))

    request = RequestFactory().get("/", {"q": "x", "cf_owner": "a", "cf_size__min": 2})

    assert view(request) == "read"


def test_a_name_outside_the_family_is_refused():
    view = refusing_unknown_query(_view, also=("q", "cf_*"))

    with pytest.raises(ValidationFailed) as refused:
        view(RequestFactory().get("/", {"cfowner": "a"}))

    assert refused.value.field_errors == {"cfowner": ["Unknown query parameter."]}
