"""The public form and answer page, and the console's queue, application page and
editors."""

import pytest
from django.core import mail
from django.test import Client

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.onboarding import services
from openprm.onboarding.choices import ApplicationStatus
from openprm.onboarding.models import Application, ApprovalStep, RoutingRule
from openprm.onboarding.tests.factories import (
    ApplicationQuestionFactory,
    ApprovalQueueFactory,
    ChannelManagerFactory,
    RoutingRuleFactory,
    submit,
)
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "company": "Northwind Traders",
        "website": "northwind.example",
        "country": "DE",
        "region": "EMEA",
        "partner_types": ["reseller"],
        "contact_name": "Nora North",
        "contact_email": "nora@northwind.example",
        "contact_phone": "",
        "fax_number": "",
        "consent": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def programme():
    programme = ProgrammeFactory(slug="reseller", eligible_partner_types=["reseller"])
    ApplicationQuestionFactory(
        programme=programme,
        key="staff",
        label="How many engineers?",
        kind="number",
        is_required=True,
    )
    ApplicationQuestionFactory(
        programme=programme,
        key="focus",
        label="Focus",
        kind="multi_choice",
        choices=["cloud", "security"],
    )
    return programme


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_the_form_shows_the_programmes_questions_and_hides_the_honeypot(
    client, programme
):
    response = client.get("/apply/reseller/?c=tok-9")
    page = response.content.decode()
    assert response.status_code == 200
    assert "How many engineers?" in page
    assert 'name="fax_number"' in page
    assert 'aria-hidden="true"' in page
    assert 'name="c" value="tok-9"' in page


def test_the_form_is_also_found_by_public_id(client, programme):
    assert client.get(f"/apply/{programme.public_id}/").status_code == 200
    assert client.get("/apply/no-such-programme/").status_code == 404


def test_submitting_stores_the_application_with_answers_and_campaign_token(
    client, programme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/apply/reseller/",
            form_data(q_staff="4", q_focus=["security"], c="tok-9"),
        )
    assert response.status_code == 302
    assert response["Location"] == "/apply/reseller/thanks/"
    application = Application.objects.get()
    assert application.answers == {"staff": 4, "focus": ["security"]}
    assert application.campaign_token == "tok-9"
    assert application.country == "DE"
    assert application.client_ip == "127.0.0.1"
    assert any(m.to == ["nora@northwind.example"] for m in mail.outbox)
    assert "received" in client.get(response["Location"]).content.decode()


def test_an_optional_yes_no_question_left_unticked_is_accepted(client, programme):
    ApplicationQuestionFactory(
        programme=programme, key="partnered", label="Partnered before?", kind="boolean"
    )

    response = client.post("/apply/reseller/", form_data(q_staff="4"))

    assert response.status_code == 302
    assert Application.objects.get().answers == {"staff": 4, "partnered": False}


def test_a_missing_required_answer_is_shown_on_the_form(client, programme):
    response = client.post("/apply/reseller/", form_data())
    assert response.status_code == 200
    assert "error-q_staff" in response.content.decode()
    assert Application.objects.count() == 0


def test_a_filled_honeypot_stores_nothing_but_looks_accepted(client, programme):
    response = client.post(
        "/apply/reseller/", form_data(q_staff="4", fax_number="+1 555 0100")
    )
    assert response.status_code == 302
    assert Application.objects.count() == 0
    assert OutboxEvent.objects.count() == 0
    assert mail.outbox == []


def test_the_rate_limit_refuses_a_client_past_the_limit(client, programme, settings):
    settings.OPENPRM_APPLICATION_RATE_LIMIT = 2
    for n in range(2):
        client.post("/apply/reseller/", form_data(q_staff="4", company=f"Co {n}"))
    response = client.post("/apply/reseller/", form_data(q_staff="4", company="Co 3"))
    assert response.status_code == 429
    assert "Too many applications" in response.content.decode()
    assert Application.objects.count() == 2
    # Another address is not affected.
    other = client.post(
        "/apply/reseller/",
        form_data(q_staff="4", company="Co 4"),
        REMOTE_ADDR="198.51.100.7",
    )
    assert other.status_code == 302


def test_the_form_needs_a_csrf_token(csrf_client, programme):
    response = csrf_client.post("/apply/reseller/", form_data(q_staff="4"))
    assert response.status_code == 403
    assert Application.objects.count() == 0


def test_the_applicant_answers_through_the_signed_link(client):
    manager = ChannelManagerFactory()
    RoutingRuleFactory(user=manager)
    application = submit()
    services.application_request_info(
        application=application, actor=manager, question="Your VAT number?"
    )
    application.refresh_from_db()
    url = f"/apply/answer/{services.info_token(application)}/"
    assert "Your VAT number?" in client.get(url).content.decode()
    response = client.post(url, {"answer": "DE123"})
    assert "we received your answer" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    assert client.get(url).status_code == 404


# --- console


@pytest.fixture
def admin_client(client):
    client.force_login(VendorUserFactory(email="ada@vendor.example"))
    return client


