from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerType(models.TextChoices):
    DISTRIBUTOR = "distributor", _("Distributor")
    RESELLER = "reseller", _("Reseller")
    MANAGED_SERVICE_PROVIDER = "msp", _("Managed service provider")
    SYSTEM_INTEGRATOR = "system_integrator", _("System integrator")
    ISV = "isv", _("ISV")
    REFERRAL = "referral", _("Referral")
    AGENCY = "agency", _("Agency")


class PartnerStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    APPLICANT = "applicant", _("Applicant")
    ONBOARDING = "onboarding", _("Onboarding")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


class Region(models.TextChoices):
    NORTH_AMERICA = "NA", _("North America")
    LATIN_AMERICA = "LATAM", _("Latin America")
    EMEA = "EMEA", _("Europe, Middle East and Africa")
    APAC = "APAC", _("Asia-Pacific")


class Industry(models.TextChoices):
    """Industries a partner serves (a fixed list; custom fields cover the rest)."""

    MANUFACTURING = "manufacturing", _("Manufacturing")
    RETAIL = "retail", _("Retail")
    FINANCE = "finance", _("Financial services")
    HEALTHCARE = "healthcare", _("Healthcare")
    PUBLIC_SECTOR = "public_sector", _("Public sector")
    EDUCATION = "education", _("Education")
    TELECOM = "telecom", _("Telecommunications")
    ENERGY = "energy", _("Energy and utilities")
    LOGISTICS = "logistics", _("Transport and logistics")
    MEDIA = "media", _("Media and entertainment")
    TECHNOLOGY = "technology", _("Technology")
    PROFESSIONAL_SERVICES = "professional_services", _("Professional services")


class EmployeeBand(models.TextChoices):
    SIZE_1_10 = "1-10", _("1-10 employees")
    SIZE_11_50 = "11-50", _("11-50 employees")
    SIZE_51_200 = "51-200", _("51-200 employees")
    SIZE_201_1000 = "201-1000", _("201-1,000 employees")
    SIZE_1001_5000 = "1001-5000", _("1,001-5,000 employees")
    SIZE_5001_PLUS = "5001+", _("More than 5,000 employees")


class RevenueBand(models.TextChoices):
    """Annual revenue in US dollars."""

    UNDER_1M = "<1m", _("Under $1M")
    FROM_1M = "1m-10m", _("$1M-$10M")
    FROM_10M = "10m-50m", _("$10M-$50M")
    FROM_50M = "50m-250m", _("$50M-$250M")
    FROM_250M = "250m-1b", _("$250M-$1B")
    OVER_1B = ">1b", _("Over $1B")


class CustomFieldType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    MULTI_CHOICE = "multi_choice", _("Multiple choice")
    BOOLEAN = "boolean", _("Yes / no")


# The vendor's product lines; a deployment sets OPENPRM_SPECIALISATIONS to its own
# list of (code, label) pairs.
DEFAULT_SPECIALISATIONS = [
    ("networking", _("Networking")),
    ("security", _("Security")),
    ("cloud", _("Cloud")),
    ("data", _("Data and analytics")),
    ("collaboration", _("Collaboration")),
]


def specialisation_choices() -> list[tuple[str, str]]:
    from django.conf import settings

    return list(getattr(settings, "OPENPRM_SPECIALISATIONS", DEFAULT_SPECIALISATIONS))
