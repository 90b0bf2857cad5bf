"""The shell's navigation is drawn once per everything it shows, and never shows
one reader's items to another."""

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import resolve
from django.utils.functional import lazy
from django.utils.translation import get_language, override

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core import navigation
from openprm.core.navigation import NavItem
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


def nav(client, path: str) -> tuple[list[str], str]:
    response = client.get(path)
    assert response.status_code == 200
    return [item["label"] for item in response.context["shell_nav"]], (
        response.content.decode()
    )


def test_an_admins_navigation_is_not_shown_to_a_channel_manager():
    admin = Client()
    admin.force_login(VendorUserFactory())
    manager = Client()
    manager.force_login(VendorUserFactory(vendor_role=VendorRole.CHANNEL_MANAGER))

    # The admin's drawing of the page is made first; the manager's is their own.
    admin_labels, admin_html = nav(admin, "/console/partners/")
    manager_labels, manager_html = nav(manager, "/console/partners/")
    admin_again, _ = nav(admin, "/console/partners/")

    admin_only = {"Users", "Audit trail", "Events", "Webhooks", "Custom fields"}
    assert admin_only <= set(admin_labels)
    assert admin_only.isdisjoint(manager_labels)
    assert 'href="/console/users/"' in admin_html
    assert 'href="/console/users/"' not in manager_html
    assert admin_again == admin_labels


def test_a_role_change_shows_in_the_next_page(client):
    user = VendorUserFactory()
    client.force_login(user)
    before, _ = nav(client, "/console/partners/")

    user.vendor_role = VendorRole.CHANNEL_MANAGER
    user.save(update_fields=["vendor_role"])
    after, html = nav(client, "/console/partners/")

    assert "Users" in before
    assert "Users" not in after
    assert 'href="/console/users/"' not in html


def test_portal_items_follow_each_requests_membership():
    partner = PartnerFactory(status="active")
    admin = Client()
    admin.force_login(partner_user(partner=partner))
    learner = Client()
    learner.force_login(partner_user(partner=partner, roles=[PartnerRole.LEARNER]))

    admin_labels, _ = nav(admin, "/portal/")
    learner_labels, learner_html = nav(learner, "/portal/")

    assert {"Team", "Deals", "Audit trail"} <= set(admin_labels)
    assert {"Team", "Deals", "Audit trail"}.isdisjoint(learner_labels)
    assert 'href="/portal/team/"' not in learner_html


def test_the_active_item_follows_the_page(client):
    client.force_login(VendorUserFactory())

    _, partners_html = nav(client, "/console/partners/")
    _, dashboard_html = nav(client, "/console/")

    current = re.compile(r'<a class="nav-link active" href="([^"]+)" aria-current')
    assert current.findall(partners_html) == ["/console/partners/"]
    assert current.findall(dashboard_html) == ["/console/"]


def test_an_item_registered_later_is_drawn(client):
    client.force_login(VendorUserFactory())
    nav(client, "/console/partners/")
    late = NavItem(
        "Late item", "console:dashboard", order=200, section=navigation.SETTINGS
    )

    navigation.CONSOLE.append(late)
    try:
        labels, _ = nav(client, "/console/partners/")
    finally:
        navigation.CONSOLE.remove(late)
    after, _ = nav(client, "/console/partners/")

    assert labels[-1] == "Late item"
    assert "Late item" not in after


def test_the_console_navigation_is_grouped_by_the_job_people_do(client):
    client.force_login(VendorUserFactory())
    response = client.get("/console/")
    html = response.content.decode()
    headings = re.findall(r"nav-section[^>]*>([^<]+)</li>", html)

    # The sections show in their order, each once, each over its own items.
    order = [str(label) for label in navigation.SECTIONS.values()]
    assert headings == [label for label in order if label in headings]
    assert {"Partners", "Revenue", "Enablement", "Settings"} <= set(headings)
    entries = response.context["shell_nav"]
    sections = [entry["section"] for entry in entries]
    assert sections == sorted(sections, key=["", *navigation.SECTIONS].index)
    library = html.index('href="/console/library/"')
    assert html.rindex("Enablement", 0, library) > html.rindex("Revenue", 0, library)


def test_drawings_are_kept_per_language(monkeypatch):
    request = RequestFactory().get("/console/partners/")
    request.resolver_match = resolve("/console/partners/")
    request.user = VendorUserFactory()
    language_label = lazy(lambda: f"Language {get_language()}", str)()
    monkeypatch.setattr(
        navigation, "CONSOLE", [NavItem(language_label, "console:dashboard")]
    )
    monkeypatch.setitem(navigation.AREAS, "console", navigation.CONSOLE)

    with override("en"):
        _, english, _ = navigation.shell_navigation(request)
    with override("de"):
        _, german, _ = navigation.shell_navigation(request)

    assert english[0]["label"] == "Language en"
    assert german[0]["label"] == "Language de"


def test_drawn_items_cannot_be_changed_by_a_page(client):
    client.force_login(VendorUserFactory())
    items = client.get("/console/").context["shell_nav"]

    with pytest.raises(TypeError):
        items[0]["label"] = "Changed"


def test_the_unread_count_is_not_part_of_the_drawing(client):
    client.force_login(VendorUserFactory())

    _, html = nav(client, "/console/partners/")

    # Loaded by each browser from its own session, after the page.
    assert 'hx-get="/console/notifications/badge/" hx-trigger="load"' in html
