import pytest

from openprm.accounts.models import User
from openprm.demo.ecosystem import EcosystemBuilder
from openprm.demo.leads import build_demo_leads
from openprm.leads.models import Lead, LeadStatus


@pytest.mark.django_db
def test_demo_leads_cover_every_state_but_converted_and_run_once():
    EcosystemBuilder(seed=2026, partner_count=40, password="demo-pass").build()
    admin = User.objects.get(email="admin@openprm.example")

    created = build_demo_leads(actor=admin)

    assert created == 38
    contoso = set(
        Lead.objects.filter(current_partner__name="Contoso Solutions").values_list(
            "status", flat=True
        )
    )
    assert contoso == {"offered", "accepted", "working", "lost"}
    states = set(Lead.objects.values_list("status", flat=True))
    assert states >= set(LeadStatus.values) - {"converted"}
    assert build_demo_leads(actor=admin) == 0
