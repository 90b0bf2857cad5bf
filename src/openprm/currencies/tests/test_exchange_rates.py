import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.accounts.tokens.keys import hash_token, new_token_secret
from openprm.core.errors import PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.currencies import selectors as rate_selectors
from openprm.currencies import services as rate_services
from openprm.currencies.models import ExchangeRate
from openprm.currencies.tests.factories import ExchangeRateFactory

pytestmark = pytest.mark.django_db

RATES = "/api/v1/exchange-rates"
D = datetime.date


def bearer(user) -> dict[str, str]:
    secret = new_token_secret()
    ApiToken.objects.create(
        user=user, name="script", prefix=secret[:12], key_hash=hash_token(secret)
    )
    return {"Authorization": f"Bearer {secret}"}


def counts() -> tuple[int, int, int]:
    return (
        ExchangeRate.objects.count(),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
    )


@pytest.fixture
def admin():
    return VendorUserFactory(email="ada@vendor.example")


# --- services


def test_an_admin_adds_a_rate_into_the_reporting_currency_audited_and_announced(
    admin,
):
    rate = rate_services.exchange_rate_create(
        actor=admin, currency="usd", rate="0.92", valid_from=D(2026, 1, 1)
    )

    rate.refresh_from_db()
    assert (rate.currency, rate.base_currency, rate.rate, rate.valid_from) == (
        "USD",
        "EUR",
        Decimal("0.9200000000"),
        D(2026, 1, 1),
    )
    entry = AuditEntry.objects.get()
    assert entry.verb == "exchange_rate.created"
    assert entry.changes["rate"] == [None, "0.9200000000"]
    event = OutboxEvent.objects.get()
    assert event.name == "exchange_rate.created"
    assert event.payload["currency"] == "USD"


def test_the_reporting_currency_follows_the_setting(admin, settings):
    settings.OPENPRM_REPORTING_CURRENCY = "USD"

    rate = rate_services.exchange_rate_create(
        actor=admin, currency="EUR", rate="1.08", valid_from=D(2026, 1, 1)
    )

    assert rate.base_currency == "USD"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "EUR"}, "currency"),  # the reporting currency itself
        ({"rate": "0"}, "rate"),
        ({"rate": "-1"}, "rate"),
        ({"rate": "abc"}, "rate"),
        ({"rate": "0.12345678901"}, "rate"),  # 11 decimal places: not rounded
        ({"rate": "100000"}, "rate"),
        ({"valid_from": None}, "valid_from"),
    ],
)
def test_an_invalid_rate_is_refused_and_nothing_is_written(admin, values, field):
    before = counts()
    data = {"currency": "USD", "rate": "0.9", "valid_from": D(2026, 1, 1), **values}

    with pytest.raises(ValidationFailed) as caught:
        rate_services.exchange_rate_create(actor=admin, **data)

    assert list(caught.value.field_errors) == [field]
    assert counts() == before


def test_one_rate_per_currency_and_date(admin):
    ExchangeRateFactory(currency="USD", valid_from=D(2026, 1, 1))
    before = counts()

    with pytest.raises(ValidationFailed) as caught:
        rate_services.exchange_rate_create(
            actor=admin, currency="USD", rate="0.95", valid_from=D(2026, 1, 1)
        )

    assert list(caught.value.field_errors) == ["valid_from"]
    assert counts() == before


@pytest.mark.parametrize("role", ["channel_manager", "finance", "analyst"])
def test_only_vendor_admins_maintain_rates(role):
    actor = VendorUserFactory(vendor_role=role)
    rate = ExchangeRateFactory()
    before = counts()

    with pytest.raises(PermissionDenied):
        rate_services.exchange_rate_create(
            actor=actor, currency="GBP", rate="1.1", valid_from=D(2026, 1, 1)
        )
    with pytest.raises(PermissionDenied):
        rate_services.exchange_rate_update(actor=actor, exchange_rate=rate, rate="2")
    with pytest.raises(PermissionDenied):
        rate_services.exchange_rate_delete(actor=actor, exchange_rate=rate)

    assert counts() == before


def test_a_partner_user_cannot_read_rates():
    with pytest.raises(PermissionDenied):
        rate_selectors.exchange_rate_list(user=UserFactory())


def test_changing_a_rate_records_the_change(admin):
    rate = ExchangeRateFactory(rate=Decimal("0.9000000000"))

    rate_services.exchange_rate_update(actor=admin, exchange_rate=rate, rate="0.93")

    rate.refresh_from_db()
    assert rate.rate == Decimal("0.93")
    entry = AuditEntry.objects.get()
    assert entry.changes == {"rate": ["0.9000000000", "0.9300000000"]}
    assert OutboxEvent.objects.get().name == "exchange_rate.updated"


def test_saving_the_same_rate_again_is_no_change(admin):
    rate = ExchangeRateFactory(rate=Decimal("0.9000000000"))

    rate_services.exchange_rate_update(actor=admin, exchange_rate=rate, rate="0.90")

    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == (0, 0)


def test_moving_a_rate_onto_another_rates_date_is_refused(admin):
    ExchangeRateFactory(currency="USD", valid_from=D(2026, 1, 1))
    rate = ExchangeRateFactory(currency="USD", valid_from=D(2026, 2, 1))
    before = counts()

    with pytest.raises(ValidationFailed):
        rate_services.exchange_rate_update(
            actor=admin, exchange_rate=rate, valid_from=D(2026, 1, 1)
        )

    rate.refresh_from_db()
    assert rate.valid_from == D(2026, 2, 1)
    assert counts() == before


