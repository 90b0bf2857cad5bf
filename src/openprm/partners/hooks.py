"""What the partners app plugs into the kernel at start-up: the labels of the
profile's lists of codes, for the audit trail's sentences."""

from openprm.core.audit_text import register_field_choices
from openprm.partners.choices import Industry, PartnerType, specialisation_choices

register_field_choices("partners.partner", "partner_types", PartnerType.choices)
register_field_choices("partners.partner", "industries", Industry.choices)
register_field_choices("partners.partner", "specialisations", specialisation_choices)
