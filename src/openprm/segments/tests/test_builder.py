"""The rule builder: rules as rows of conditions and back (segments.builder), the
builder's redraw endpoint and saving through the rows."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.models import AuditEntry
from openprm.partners.models import CustomFieldDefinition
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import ProgrammeFactory, TierFactory
from openprm.scoring.tests.factories import ScorecardFactory
from openprm.segments import builder
from openprm.segments.models import Segment
from openprm.segments.tests.factories import SegmentFactory
from openprm.segments.views import segment_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(VendorUserFactory())
    return client


def posted(built: builder.Builder, **extra) -> QueryDict:
    """The form data the page posts for these rows."""
    data = QueryDict(mutable=True)
    data["rule_mode"] = "builder"
    data["rule_join"] = built.join
    for row in built.rows:
        prefix = f"cond-{row.index}-"
        data.appendlist("cond", str(row.index))
        data[f"{prefix}field"], data[f"{prefix}op"] = row.field, row.op
        data.setlist(f"{prefix}value", row.values)
        data[f"{prefix}choice"] = row.choice
        data[f"{prefix}min"], data[f"{prefix}max"] = row.minimum, row.maximum
    for key, value in extra.items():
        data[key] = value
    return data


def test_every_kind_of_condition_goes_to_rows_and_back_unchanged():
    CustomFieldDefinition.objects.create(
        key="seats", label="Seats", field_type="number"
    )
    CustomFieldDefinition.objects.create(key="since", label="Since", field_type="date")
    CustomFieldDefinition.objects.create(key="vip", label="VIP", field_type="boolean")
    tier = TierFactory(programme=ProgrammeFactory(slug="resell"), name="Gold")
    card = ScorecardFactory()
    rule = {
        "any": [
            {"field": "status", "op": "eq", "value": "active"},
            {"field": "region", "op": "in", "value": ["EMEA", "APAC"]},
            {"field": "specialisations", "op": "any", "value": ["security"]},
            {"field": "tags", "op": "any", "value": ["fast", "big"]},
            {"field": "country", "op": "eq", "value": "NO"},
            {"field": "channel_manager", "op": "is_set", "value": False},
            {"field": "programme", "op": "in", "value": ["resell"]},
            {
                "field": "tier",
                "op": "gte",
                "value": {"programme": "resell", "tier": "Gold"},
            },
            {"field": "custom:seats", "op": "gt", "value": 10},
            {"field": "custom:since", "op": "lt", "value": "2025-01-31"},
            {"field": "custom:vip", "op": "is", "value": True},
            {
                "field": "score",
                "op": "between",
                "value": {"scorecard": str(card.public_id), "min": 60, "max": 100},
            },
        ]
    }
    catalogue = segment_catalogue()
    rows = builder.from_rule(rule, catalogue)
    assert rows.flat
    assert [row.widget for row in rows.rows] == [
        "select",
        "multi",
        "multi",
        "list",
        "select",
        "bool",
        "multi",
        "tier",
        "number",
        "date",
        "bool",
        "score",
    ]
    assert ("resell/Gold", f"{tier.programme.name} · Gold") in rows.rows[7].options
    again = builder.from_data(posted(rows), catalogue)
    assert builder.to_rule(again)[0]["any"] == rule["any"]


def test_a_nested_rule_is_left_to_json():
    rule = {"not": {"field": "region", "op": "eq", "value": "EMEA"}}
    assert builder.from_rule(rule, segment_catalogue()).flat is False


def test_a_row_without_its_value_is_left_out_of_the_rule():
    catalogue = segment_catalogue()
    rows = builder.Builder()
    builder.add_row(rows, catalogue)
    assert builder.to_rule(rows)[0] == {}
    assert rows.incomplete is True


def test_the_blank_form_shows_no_error(admin_client):
    page = admin_client.get(reverse("console:segment_create")).content.decode()
    assert 'data-testid="rule-builder"' in page
    assert "error" not in page.lower().replace("errors.html", "")
    assert "A condition has exactly" not in page


def test_adding_a_condition_shows_a_row_with_choices_and_no_error(admin_client):
    response = admin_client.post(
        reverse("console:segment_rule_builder"),
        {"rule_mode": "builder", "rule_join": "all", "builder_action": "add"},
    )
    page = response.content.decode()
    assert page.count('data-testid="rule-row"') == 1
    assert 'data-widget="select"' in page
    assert '<option value="active">Active</option>' in page
    assert "Give text values" not in page
    assert 'data-testid="rule-row-error"' not in page


def test_changing_the_field_gives_its_widget_and_operators(admin_client):
    CustomFieldDefinition.objects.create(
        key="seats", label="Seats", field_type="number"
    )
    response = admin_client.post(
        reverse("console:segment_rule_builder"),
        {
            "rule_mode": "builder",
            "rule_join": "all",
            "cond": "0",
            "cond-0-field": "custom:seats",
            "cond-0-op": "eq",
        },
    )
    page = response.content.decode()
    assert 'data-widget="number"' in page
    assert 'type="number"' in page
    assert ">is at least</option>" in page


def test_the_builder_counts_the_partners_of_the_complete_rows(admin_client):
    PartnerFactory(region="EMEA")
    PartnerFactory(region="APAC")
    response = admin_client.post(
        reverse("console:segment_rule_builder"),
        {
            "rule_mode": "builder",
            "rule_join": "all",
            "cond": ["0", "1"],
            "cond-0-field": "region",
            "cond-0-op": "eq",
            "cond-0-value": "EMEA",
            "cond-1-field": "status",
            "cond-1-op": "eq",
        },
    )
    page = response.content.decode()
    assert "1 partner matches" in page
    assert "&quot;value&quot;: &quot;EMEA&quot;" in page
    assert 'data-testid="rule-row-error"' not in page


def test_removing_a_condition_drops_its_row(admin_client):
    response = admin_client.post(
        reverse("console:segment_rule_builder"),
        {
            "rule_mode": "builder",
            "rule_join": "any",
            "cond": ["0", "3"],
            "cond-0-field": "region",
            "cond-0-value": "EMEA",
            "cond-3-field": "region",
            "cond-3-value": "APAC",
            "builder_action": "remove-0",
        },
    )
    page = response.content.decode()
    assert page.count('data-testid="rule-row"') == 1
    assert 'name="cond-3-field"' in page


def test_saving_the_rows_stores_the_rule_as_json(admin_client):
    response = admin_client.post(
        reverse("console:segment_create"),
        {
            "name": "Nordic",
            "kind": "dynamic",
            "is_active": "on",
            "rule_mode": "builder",
            "rule_join": "all",
            "cond": "0",
            "cond-0-field": "country",
            "cond-0-op": "in",
            "cond-0-value": ["NO", "SE"],
        },
    )
    assert response.status_code == 302
    assert Segment.objects.get().rule == {
        "all": [{"field": "country", "op": "in", "value": ["NO", "SE"]}]
    }


def test_a_row_missing_its_value_is_named_on_save_and_nothing_is_saved(admin_client):
    response = admin_client.post(
        reverse("console:segment_create"),
        {
            "name": "Nordic",
            "kind": "dynamic",
            "rule_mode": "builder",
            "rule_join": "all",
            "cond": "0",
            "cond-0-field": "country",
            "cond-0-op": "eq",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose or enter a value." in page
    assert Segment.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_the_rules_own_refusal_lands_on_its_row(admin_client):
    response = admin_client.post(
        reverse("console:segment_create"),
        {
            "name": "Managed",
            "kind": "dynamic",
            "rule_mode": "builder",
            "rule_join": "all",
            "cond": ["0", "1"],
            "cond-0-field": "region",
            "cond-0-op": "eq",
            "cond-0-value": "EMEA",
            "cond-1-field": "channel_manager",
            "cond-1-op": "eq",
            "cond-1-value": "not an address",
        },
    )
    page = response.content.decode()
    assert page.count('data-testid="rule-row-error"') == 1
    assert "Give the channel manager&#x27;s email address." in page
    assert "rule.all.1.value" not in page
    assert Segment.objects.count() == 0


def test_editing_a_saved_rule_in_rows_keeps_it(admin_client):
    rule = {"any": [{"field": "region", "op": "in", "value": ["EMEA", "APAC"]}]}
    segment = SegmentFactory(name="Two regions", rule=rule)
    rows = builder.from_rule(rule, segment_catalogue())
    data = posted(rows, name="Two regions", description="", is_active="on")
    response = admin_client.post(
        reverse("console:segment_update", kwargs={"public_id": segment.public_id}),
        data.urlencode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    segment.refresh_from_db()
    assert segment.rule == rule


def test_switching_to_json_and_back_keeps_the_rule(admin_client):
    url = reverse("console:segment_rule_builder")
    page = admin_client.post(
        url,
        {
            "rule_mode": "builder",
            "rule_join": "all",
            "cond": "0",
            "cond-0-field": "region",
            "cond-0-op": "eq",
            "cond-0-value": "EMEA",
            "builder_action": "json",
        },
    ).content.decode()
    assert 'data-testid="rule-json-input"' in page
    back = admin_client.post(
        url,
        {
            "rule_mode": "json",
            "rule": '{"all": [{"field": "region", "op": "eq", "value": "EMEA"}]}',
            "builder_action": "builder",
        },
    ).content.decode()
    assert back.count('data-testid="rule-row"') == 1


def test_the_audience_builder_counts_every_partner_without_conditions(client):
    client.force_login(VendorUserFactory())
    PartnerFactory()
    page = client.post(
        reverse("console:audience_rule_builder"),
        {"rule_mode": "builder", "rule_join": "all"},
    ).content.decode()
    assert 'data-testid="reach"' in page
    assert "No condition: every partner." in page