def test_deleting_a_rate(admin):
    rate = ExchangeRateFactory()

    rate_services.exchange_rate_delete(actor=admin, exchange_rate=rate)

    assert ExchangeRate.objects.count() == 0
    assert AuditEntry.objects.get().verb == "exchange_rate.deleted"
    assert OutboxEvent.objects.get().name == "exchange_rate.deleted"


def test_the_rate_table_loads_only_rates_into_the_reporting_currency(
    django_assert_num_queries,
):
    ExchangeRateFactory(currency="USD", rate=Decimal("0.9"), valid_from=D(2026, 1, 1))
    ExchangeRateFactory(
        currency="GBP",
        base_currency="USD",
        rate=Decimal("1.3"),
        valid_from=D(2026, 1, 1),
    )

    with django_assert_num_queries(1):
        table = rate_selectors.rate_table(currencies=["USD", "GBP", "EUR"])

    assert table.rate("USD", D(2026, 5, 1)) == Decimal("0.9")
    assert table.valid_from_dates("GBP") == []


# --- API


def test_api_create_read_update_delete(client, admin):
    headers = bearer(admin)

    created = client.post(
        RATES,
        {"currency": "USD", "rate": "0.92", "valid_from": "2026-01-01"},
        content_type="application/json",
        headers=headers,
    )
    rate_id = created.json()["id"]
    read = client.get(f"{RATES}/{rate_id}", headers=headers)
    changed = client.patch(
        f"{RATES}/{rate_id}",
        {"rate": "0.935"},
        content_type="application/json",
        headers=headers,
    )
    deleted = client.delete(f"{RATES}/{rate_id}", headers=headers)

    assert created.status_code == 201
    assert read.json()["rate"] == "0.9200000000"
    assert read.json()["base_currency"] == "EUR"
    assert changed.json()["rate"] == "0.9350000000"
    assert deleted.status_code == 204
    assert ExchangeRate.objects.count() == 0


def test_api_invalid_rate_is_a_problem_with_the_field(client, admin):
    response = client.post(
        RATES,
        {"currency": "USD", "rate": "-1", "valid_from": "2026-01-01"},
        content_type="application/json",
        headers=bearer(admin),
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == ["rate"]


def test_api_list_filters_by_currency_in_constant_queries(
    client, django_assert_num_queries
):
    headers = bearer(VendorUserFactory(vendor_role="analyst"))
    ExchangeRateFactory(currency="USD")
    ExchangeRateFactory(currency="GBP")
    client.get(RATES, headers=headers)  # the token's first use records it

    with django_assert_num_queries(3):  # the token with its user, count, page
        few = client.get(f"{RATES}?currency=usd", headers=headers)
    for _ in range(5):
        ExchangeRateFactory(currency="USD")
    with django_assert_num_queries(3):
        many = client.get(f"{RATES}?currency=USD", headers=headers)

    assert few.json()["count"] == 1
    assert many.json()["count"] == 6
    assert {item["currency"] for item in many.json()["items"]} == {"USD"}


def test_api_list_refuses_an_unknown_filter(client, admin):
    response = client.get(f"{RATES}?curency=USD", headers=bearer(admin))

    assert response.status_code == 422


# --- console pages


def test_the_list_page_runs_the_same_queries_for_one_or_many(
    client, admin, django_assert_num_queries
):
    client.force_login(admin)
    ExchangeRateFactory(currency="USD")
    url = reverse("console:exchange_rate_list")
    with django_assert_num_queries(4):  # session, user, count, page
        client.get(url)
    for _ in range(5):
        ExchangeRateFactory(currency="GBP", created_by=admin)

    with django_assert_num_queries(4):
        response = client.get(url)

    assert response.content.decode().count("/edit/") == 6


def test_adding_changing_and_deleting_through_the_console(client, admin):
    client.force_login(admin)

    added = client.post(
        reverse("console:exchange_rate_create"),
        {"currency": "USD", "rate": "0.92", "valid_from": "2026-01-01"},
    )
    rate = ExchangeRate.objects.get()
    changed = client.post(
        reverse("console:exchange_rate_update", kwargs={"rate_id": rate.pk}),
        {"currency": "USD", "rate": "0.94", "valid_from": "2026-01-01"},
    )
    rate.refresh_from_db()
    deleted = client.post(
        reverse("console:exchange_rate_delete", kwargs={"rate_id": rate.pk})
    )

    assert added.status_code == changed.status_code == deleted.status_code == 302
    assert rate.rate == Decimal("0.94")
    assert ExchangeRate.objects.count() == 0
    assert [entry.verb for entry in AuditEntry.objects.order_by("id")] == [
        "exchange_rate.created",
        "exchange_rate.updated",
        "exchange_rate.deleted",
    ]


def test_the_form_shows_the_services_errors(client, admin):
    client.force_login(admin)

    response = client.post(
        reverse("console:exchange_rate_create"),
        {"currency": "XYZ", "rate": "1", "valid_from": "2026-01-01"},
    )

    assert response.status_code == 200
    assert 'data-testid="error-currency"' in response.content.decode()
    assert ExchangeRate.objects.count() == 0
