import pytest
from django.core import mail

from openprm.accounts.models import User
from openprm.demo.ecosystem import EcosystemBuilder
from openprm.demo.reports import build_demo_reports
from openprm.funds.tests.factories import budget
from openprm.reports import services
from openprm.reports.models import SavedReport


@pytest.mark.django_db
def test_demo_schedules_are_made_once_and_send():
    EcosystemBuilder(seed=2026, partner_count=10, password="demo-pass").build()
    admin = User.objects.get(email="admin@openprm.example")
    budget()  # a fund in EUR

    assert build_demo_reports(actor=admin) == 2
    assert build_demo_reports(actor=admin) == 0

    assert sorted(SavedReport.objects.values_list("name", flat=True)) == [
        "Monthly fund report by tier",
        "Weekly partner performance",
    ]
    sent = sum(
        services.saved_report_send(actor=admin, report=report)
        for report in SavedReport.objects.all()
    )
    assert sent == len(mail.outbox) == 4
