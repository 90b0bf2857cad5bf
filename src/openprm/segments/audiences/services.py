"""Every write of audiences: create, change, deactivate (and reactivate).

Vendor admins and channel marketing define audiences. A rule is checked against
the active custom fields and segments (errors by path: ``rule.all.0.value``), the
roles against the partner roles; each change is audited and announces itself. An
audience is never deleted (content points at it): a deactivated one holds nobody.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from openprm.core import audit, events
from openprm.core.errors import ValidationFailed
from openprm.segments import permissions
from openprm.segments.audiences.selectors import rule_errors
from openprm.segments.models import Audience
from openprm.tenancy.choices import PartnerRole

AUDIENCE_FIELDS = ["name", "description", "rule", "partner_roles", "is_active"]


def audience_payload(audience: Audience) -> dict:
    return {
        "id": str(audience.public_id),
        "name": audience.name,
        "rule": audience.rule,
        "partner_roles": audience.partner_roles,
        "is_active": audience.is_active,
    }


def _clean(*, name, rule, partner_roles) -> dict:
    field_errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        field_errors["name"] = [str(_("Enter a name."))]
    field_errors.update(rule_errors(rule))
    roles = list(partner_roles or [])
    unknown = sorted({str(role) for role in roles} - set(PartnerRole.values))
    if unknown:
        field_errors["partner_roles"] = [
            str(_("Unknown roles: %(roles)s.")) % {"roles": ", ".join(unknown)}
        ]
    if field_errors:
        raise ValidationFailed(field_errors=field_errors)
    # The partner roles' own order, once each.
    return {
        "name": name,
        "rule": rule,
        "partner_roles": [role for role in PartnerRole.values if role in roles],
    }


def _name_taken() -> ValidationFailed:
    return ValidationFailed(
        field_errors={"name": [str(_("Another audience has this name."))]}
    )


@transaction.atomic
def audience_create(
    *,
    actor,
    name: str,
    rule: dict,
    partner_roles: list[str] | None = None,
    description: str = "",
    is_active: bool = True,
) -> Audience:
    permissions.AUDIENCE_MANAGE.ensure(actor)
    cleaned = _clean(name=name, rule=rule, partner_roles=partner_roles)
    try:
        with transaction.atomic():
            audience = Audience.objects.create(
                **cleaned,
                description=(description or "").strip(),
                is_active=is_active,
                created_by=actor,
            )
    except IntegrityError:
        raise _name_taken() from None
    audit.record_create(
        actor=actor, instance=audience, fields=AUDIENCE_FIELDS, verb="audience.created"
    )
    events.emit("audience.created", payload=audience_payload(audience), actor=actor)
    return audience


@transaction.atomic
def audience_update(
    *,
    actor,
    audience: Audience,
    name: str | None = None,
    rule: dict | None = None,
    partner_roles: list[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> Audience:
    """Change what is given (``None`` keeps a value); takes effect on the next
    read of any list that filters on the audience."""
    permissions.AUDIENCE_MANAGE.ensure(actor)
    cleaned = _clean(
        name=audience.name if name is None else name,
        rule=audience.rule if rule is None else rule,
        partner_roles=audience.partner_roles
        if partner_roles is None
        else partner_roles,
    )
    before = audit.snapshot(audience, AUDIENCE_FIELDS)
    audience.name = cleaned["name"]
    audience.rule = cleaned["rule"]
    audience.partner_roles = cleaned["partner_roles"]
    if description is not None:
        audience.description = description.strip()
    if is_active is not None:
        audience.is_active = is_active
    entry = audit.record_change(
        actor=actor, instance=audience, before=before, verb="audience.updated"
    )
    if entry is None:
        return audience
    try:
        with transaction.atomic():
            audience.save(update_fields=[*AUDIENCE_FIELDS, "updated_at"])
    except IntegrityError:
        raise _name_taken() from None
    events.emit(
        "audience.updated",
        payload={**audience_payload(audience), "changes": entry.changes},
        actor=actor,
    )
    return audience


@transaction.atomic
def audience_deactivate(*, actor, audience: Audience) -> Audience:
    """Stop the audience holding anyone: what it was shown to disappears for
    everyone on the next request. Deactivating an inactive audience changes
    nothing."""
    permissions.AUDIENCE_MANAGE.ensure(actor)
    if not audience.is_active:
        return audience
    before = audit.snapshot(audience, AUDIENCE_FIELDS)
    audience.is_active = False
    audience.save(update_fields=["is_active", "updated_at"])
    audit.record_change(
        actor=actor, instance=audience, before=before, verb="audience.deactivated"
    )
    events.emit("audience.deactivated", payload=audience_payload(audience), actor=actor)
    return audience
