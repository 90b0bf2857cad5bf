"""Accreditations computed from people's active certifications, in bulk; what a
partner holds, is close to and misses; the tier metrics."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.certifications import selectors, services
from openprm.certifications.choices import AccreditationStatus, HolderStatus
from openprm.certifications.models import PartnerAccreditation
from openprm.certifications.tests.factories import (
    AccreditationConditionFactory,
    AccreditationFactory,
    CertificationFactory,
    UserCertificationFactory,
)
from openprm.core.errors import ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.metrics import rollups
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.selectors import partner_metric_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def firewall():
    """Two certified security engineers and one certified sales person."""
    accreditation = AccreditationFactory(name="Firewall Partner")
    AccreditationConditionFactory(
        accreditation=accreditation, product_line="security", role="technical", count=2
    )
    sales = CertificationFactory(name="Security Sales", role="sales")
    AccreditationConditionFactory(
        accreditation=accreditation,
        certification=sales,
        product_line="",
        role="",
        count=1,
    )
    return accreditation, sales


def engineers(partner, count, **fields):
    certification = fields.pop("certification", None) or CertificationFactory(
        role="technical", product_line="security"
    )
    return [
        UserCertificationFactory(partner=partner, certification=certification, **fields)
        for _ in range(count)
    ]


def test_a_partner_meeting_every_condition_gains_it(firewall):
    _accreditation, sales = firewall
    partner, short = PartnerFactory(), PartnerFactory()
    engineers(partner, 2)
    UserCertificationFactory(partner=partner, certification=sales)
    engineers(short, 2)  # no sales person

    assert services.accreditations_evaluate() == {"gained": 1, "lost": 0}

    [held] = PartnerAccreditation.objects.all()
    assert (held.partner, held.status) == (partner, AccreditationStatus.HELD)
    [event] = OutboxEvent.objects.filter(name="accreditation.gained")
    assert event.partner_id == partner.pk
    assert event.payload["accreditation"] == "Firewall Partner"
    assert AuditEntry.objects.filter(verb="accreditation.gained").count() == 1
    assert services.accreditations_evaluate() == {"gained": 0, "lost": 0}


def test_one_person_with_two_certifications_counts_once(firewall):
    _accreditation, sales = firewall
    partner = PartnerFactory()
    [engineer] = engineers(partner, 1)
    other = CertificationFactory(role="technical", product_line="security")
    UserCertificationFactory(partner=partner, user=engineer.user, certification=other)
    UserCertificationFactory(partner=partner, certification=sales)

    assert services.accreditations_evaluate() == {"gained": 0, "lost": 0}


@pytest.mark.parametrize(
    "fields",
    [
        {"status": HolderStatus.EXPIRED},
        {"status": HolderStatus.REVOKED},
        # Past its date but not swept yet: it no longer counts.
        {"valid_until": timezone.now() - timedelta(minutes=1)},
    ],
)
def test_certifications_that_do_not_count(firewall, fields):
    _accreditation, sales = firewall
    partner = PartnerFactory()
    engineers(partner, 1)
    engineers(partner, 1, **fields)
    UserCertificationFactory(partner=partner, certification=sales)

    assert services.accreditations_evaluate() == {"gained": 0, "lost": 0}


def test_earning_the_missing_certification_gains_it_at_once(firewall):
    _accreditation, sales = firewall
    partner = PartnerFactory()
    engineers(partner, 2)

    services.certification_award(
        certification=sales,
        user=UserFactory(),
        partner_id=partner.pk,
        source="exam",
        key="quiz",
    )

    assert PartnerAccreditation.objects.get(partner=partner).status == "held"


def test_a_revocation_loses_it_and_regaining_reuses_the_row(firewall):
    _accreditation, sales = firewall
    partner = PartnerFactory()
    first, _second = engineers(partner, 2)
    UserCertificationFactory(partner=partner, certification=sales)
    services.accreditations_evaluate()

    services.certification_revoke(
        actor=VendorUserFactory(vendor_role=VendorRole.VENDOR_ADMIN),
        held=first,
        reason="Fraud",
    )
    assert PartnerAccreditation.objects.get().status == AccreditationStatus.LOST
    engineers(partner, 1)
    services.accreditations_evaluate(partner_ids=[partner.pk])

    [row] = PartnerAccreditation.objects.all()
    assert row.status == AccreditationStatus.HELD
    assert row.lost_at is None
    assert OutboxEvent.objects.filter(name="accreditation.gained").count() == 2
    assert OutboxEvent.objects.filter(name="accreditation.lost").count() == 1


def test_evaluating_many_partners_costs_the_same_queries_as_few(firewall):
    _accreditation, sales = firewall

    def partners(count):
        for _ in range(count):
            partner = PartnerFactory()
            engineers(partner, 2)
            UserCertificationFactory(partner=partner, certification=sales)

    partners(1)
    with CaptureQueriesContext(connection) as one:
        services.accreditations_evaluate()
    PartnerAccreditation.objects.all().delete()
    partners(6)
    with CaptureQueriesContext(connection) as seven:
        assert services.accreditations_evaluate() == {"gained": 7, "lost": 0}

    assert len(seven) == len(one)


def test_the_partner_sees_what_is_missing(firewall):
    accreditation, _sales = firewall
    partner = PartnerFactory()
    engineers(partner, 1)

    [row] = selectors.partner_accreditations(partner_id=partner.pk)

    assert row["accreditation"] == accreditation
    assert row["held"] is None
    assert [(c["have"], c["need"], c["missing"]) for c in row["conditions"]] == [
        (1, 2, 1),
        (0, 1, 1),
    ]
    assert row["is_close"] is True


def test_reading_what_is_missing_costs_four_queries(
    firewall, django_assert_num_queries
):
    partner = PartnerFactory()
    engineers(partner, 2)
    other = AccreditationFactory()
    AccreditationConditionFactory(accreditation=other, count=5)

    # Accreditations, their conditions (with certifications), the partner's held
    # rows, one aggregate of counts.
    with django_assert_num_queries(4):
        rows = selectors.partner_accreditations(partner_id=partner.pk)

    assert [row["missing"] for row in rows] == [1, 3]


def test_an_accreditation_needs_conditions_naming_what_they_count():
    admin = VendorUserFactory(vendor_role=VendorRole.VENDOR_ADMIN)

    with pytest.raises(ValidationFailed) as refused:
        services.accreditation_create(
            actor=admin, name="Empty", conditions=[{"count": 2, "role": "technical"}]
        )

    assert list(refused.value.field_errors) == ["conditions"]


def test_a_new_accreditation_is_evaluated_at_once():
    partner = PartnerFactory()
    engineers(partner, 2)
    admin = VendorUserFactory(vendor_role=VendorRole.VENDOR_ADMIN)

    services.accreditation_create(
        actor=admin,
        name="Security",
        conditions=[{"count": 2, "product_line": "security", "role": "technical"}],
    )

    assert PartnerAccreditation.objects.get().partner == partner


def test_tier_metrics_count_certified_people_and_accreditations(firewall):
    _accreditation, sales = firewall
    partner = PartnerFactory()
    engineers(partner, 2)
    UserCertificationFactory(partner=partner, certification=sales)
    engineers(
        partner,
        1,
        status=HolderStatus.EXPIRED,
        earned_at=timezone.now() - timedelta(days=400),
        valid_until=timezone.now() - timedelta(days=40),
    )
    services.accreditations_evaluate()
    # The tier metrics are the metrics app's rollups (kept by the events; these
    # rows were made without them): what the nightly rebuild would compute.
    rollups.refresh(partner_ids=[partner.pk], days=[timezone.localdate()])

    values = partner_metric_values(partner=partner)

    assert values["certified_people"] == 3
    assert values["accreditations_held"] == 1


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's plan; PostgreSQL's follows stats"
)
def test_the_grouped_count_reads_the_covering_index_in_partner_order(firewall):
    """The recompute's cost per partner stays flat only if the grouped query
    reads the count index alone, in partner order: no lookup of each row in the
    table and no sort of every active certification (bench/README.md)."""
    accreditation, _sales = firewall
    engineers(PartnerFactory(), 2)
    counts = services.condition_counts(
        accreditation, list(accreditation.conditions.all()), now=timezone.now()
    )
    sql, params = counts.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " | ".join(str(step[-1]) for step in cursor.fetchall())
    assert "COVERING INDEX cert_holder_count_idx" in plan, plan
    assert "TEMP B-TREE FOR GROUP BY" not in plan, plan
