"""The conflict check finds every live registration with the same customer domain
or normalised name by an index lookup, whatever else shares the name's words, and
the labelled fuzzy variants through bounded, ranked blocking-key reads."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from openprm.deals import selectors
from openprm.deals.choices import DealStatus
from openprm.deals.models import Deal, Stage
from openprm.deals.services import customer_columns
from openprm.deals.tests import recall_data
from openprm.deals.tests.factories import ensure_stages, make_account
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

CLOSED = (DealStatus.WON, DealStatus.LOST, DealStatus.REJECTED, DealStatus.EXPIRED)


def insert_deals(rows: list[tuple[str, str, str]]) -> list[Deal]:
    """(name, domain, status) as registrations, in that order, in bulk."""
    ensure_stages()
    partners = [PartnerFactory(), PartnerFactory()]
    stage = Stage.objects.order_by("order")[0]
    now = timezone.now()
    return Deal.objects.bulk_create(
        [
            Deal(
                partner=partners[index % 2],
                title=f"Deal {index}",
                customer_name=name,
                customer_domain=domain,
                customer_key=f"domain:{domain}" if domain else f"name:{name}",
                **customer_columns(name=name),
                expected_close_date=timezone.localdate() + timedelta(days=30),
                stage=stage,
                status=status,
                submitted_at=now,
            )
            for index, (name, domain, status) in enumerate(rows)
        ],
        batch_size=500,
    )


def found_ids(name: str, domain: str = "") -> set[int]:
    party = selectors.party_for(
        customer_name=name,
        customer_domain=domain,
        product_lines=["security"],
        expected_close_date=timezone.localdate() + timedelta(days=30),
        starts_on=timezone.localdate(),
    )
    return {
        target
        for kind, target, _match in selectors.find_conflicts(
            party=party, partner_id=None
        )
        if kind == "deal"
    }


@pytest.fixture
def crowd():
    """3,000 live registrations whose names are all made of the same common words
    (and as many closed ones), inserted before the two that matter."""
    words = ("Summit", "Pioneer", "Atlas", "Apex", "Vertex", "Horizon")
    rows = []
    for index in range(6000):
        first, second = words[index % 6], words[(index // 6) % 6]
        name = f"{first} {second} {recall_data.word(index)} Group"
        status = DealStatus.SUBMITTED if index % 2 else CLOSED[index % 4]
        rows.append((name, f"crowd{index}.example", status))
    insert_deals(rows)


def test_an_exact_domain_is_found_among_thousands_sharing_its_words(crowd):
    (target,) = insert_deals(
        [("Summit Pioneer Group", "summitpioneer.example", DealStatus.APPROVED)]
    )

    assert found_ids("Summit Pioneer Atlas", "https://www.SummitPioneer.example") == {
        target.pk
    }


def test_an_exact_name_is_found_among_thousands_sharing_its_words(crowd):
    (target,) = insert_deals([("Summit Pioneer Group GmbH", "", DealStatus.SUBMITTED)])

    assert target.pk in found_ids("SUMMIT PIONEER GROUP, Inc.")


def test_a_closed_registration_with_the_same_domain_is_not_a_conflict(crowd):
    insert_deals([("Summit Pioneer Group", "closed.example", DealStatus.LOST)])

    assert found_ids("Other Name", "closed.example") == set()


def test_every_live_registration_with_the_same_domain_is_found_beyond_any_bound():
    many = selectors.NEIGHBOURS * 40
    deals = insert_deals(
        [
            (f"Name {index}", "shared.example", DealStatus.SUBMITTED)
            for index in range(many)
        ]
    )

    assert found_ids("Unrelated", "shared.example") == {deal.pk for deal in deals}


def test_a_vendor_account_with_the_same_name_is_found_among_many_alike():
    for index in range(300):
        make_account(name=f"Summit Pioneer {recall_data.word(index)}")
    account = make_account(name="Summit Pioneer", is_active=True)
    make_account(name="Summit Pioneer Ltd", is_active=False)
    party = selectors.party_for(
        customer_name="Summit Pioneer Inc.",
        customer_domain="",
        product_lines=[],
        expected_close_date=timezone.localdate(),
        starts_on=timezone.localdate(),
    )

    accounts = {
        target
        for kind, target, _match in selectors.find_conflicts(
            party=party, partner_id=None
        )
        if kind == "account"
    }

    assert account.pk in accounts


def test_the_check_takes_five_queries_when_deals_and_accounts_match(
    crowd, django_assert_num_queries
):
    """The deal candidates, the matching deals, their lines, the account
    candidates, the matching accounts."""
    make_account(name="Summit Pioneer Group")
    with django_assert_num_queries(5):
        found_ids("Summit Pioneer Group", "summitpioneer.example")


def test_the_check_takes_two_queries_when_nothing_matches(
    crowd, django_assert_num_queries
):
    with django_assert_num_queries(2):
        found_ids("Quite Unheard Of", "unheard.example")


def test_labelled_recall_is_exact_for_exact_keys_and_at_least_99_percent_fuzzy():
    """4,000 customers (half of them beginning with one of twelve common words,
    3,000 live) and 150 labelled registrations of each kind."""
    numbers = list(range(4000))
    live = [number for number in numbers if number % 4]
    rows = []
    for number in numbers:
        name, domain, *_ = recall_data.columns(number)
        status = DealStatus.SUBMITTED if number % 4 else DealStatus.LOST
        rows.append((name, domain, status))
    deals = insert_deals(rows)
    deal_of = {number: deals[number].pk for number in numbers}

    outcome: dict[str, list[bool]] = {}
    for label in recall_data.labels(live=live, count=150):
        hit = deal_of[label.target] in found_ids(label.name, label.domain)
        if not hit:
            print("MISS", label, recall_data.customer(label.target).name)
        outcome.setdefault(label.kind, []).append(hit)

    recall = {kind: sum(hits) / len(hits) for kind, hits in outcome.items()}
    assert recall["domain"] == 1.0
    assert recall["name"] == 1.0
    assert recall["fuzzy"] >= 0.99, recall


def explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row) for row in cursor.fetchall())


def test_every_candidate_read_is_an_index_lookup():
    insert_deals([("Summit Pioneer", "summit.example", DealStatus.SUBMITTED)])
    sql, params = selectors._candidate_keys_sql(
        table="deals_deal",
        live=selectors._LIVE_DEAL_SQL,
        normalised_name="summit pioneer atlas",
        domain="summit.example",
    )

    plan = explain(sql, params)

    for index in ("domain", "name", "token1", "token2"):
        assert f"deals_deal_live_{index}_idx" in plan, plan
    assert "SCAN deals_deal\n" not in plan + "\n"
    assert "Seq Scan" not in plan
