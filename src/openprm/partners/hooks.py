"""What the partners app plugs into the kernel at start-up: the labels of the
profile's lists of codes, for the audit trail's sentences; the partner picker of
the kernel's filters."""

from openprm.core.audit_text import register_field_choices
from openprm.core.pickers import set_picker_source
from openprm.partners.choices import Industry, PartnerType, specialisation_choices
from openprm.partners.pickers import partner_source_for

register_field_choices("partners.partner", "partner_types", PartnerType.choices)
register_field_choices("partners.partner", "industries", Industry.choices)
register_field_choices("partners.partner", "specialisations", specialisation_choices)
set_picker_source("partner", partner_source_for)
