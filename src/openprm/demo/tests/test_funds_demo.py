import pytest

from openprm.accounts.models import User
from openprm.demo.deals import build_demo_deals
from openprm.demo.ecosystem import EcosystemBuilder
from openprm.demo.funds import build_demo_funds
from openprm.demo.programs import build_demo_programs
from openprm.funds import selectors
from openprm.funds.models import Allocation, FundClaim, FundRequest


@pytest.mark.django_db
def test_demo_funds_cover_every_state_and_run_once():
    EcosystemBuilder(seed=2026, partner_count=40, password="demo-pass").build()
    admin = User.objects.get(email="admin@openprm.example")
    build_demo_programs(actor=admin)
    build_demo_deals(actor=admin)

    made = build_demo_funds(actor=admin)

    assert made == 9
    assert set(FundRequest.objects.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "approved",
        "rejected",
        "closed",
    }
    assert set(FundClaim.objects.values_list("status", flat=True)) == {
        "submitted",
        "approved",
        "paid",
    }
    contoso = FundRequest.objects.get(title="Zero-trust webinar series")
    roi = selectors.request_roi(
        request=contoso, attributions=selectors.request_attributions(request=contoso)
    )
    assert roi.cost == 8000
    # 10,000 EUR crosses the 5,000 band: both approvers of the chain approved.
    assert contoso.approval.actions.filter(kind="step_approved").count() == 2
    for allocation in Allocation.objects.all():
        assert (
            allocation.available
            == selectors.allocation_figures(allocation=allocation).available
        )
    assert build_demo_funds(actor=admin) == 0
