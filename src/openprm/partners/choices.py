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
