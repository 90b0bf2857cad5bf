"""The web layer's helpers."""

import uuid

import pytest
from django.urls import NoReverseMatch, reverse

from openprm.core.web import uuid_urls


def test_uuid_urls_are_what_reverse_gives_for_each_key():
    asset_url = uuid_urls("portal:library_asset")
    keys = [uuid.uuid4() for _ in range(3)]

    assert [asset_url(key) for key in keys] == [
        reverse("portal:library_asset", args=[key]) for key in keys
    ]


def test_uuid_urls_refuse_a_view_without_one_uuid():
    with pytest.raises(NoReverseMatch):
        uuid_urls("portal:library")
