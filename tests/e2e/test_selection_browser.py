"""Issue 4's first "done when", end to end in a browser: a vendor admin defines a
scorecard with criteria, sees partners ranked with each criterion's reason and
contribution, defines a segment with a score condition while its count previews,
and exports the segment; the downloaded CSV and XLSX are read back."""

import csv
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.partners.models import CustomFieldDefinition
from openprm.partners.tests.factories import PartnerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def add_criterion(page, *, label, field, kind, weight, points) -> None:
    page.get_by_label("Label").fill(label)
    page.get_by_label("Field").select_option(field)
    page.get_by_label("Kind").select_option(kind)
    page.get_by_label("Weight").fill(weight)
    page.get_by_label("Points").fill(points)
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_test_id("criteria")).to_contain_text(label)


def download(page, test_id: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_test_id(test_id).click()
    return open(info.value.path(), "rb").read()


def test_scorecard_ranking_score_segment_and_its_export(page):
    # A long journey on a shared, loaded machine: more room than the default 10 s.
    page.set_default_timeout(30_000)
    VendorUserFactory(email="ada@vendor.example")
    CustomFieldDefinition.objects.create(
        key="crm_owner", label="CRM owner", field_type="text"
    )

    def partner(name, partner_type, region, country, specialisations, **custom):
        PartnerFactory(
            name=name,
            status="active",
            partner_type=partner_type,
            region=region,
            country=country,
            profile={"specialisations": specialisations, "custom_fields": custom},
        )

    # Scores: specialisations (weight 2) and partner type (weight 1).
    partner("Contoso Security", "reseller", "EMEA", "DE", ["security"], crm_owner="Ada")
    partner("Tailspin Cloud", "reseller", "EMEA", "FR", ["cloud"])  # 60.00
    partner("Northwind Cloud", "reseller", "NA", "US", ["cloud"])  # 60.00
    partner("Fabrikam", "msp", "EMEA", "GB", [])  # 0.00
    sign_in(page, "ada@vendor.example")

    # 1. A scorecard with two weighted criteria.
    page.get_by_test_id("console-nav").get_by_role("link", name="Scorecards").click()
    page.get_by_role("link", name="New scorecard").click()
    page.get_by_label("Name").fill("Reseller fit")
    page.get_by_role("button", name="Save").click()
    add_criterion(
        page,
        label="Specialisations",
        field="specialisations",
        kind="contains_any",
        weight="2",
        points="security = 80\ncloud = 40",
    )
    add_criterion(
        page,
        label="Partner type",
        field="partner_type",
        kind="value_in_list",
        weight="1",
        points="reseller = 100",
    )
    page.get_by_test_id("console-nav").get_by_role("link", name="Scorecards").click()
    page.get_by_test_id("recompute-all").click()
    expect(page.get_by_test_id("run-progress")).to_contain_text("Finished.")

    # 2. The ranking: best first, each criterion's reason and contribution.
    page.get_by_test_id("console-nav").get_by_role("link", name="Scorecards").click()
    page.get_by_role("link", name="Ranking").click()
    rows = page.get_by_test_id("ranking").locator("tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("Contoso Security")
    expect(rows.nth(0)).to_contain_text("86.67")
    expect(rows.nth(0)).to_contain_text("Specialisations include security")
    expect(rows.nth(0)).to_contain_text("+53.33")  # 80 x 2 / 3
    expect(rows.nth(0)).to_contain_text("Partner type is reseller")
    expect(rows.nth(0)).to_contain_text("+33.33")  # 100 x 1 / 3
    expect(rows.nth(3)).to_contain_text("Fabrikam")
    page.get_by_label("Minimum score").fill("50")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(3)
    expect(page.get_by_test_id("ranking")).not_to_contain_text("Fabrikam")

    # 3. A segment: score of the scorecard >= 50 AND region EMEA, count previewed.
    page.get_by_test_id("console-nav").get_by_role("link", name="Segments").click()
    page.get_by_role("link", name="New segment").click()
    page.get_by_label("Name").fill("Fit EMEA resellers")
    page.get_by_role("button", name="Add condition").click()
    page.get_by_label("Field 1").select_option("score")
    expect(page.get_by_label("Scorecard")).to_contain_text("Reseller fit")
    page.get_by_label("Scorecard").select_option(label="Reseller fit")
    page.get_by_label("Operator 1").select_option("gte")
    expect(page.get_by_label("Highest score")).to_have_count(0)
    page.get_by_label("Lowest score").fill("50")
    page.get_by_label("Lowest score").press("Tab")
    expect(page.get_by_test_id("preview")).to_have_text("3 partners match")
    page.get_by_role("button", name="Add condition").click()
    expect(page.get_by_test_id("rule-row")).to_have_count(2)
    page.get_by_label("Field 2").select_option("region")
    expect(page.get_by_label("Value 2").locator("option[value=EMEA]")).to_have_count(1)
    page.get_by_label("Value 2").select_option("EMEA")
    expect(page.get_by_test_id("preview")).to_have_text("2 partners match")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("member-total")).to_have_text("2 partners")

    # 4. The export, read back: the members, with the directory's columns.
    text = download(page, "export-csv").decode()
    records = list(csv.DictReader(io.StringIO(text)))
    assert [(r["name"], r["country"], r["region"]) for r in records] == [
        ("Contoso Security", "DE", "EMEA"),
        ("Tailspin Cloud", "FR", "EMEA"),
    ]
    assert [r["cf_crm_owner"] for r in records] == ["Ada", ""]
    assert [r["specialisations"] for r in records] == ["security", "cloud"]

    sheet = load_workbook(io.BytesIO(download(page, "export-xlsx"))).active
    values = [list(row) for row in sheet.values]
    assert values[0] == list(records[0])
    assert [row[values[0].index("name")] for row in values[1:]] == [
        "Contoso Security",
        "Tailspin Cloud",
    ]