def test_the_queue_runs_the_same_queries_for_one_or_many_applications(
    admin_client, django_assert_num_queries
):
    queue = ApprovalQueueFactory(name="Triage", is_fallback=True)
    submit(company="First Co")
    admin_client.get("/console/applications/?view=open")
    with django_assert_num_queries(4):
        response = admin_client.get("/console/applications/?view=open")
    assert len(response.context["page"].object_list) == 1
    for n in range(4):
        submit(company=f"Company {n}")
    with django_assert_num_queries(4):
        response = admin_client.get("/console/applications/?view=open")
    assert len(response.context["page"].object_list) == 5
    assert queue.name in response.content.decode()


def test_my_queue_holds_what_is_assigned_to_me_or_my_queues(client):
    me = ChannelManagerFactory()
    team = ApprovalQueueFactory(members=[me])
    RoutingRuleFactory(user=me, countries=["DE"], position=1)
    RoutingRuleFactory(queue=team, user=None, countries=["FR"], position=2)
    RoutingRuleFactory(countries=["ES"], position=3)
    submit(company="Mine", country="DE")
    submit(company="Team", country="FR")
    submit(company="Other", country="ES")
    client.force_login(me)
    response = client.get("/console/applications/")
    companies = sorted(a.company for a in response.context["page"].object_list)
    assert companies == ["Mine", "Team"]


def test_the_application_page_shows_duplicates_with_reasons_and_the_routing_reason(
    admin_client,
):
    PartnerFactory(name="Northwind Traders Ltd")
    RoutingRuleFactory(name="Germany", countries=["DE"])
    application = submit()
    response = admin_client.get(f"/console/applications/{application.public_id}/")
    page = response.content.decode()
    assert "Northwind Traders Ltd" in page
    assert "Same name once legal form and punctuation are ignored" in page
    assert "Rule “Germany” matched (country DE)" in page
    assert 'data-testid="approve"' in page


def test_approving_from_the_page(admin_client):
    RoutingRuleFactory()
    application = submit()
    response = admin_client.post(
        f"/console/applications/{application.public_id}/approve/", {"note": "ok"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED


def test_a_refused_reject_from_the_page_changes_nothing(client):
    RoutingRuleFactory()
    application = submit()
    client.force_login(ChannelManagerFactory())
    audits, outbox = AuditEntry.objects.count(), OutboxEvent.objects.count()
    response = client.post(
        f"/console/applications/{application.public_id}/reject/", {"reason": "No"}
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == (
        audits,
        outbox,
    )


def test_the_routing_rule_editor_adds_a_rule(admin_client):
    queue = ApprovalQueueFactory()
    response = admin_client.post(
        "/console/applications/routing/",
        {
            "name": "DACH",
            "position": "1",
            "countries": "de, at, ch",
            "regions": ["EMEA"],
            "queue": queue.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert rule.is_active is True
    assert (rule.countries, rule.regions, rule.queue) == (
        ["DE", "AT", "CH"],
        ["EMEA"],
        queue,
    )
    assert AuditEntry.objects.filter(verb="routing_rule.created").count() == 1


def test_the_routing_rule_editor_needs_a_target(admin_client):
    response = admin_client.post(
        "/console/applications/routing/", {"name": "Nowhere", "position": "1"}
    )
    assert response.status_code == 200
    assert "Choose an approver or a queue." in response.content.decode()
    assert RoutingRule.objects.count() == 0


def test_the_chain_editor_adds_steps_and_questions(admin_client):
    programme = ProgrammeFactory()
    url = f"/console/applications/chains/{programme.public_id}/"
    legal = ApprovalQueueFactory(name="Legal")
    admin_client.post(
        url,
        {
            "form": "step",
            "position": "2",
            "name": "Legal",
            "queue": legal.pk,
            "sla_business_days": "3",
        },
    )
    admin_client.post(
        url,
        {
            "form": "question",
            "key": "vat",
            "label": "VAT number",
            "kind": "text",
            "is_required": "on",
            "position": "1",
        },
    )
    step = ApprovalStep.objects.get()
    assert (step.name, step.queue, step.sla_business_days) == ("Legal", legal, 3)
    assert programme.questions.get().key == "vat"
    page = admin_client.get(url).content.decode()
    assert "VAT number" in page


def test_the_editors_change_a_rule_and_a_step(admin_client):
    rule = RoutingRuleFactory(name="Old", countries=["DE"])
    response = admin_client.post(
        f"/console/applications/routing/{rule.pk}/",
        {"name": "DACH", "position": "5", "countries": "de, at", "user": rule.user_id},
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.position, rule.countries, rule.is_active) == (
        "DACH",
        5,
        ["DE", "AT"],
        False,
    )
    programme = ProgrammeFactory()
    step = ApprovalStep.objects.create(programme=programme, position=1, name="CM")
    url = f"/console/applications/chains/{programme.public_id}/steps/{step.pk}/"
    assert 'value="CM"' in admin_client.get(url).content.decode()
    admin_client.post(
        url, {"position": "1", "name": "Manager", "sla_business_days": "4"}
    )
    step.refresh_from_db()
    assert (step.name, step.sla_business_days) == ("Manager", 4)
    assert AuditEntry.objects.filter(verb="approval_step.updated").count() == 1
