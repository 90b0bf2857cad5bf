"""The activity types page: channel marketing adds, renames and withdraws the
types partners may ask funds for, audited; a taken name changes nothing."""

import pytest
from django.urls import reverse

from openprm.core.models import AuditEntry
from openprm.funds.models import ActivityType
from openprm.funds.tests import factories as f

pytestmark = pytest.mark.django_db


def test_add_rename_and_withdraw_a_type(client):
    client.force_login(f.reviewer())
    url = reverse("console:fund_activity_types")

    added = client.post(url, {"name": "Podcast", "is_active": "on"})
    podcast = ActivityType.objects.get(name="Podcast")
    renamed = client.post(
        reverse("console:fund_activity_type_edit", args=[podcast.pk]),
        {"name": "Podcast series"},
    )
    page = client.get(url)

    assert added.status_code == renamed.status_code == 302
    podcast.refresh_from_db()
    assert (podcast.name, podcast.is_active) == ("Podcast series", False)
    assert "Withdrawn" in page.content.decode()
    assert AuditEntry.objects.filter(verb__startswith="fund_activity_type").count() == 2


def test_a_taken_name_is_refused_on_the_form(client):
    f.activity_type()
    client.force_login(f.reviewer())
    before = ActivityType.objects.count()

    refused = client.post(
        reverse("console:fund_activity_types"), {"name": "webinar", "is_active": "on"}
    )

    assert refused.status_code == 400
    assert "Enter a name not used by another type." in refused.content.decode()
    assert ActivityType.objects.count() == before


def test_the_page_reads_the_same_queries_for_few_or_many_types(
    client, django_assert_max_num_queries
):
    client.force_login(f.reviewer())
    for number in range(8):
        ActivityType.objects.create(name=f"Type {number}")
    with django_assert_max_num_queries(8):
        client.get(reverse("console:fund_activity_types"))
