"""The two areas' access rules (core.web), as accounts and tenancy register them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.web import console_page, portal_page
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory, partner_user
from openprm.tenancy.web import CURRENT_PARTNER_SESSION_KEY


@console_page
def console_view(request):
    return HttpResponse("console")


@portal_page
def portal_view(request):
    return HttpResponse(f"{request.partner.name}|{len(request.memberships)}")


def get(user, session=None):
    request = RequestFactory().get("/somewhere/?x=1")
    request.user = user
    request.session = session or {}
    return request


@pytest.mark.django_db
def test_the_console_is_for_vendor_staff_only():
    assert console_view(get(VendorUserFactory())).content == b"console"
    with pytest.raises(PermissionDenied):
        console_view(get(partner_user()))


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in_first():
    for view in (console_view, portal_view):
        response = view(get(AnonymousUser()))

        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/somewhere/%3Fx%3D1"


@pytest.mark.django_db
def test_the_portal_works_for_the_organisation_chosen_with_the_switcher():
    first = MembershipFactory(partner=PartnerFactory(name="Alpha"))
    second = MembershipFactory(partner=PartnerFactory(name="Beta"), user=first.user)

    default = portal_view(get(first.user))
    chosen = portal_view(
        get(first.user, {CURRENT_PARTNER_SESSION_KEY: second.partner_id})
    )

    assert (default.content, chosen.content) == (b"Alpha|2", b"Beta|2")


@pytest.mark.django_db
def test_the_portal_refuses_vendor_staff_and_members_of_terminated_partners():
    terminated = MembershipFactory(partner=PartnerFactory(status="terminated"))

    for user in (VendorUserFactory(), terminated.user):
        with pytest.raises(PermissionDenied):
            portal_view(get(user))
