import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from openprm.core import audit, events, iso
from openprm.core.errors import PermissionDenied, ValidationFailed
from openprm.core.models import AuditAction
from openprm.core.scoping import scope_for
from openprm.partners import custom_fields, hierarchy, logos, permissions
from openprm.partners.choices import (
    CustomFieldType,
    EmployeeBand,
    Industry,
    PartnerStatus,
    PartnerType,
    Region,
    RevenueBand,
    specialisation_choices,
)
from openprm.partners.models import (
    HAS_EXTERNAL_ID,
    Contact,
    CustomFieldDefinition,
    Partner,
    PartnerDomain,
)

AUDITED_FIELDS = [
    "name",
    "partner_type",
    "status",
    "country",
    "region",
    "city",
    "parent",
]
PROFILE_FIELDS = [
    "name",
    "legal_name",
    "partner_type",
    "partner_types",
    "website",
    "street",
    "postal_code",
    "state",
    "city",
    "country",
    "region",
    "latitude",
    "longitude",
    "industries",
    "specialisations",
    "employee_band",
    "revenue_band",
    "languages",
    "logo",
    "tags",
    "external_id",
    "channel_manager",
    "custom_fields",
]
CONTACT_FIELDS = ["name", "email", "phone", "title", "is_primary", "notes"]
DEFINITION_FIELDS = [
    "key",
    "label",
    "field_type",
    "choices",
    "is_required",
    "help_text",
    "ordering",
    "is_active",
    "visible_to_partners",
    "editable_by_partners",
]
MAX_TAGS = 30
MAX_TAG_LENGTH = 50
MAX_DOMAINS = 20
DOMAIN_PATTERN = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2}$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


@transaction.atomic
def partner_create(
    *,
    name: str,
    partner_type: str,
    country: str,
    region: str,
    city: str = "",
    website: str = "",
    status: str = PartnerStatus.PROSPECT,
    parent: Partner | None = None,
    channel_manager=None,
    downstream_visibility: bool = False,
    profile: Mapping[str, Any] | None = None,
    domains: Iterable[str] = (),
    actor=None,
) -> Partner:
    """Create a partner organisation, placed beneath ``parent`` when given.

    Trusts its input (factories, the demo, :func:`partner_add` after checking it),
    except the hierarchy: a parent that is terminated, or so deep that the new
    partner would exceed ``OPENPRM_MAX_PARTNER_DEPTH`` tiers, is refused (nothing
    written). ``profile`` holds further profile fields, ``domains`` normalised
    domains.
    """
    if parent is not None:
        check = hierarchy.check_move(
            partner_path="/new/",
            partner_depth=0,
            subtree_max_depth=0,
            parent_path=parent.path,
            parent_depth=parent.depth,
            max_depth=hierarchy.max_partner_depth(),
            parent_is_terminated=parent.status == PartnerStatus.TERMINATED,
        )
        if not check:
            raise ValidationFailed(
                check.reason, field_errors={"parent": [check.reason]}
            )
    profile = dict(profile or {})
    profile.setdefault("partner_types", [partner_type])
    partner = Partner.objects.create(
        **profile,
        name=name,
        partner_type=partner_type,
        country=country.upper(),
        region=region or iso.region_for_country(country),
        city=city,
        website=website,
        status=status,
        parent=parent,
        channel_manager=channel_manager,
        downstream_visibility=downstream_visibility,
    )
    partner.path = f"{parent.path if parent else '/'}{partner.pk}/"
    partner.depth = parent.depth + 1 if parent else 0
    partner.save(update_fields=["path", "depth"])
    domains = list(domains)
    PartnerDomain.objects.bulk_create(
        PartnerDomain(partner=partner, domain=domain) for domain in domains
    )
    fields = [
        *AUDITED_FIELDS,
        *(name for name in profile if name not in AUDITED_FIELDS),
    ]
    changes = {
        name: [None, value] for name, value in audit.snapshot(partner, fields).items()
    }
    if domains:
        changes["domains"] = [None, domains]
    audit.record(
        actor=actor,
        instance=partner,
        action=AuditAction.CREATE,
        changes=changes,
        verb="partner.created",
    )
    events.emit(
        "partner.created",
        payload=partner_payload(partner),
        actor=actor,
        partner_id=partner.pk,
    )
    return partner


def partner_payload(partner: Partner) -> dict:
    """The partner as events and webhooks carry it."""
    return {
        "id": partner.pk,
        "public_id": str(partner.public_id),
        "name": partner.name,
        "partner_type": partner.partner_type,
        "status": partner.status,
        "country": partner.country,
        "region": partner.region,
        "parent": partner.parent_id,
        "external_id": partner.external_id,
    }


# --- profile validation -------------------------------------------------------------


def normalise_domain(raw: str) -> str:
    """``https://www.Contoso.com/x`` → ``contoso.com``."""
    domain = raw.strip().lower()
    domain = re.sub(r"^[a-z]+://", "", domain).split("/")[0].split("@")[-1]
    domain = domain.split(":")[0].rstrip(".")
    return domain.removeprefix("www.")


def _codes(value, allowed: Iterable[str], name: str, errors: dict) -> list[str]:
    if not isinstance(value, list | tuple):
        errors[name] = [_("Give a list of codes.")]
        return []
    allowed = list(allowed)
    chosen = {str(item) for item in value}
    unknown = sorted(chosen - set(allowed))
    if unknown:
        errors[name] = [_("Unknown codes: %(codes)s.") % {"codes": ", ".join(unknown)}]
    return [code for code in allowed if code in chosen]


def _coordinate(value, limit: int, name: str, errors: dict):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        errors[name] = [_("Enter a number.")]
        return None
    if not -limit <= number <= limit:
        errors[name] = [
            _("Enter a value between -%(limit)s and %(limit)s.") % {"limit": limit}
        ]
    return number


def clean_profile(data: Mapping[str, Any]) -> tuple[dict, list[str] | None]:
    """Checked and normalised profile fields (not custom fields), and the domains
    when given; raises ValidationFailed with every field's errors."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name in ("name", "legal_name", "street", "postal_code", "state", "city"):
        if name in data:
            cleaned[name] = str(data[name] or "").strip()
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = [_("Enter the partner's name.")]
    if "partner_type" in data and data["partner_type"] not in PartnerType.values:
        errors["partner_type"] = [_("Choose one of the partner types.")]
    elif "partner_type" in data:
        cleaned["partner_type"] = data["partner_type"]
    if "partner_types" in data:
        cleaned["partner_types"] = _codes(
            data["partner_types"], PartnerType.values, "partner_types", errors
        )
    if "website" in data:
        website = str(data["website"] or "").strip()
        if website and "://" not in website:
            website = f"https://{website}"
        try:
            if website:
                URLValidator(schemes=["http", "https"])(website)
        except DjangoValidationError:
            errors["website"] = [_("Enter a valid web address.")]
        cleaned["website"] = website
    if "country" in data:
        country = str(data["country"] or "").strip().upper()
        if not COUNTRY_PATTERN.match(country):
            errors["country"] = [_("Enter a two-letter ISO country code.")]
        cleaned["country"] = country
    if "region" in data:
        region = data["region"]
        if not region and cleaned.get("country"):
            # Unless set, the region is the country's.
            region = iso.region_for_country(cleaned["country"])
        if region not in Region.values:
            errors["region"] = [_("Choose one of the regions.")]
        cleaned["region"] = region
    if "latitude" in data:
        cleaned["latitude"] = _coordinate(data["latitude"], 90, "latitude", errors)
    if "longitude" in data:
        cleaned["longitude"] = _coordinate(data["longitude"], 180, "longitude", errors)
    if "industries" in data:
        cleaned["industries"] = _codes(
            data["industries"], Industry.values, "industries", errors
        )
    if "specialisations" in data:
        cleaned["specialisations"] = _codes(
            data["specialisations"],
            [code for code, _label in specialisation_choices()],
            "specialisations",
            errors,
        )
    for name, choices in (
        ("employee_band", EmployeeBand),
        ("revenue_band", RevenueBand),
    ):
        if name in data:
            value = data[name] or ""
            if value and value not in choices.values:
                errors[name] = [_("Choose one of the bands.")]
            cleaned[name] = value
    if "languages" in data:
        languages = data["languages"]
        if not isinstance(languages, list | tuple):
            errors["languages"] = [_("Give a list of ISO 639-1 codes.")]
        else:
            codes = list(dict.fromkeys(str(code).strip().lower() for code in languages))
            if bad := [code for code in codes if not LANGUAGE_PATTERN.match(code)]:
                errors["languages"] = [
                    _("Not ISO 639-1 codes: %(codes)s.") % {"codes": ", ".join(bad)}
                ]
            cleaned["languages"] = codes
    if "tags" in data:
        tags = data["tags"]
        if not isinstance(tags, list | tuple):
            errors["tags"] = [_("Give a list of tags.")]
        else:
            cleaned["tags"] = list(
                dict.fromkeys(str(tag).strip() for tag in tags if str(tag).strip())
            )
            if len(cleaned["tags"]) > MAX_TAGS or any(
                len(tag) > MAX_TAG_LENGTH for tag in cleaned["tags"]
            ):
                errors["tags"] = [
                    _("At most %(count)s tags of %(length)s characters.")
                    % {"count": MAX_TAGS, "length": MAX_TAG_LENGTH}
                ]
    if "external_id" in data:
        cleaned["external_id"] = str(data["external_id"] or "").strip()
    if "channel_manager" in data:
        manager = data["channel_manager"]
        if manager is not None and not manager.is_vendor_staff:
            errors["channel_manager"] = [_("Choose a member of the vendor's staff.")]
        cleaned["channel_manager"] = manager
    if data.get("logo"):
        if logo_problems := logos.logo_errors(data["logo"]):
            errors["logo"] = logo_problems
        cleaned["logo"] = data["logo"]
    elif "logo" in data:
        cleaned["logo"] = None
    domains = None
    if "domains" in data:
        domains = list(
            dict.fromkeys(normalise_domain(item) for item in data["domains"])
        )
        domains = [domain for domain in domains if domain]
        if bad := [domain for domain in domains if not DOMAIN_PATTERN.match(domain)]:
            errors["domains"] = [
                _("Not valid domains: %(domains)s.") % {"domains": ", ".join(bad)}
            ]
        elif len(domains) > MAX_DOMAINS:
            errors["domains"] = [
                _("At most %(count)s domains.") % {"count": MAX_DOMAINS}
            ]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return cleaned, domains


def _check_unique(*, partner: Partner | None, cleaned: dict, domains) -> None:
    """Refuse an external id or domain that another partner holds, by field (the
    unique constraints still decide under a race)."""
    others = (
        Partner.objects.all()
        if partner is None
        else Partner.objects.exclude(pk=partner.pk)
    )
    errors = {}
    if (
        cleaned.get("external_id")
        and others.filter(HAS_EXTERNAL_ID, external_id=cleaned["external_id"]).exists()
    ):
        errors["external_id"] = [_("Another partner has this external id.")]
    if domains:
        taken = PartnerDomain.objects.filter(domain__in=domains)
        if partner is not None:
            taken = taken.exclude(partner=partner)
        if taken := sorted(taken.values_list("domain", flat=True)):
            errors["domains"] = [
                _("Already used by another partner: %(domains)s.")
                % {"domains": ", ".join(taken)}
            ]
    if errors:
        raise ValidationFailed(field_errors=errors)


def _save_logo(partner: Partner, upload) -> None:
    extension = logos.logo_extension(upload)
    partner.logo.save(f"{partner.public_id}.{extension}", upload, save=False)


def _domains_of(partner: Partner) -> list[str]:
    return sorted(partner.domains.values_list("domain", flat=True))


def _editable_definitions(level: str):
    definitions = CustomFieldDefinition.objects.filter(is_active=True)
    if level == permissions.PARTNER:
        definitions = definitions.filter(editable_by_partners=True)
    return list(definitions)


# --- partners -----------------------------------------------------------------------


@transaction.atomic
def partner_add(*, actor, data: Mapping[str, Any]) -> Partner:
    """A vendor admin or channel manager adds a partner (or prospect) with its
    profile; a channel manager's new partner is assigned to them unless they name
    another manager."""
    permissions.CREATE.ensure(actor)
    missing = {
        name: [_("This field is required.")]
        for name in ("name", "partner_type", "country", "region")
        if not data.get(name)
    }
    if missing:
        raise ValidationFailed(field_errors=missing)
    cleaned, domains = clean_profile(data)
    values = custom_fields.validate(
        _editable_definitions(permissions.VENDOR),
        data.get("custom_fields") or {},
        complete=True,
    )
    if not values.is_valid:
        raise ValidationFailed(
            field_errors={f"custom_fields.{k}": v for k, v in values.errors.items()}
        )
    _check_unique(partner=None, cleaned=cleaned, domains=domains)
    # A creator who sees only their own partners would lose sight of the new one.
    if "channel_manager" not in cleaned and not scope_for(actor).everything:
        cleaned["channel_manager"] = actor
    logo = cleaned.pop("logo", None)
    cleaned["partner_types"] = _with_primary(
        cleaned.get("partner_types", []), cleaned["partner_type"]
    )
    required = {
        name: cleaned.pop(name)
        for name in ("name", "partner_type", "country", "region")
    }
    cleaned["custom_fields"] = values.values
    status = data.get("status", PartnerStatus.PROSPECT)
    if status not in PartnerStatus.values:
        raise ValidationFailed(field_errors={"status": [_("Unknown status.")]})
    partner = partner_create(
        **required,
        city=cleaned.pop("city", ""),
        website=cleaned.pop("website", ""),
        channel_manager=cleaned.pop("channel_manager", None),
        status=status,
        profile=cleaned,
        domains=domains or [],
        actor=actor,
    )
    if logo:
        _save_logo(partner, logo)
        partner.save(update_fields=["logo", "updated_at"])
    return partner


def _with_primary(types: list[str], primary: str) -> list[str]:
    return [primary, *(code for code in types if code != primary)]


@transaction.atomic
def partner_update(*, partner: Partner, actor, data: Mapping[str, Any]) -> Partner:
    """Change a partner's profile: the fields given in ``data`` (``domains`` replaces
    the list; ``custom_fields`` merges, an empty value removing a key). Status and
    hierarchy change through the lifecycle services, not here."""
    level = permissions.require_profile_editor(actor, partner)
    if level == permissions.PARTNER:
        refused = sorted(set(data) - permissions.PARTNER_EDITABLE_FIELDS)
        if refused:
            raise PermissionDenied(
                _("Only the vendor changes these fields: %(fields)s.")
                % {"fields": ", ".join(refused)}
            )
    unknown = sorted(set(data) - set(PROFILE_FIELDS) - {"domains"})
    if unknown:
        raise ValidationFailed(
            field_errors={name: [_("Unknown field.")] for name in unknown}
        )
    errors: dict[str, list[str]] = {}
    try:
        cleaned, domains = clean_profile(data)
    except ValidationFailed as error:
        errors.update(error.field_errors)
        cleaned, domains = {}, None
    if "custom_fields" in data:
        result = custom_fields.validate(
            _editable_definitions(level),
            data["custom_fields"] or {},
            current=partner.custom_fields,
        )
        errors.update(
            {f"custom_fields.{key}": value for key, value in result.errors.items()}
        )
        cleaned["custom_fields"] = result.values
    if errors:
        raise ValidationFailed(field_errors=errors)
    _check_unique(partner=partner, cleaned=cleaned, domains=domains)
    if "partner_type" in cleaned or "partner_types" in cleaned:
        cleaned["partner_types"] = _with_primary(
            cleaned.get("partner_types", partner.partner_types),
            cleaned.get("partner_type", partner.partner_type),
        )
    logo = cleaned.pop("logo", False)
    # The logo by its file name: audit.snapshot cannot read an empty file field.
    before = {**audit.snapshot(partner, cleaned.keys()), "logo": partner.logo.name}
    old_domains = _domains_of(partner) if domains is not None else None
    for name, value in cleaned.items():
        setattr(partner, name, value)
    if logo:
        _save_logo(partner, logo)
    elif logo is None:
        partner.logo = None
    after = {**audit.snapshot(partner, cleaned.keys()), "logo": partner.logo.name}
    changes = {
        name: [before[name] or None, after[name] or None]
        if name == "logo"
        else [before[name], after[name]]
        for name in after
        if before[name] != after[name]
    }
    if domains is not None and sorted(domains) != old_domains:
        partner.domains.exclude(domain__in=domains).delete()
        kept = set(old_domains)
        try:
            with transaction.atomic():
                PartnerDomain.objects.bulk_create(
                    PartnerDomain(partner=partner, domain=domain)
                    for domain in domains
                    if domain not in kept
                )
        except IntegrityError:
            raise ValidationFailed(
                field_errors={"domains": [_("Already used by another partner.")]}
            ) from None
        changes["domains"] = [old_domains, sorted(domains)]
    if not changes:
        return partner
    model_fields = [name for name in changes if name != "domains"]
    if model_fields:
        try:
            with transaction.atomic():
                partner.save(update_fields=[*model_fields, "updated_at"])
        except IntegrityError:
            raise ValidationFailed(
                field_errors={
                    "external_id": [_("Another partner has this external id.")]
                }
            ) from None
    audit.record(
        actor=actor,
        instance=partner,
        action=AuditAction.UPDATE,
        changes=changes,
        verb="partner.updated",
    )
    events.emit(
        "partner.updated",
        payload={**partner_payload(partner), "changed": sorted(changes)},
        actor=actor,
        partner_id=partner.pk,
    )
    return partner


# --- contacts -----------------------------------------------------------------------


def contact_payload(contact: Contact) -> dict:
    return {
        "id": str(contact.public_id),
        "partner": contact.partner_id,
        "name": contact.name,
        "email": contact.email,
        "is_primary": contact.is_primary,
    }


def _clean_contact(data: Mapping[str, Any], *, creating: bool) -> dict:
    unknown = sorted(set(data) - set(CONTACT_FIELDS))
    errors: dict[str, list[str]] = {name: [_("Unknown field.")] for name in unknown}
    cleaned = {}
    for name in ("name", "email", "phone", "title", "notes"):
        if name in data:
            cleaned[name] = str(data[name] or "").strip()
    if "is_primary" in data:
        cleaned["is_primary"] = bool(data["is_primary"])
    if (creating or "name" in cleaned) and not cleaned.get("name"):
        errors["name"] = [_("Enter the contact's name.")]
    if cleaned.get("email"):
        cleaned["email"] = cleaned["email"].lower()
        try:
            validate_email(cleaned["email"])
        except DjangoValidationError:
            errors["email"] = [_("Enter a valid email address.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return cleaned


def _demote_primary(partner: Partner, keep: Contact | None = None) -> None:
    """One primary contact per partner: a new primary replaces the old one."""
    others = Contact.objects.filter(partner=partner, is_primary=True)
    if keep is not None and keep.pk:
        others = others.exclude(pk=keep.pk)
    others.update(is_primary=False)


@transaction.atomic
def contact_create(*, partner: Partner, actor, data: Mapping[str, Any]) -> Contact:
    """Add a person at the partner."""
    permissions.require_profile_editor(actor, partner)
    cleaned = _clean_contact(data, creating=True)
    if cleaned.get("is_primary"):
        _demote_primary(partner)
    contact = Contact.objects.create(partner=partner, **cleaned)
    audit.record_create(
        actor=actor,
        instance=contact,
        fields=CONTACT_FIELDS,
        verb="partner.contact_created",
    )
    events.emit(
        "partner.contact_created",
        payload=contact_payload(contact),
        actor=actor,
        partner_id=partner.pk,
    )
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, actor, data: Mapping[str, Any]) -> Contact:
    permissions.require_profile_editor(actor, contact.partner)
    cleaned = _clean_contact(data, creating=False)
    before = audit.snapshot(contact, cleaned.keys())
    if cleaned.get("is_primary"):
        _demote_primary(contact.partner, keep=contact)
    for name, value in cleaned.items():
        setattr(contact, name, value)
    entry = audit.record_change(
        actor=actor, instance=contact, before=before, verb="partner.contact_updated"
    )
    if entry is None:
        return contact
    contact.save(update_fields=[*entry.changes, "updated_at"])
    events.emit(
        "partner.contact_updated",
        payload={**contact_payload(contact), "changed": sorted(entry.changes)},
        actor=actor,
        partner_id=contact.partner_id,
    )
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, actor) -> None:
    permissions.require_profile_editor(actor, contact.partner)
    audit.record_delete(
        actor=actor,
        instance=contact,
        fields=CONTACT_FIELDS,
        verb="partner.contact_deleted",
    )
    events.emit(
        "partner.contact_deleted",
        payload=contact_payload(contact),
        actor=actor,
        partner_id=contact.partner_id,
    )
    contact.delete()


# --- custom field definitions ------------------------------------------------------


def definition_payload(definition: CustomFieldDefinition) -> dict:
    return {
        "id": definition.pk,
        "key": definition.key,
        "label": definition.label,
        "field_type": definition.field_type,
        "is_active": definition.is_active,
    }


def _clean_definition(
    data: Mapping[str, Any], *, definition: CustomFieldDefinition | None
) -> dict:
    allowed = set(DEFINITION_FIELDS) - {"is_active"}
    if definition is not None:
        allowed -= {"key", "field_type"}  # stored values depend on them
    errors: dict[str, list[str]] = {
        name: [
            _("This field cannot be changed.")
            if name in DEFINITION_FIELDS
            else _("Unknown field.")
        ]
        for name in sorted(set(data) - allowed)
    }
    cleaned = {name: data[name] for name in data if name in allowed}
    for name in ("key", "label", "help_text"):
        if name in cleaned:
            cleaned[name] = str(cleaned[name] or "").strip()
    if definition is None:
        if not KEY_PATTERN.match(cleaned.get("key", "")):
            errors["key"] = [
                _(
                    "Use lowercase letters, digits and underscores, starting with "
                    "a letter."
                )
            ]
        if cleaned.get("field_type") not in CustomFieldType.values:
            errors["field_type"] = [_("Choose one of the field types.")]
    if (definition is None or "label" in cleaned) and not cleaned.get("label"):
        errors["label"] = [_("Enter a label.")]
    field_type = cleaned.get("field_type") or getattr(definition, "field_type", "")
    if "choices" in cleaned or definition is None:
        choices = cleaned.get("choices") or []
        if not isinstance(choices, list | tuple):
            errors["choices"] = [_("Give a list of choices.")]
            choices = []
        choices = list(
            dict.fromkeys(str(item).strip() for item in choices if str(item).strip())
        )
        cleaned["choices"] = choices
        if field_type in (CustomFieldType.CHOICE, CustomFieldType.MULTI_CHOICE):
            if not choices:
                errors["choices"] = [_("Give at least one choice.")]
        elif choices:
            errors["choices"] = [_("Only choice fields have choices.")]
    visible = cleaned.get(
        "visible_to_partners", getattr(definition, "visible_to_partners", False)
    )
    editable = cleaned.get(
        "editable_by_partners", getattr(definition, "editable_by_partners", False)
    )
    if editable and not visible:
        errors["editable_by_partners"] = [
            _("A field partners edit must be visible to them.")
        ]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return cleaned


@transaction.atomic
def custom_field_definition_create(
    *, actor, data: Mapping[str, Any]
) -> CustomFieldDefinition:
    """A vendor admin adds a custom field to every partner's profile."""
    permissions.DEFINE_FIELDS.ensure(actor)
    cleaned = _clean_definition(data, definition=None)
    if CustomFieldDefinition.objects.filter(key=cleaned["key"]).exists():
        raise ValidationFailed(field_errors={"key": [_("This key is taken.")]})
    definition = CustomFieldDefinition.objects.create(**cleaned)
    audit.record_create(
        actor=actor,
        instance=definition,
        fields=DEFINITION_FIELDS,
        verb="partner.custom_field_created",
    )
    events.emit(
        "partner.custom_field_created",
        payload=definition_payload(definition),
        actor=actor,
    )
    return definition


@transaction.atomic
def custom_field_definition_update(
    *, definition: CustomFieldDefinition, actor, data: Mapping[str, Any]
) -> CustomFieldDefinition:
    """Change a definition's label, choices, flags or order (not its key or type,
    which stored values depend on). Removing a choice leaves stored values alone;
    they are refused at the next edit of that partner."""
    permissions.DEFINE_FIELDS.ensure(actor)
    cleaned = _clean_definition(data, definition=definition)
    before = audit.snapshot(definition, cleaned.keys())
    for name, value in cleaned.items():
        setattr(definition, name, value)
    entry = audit.record_change(
        actor=actor,
        instance=definition,
        before=before,
        verb="partner.custom_field_updated",
    )
    if entry is None:
        return definition
    definition.save(update_fields=[*entry.changes, "updated_at"])
    events.emit(
        "partner.custom_field_updated",
        payload={**definition_payload(definition), "changed": sorted(entry.changes)},
        actor=actor,
    )
    return definition


@transaction.atomic
def custom_field_definition_deactivate(
    *, definition: CustomFieldDefinition, actor
) -> CustomFieldDefinition:
    """Hide a custom field from forms and the API; stored values are kept."""
    permissions.DEFINE_FIELDS.ensure(actor)
    if not definition.is_active:
        return definition
    before = audit.snapshot(definition, ["is_active"])
    definition.is_active = False
    definition.save(update_fields=["is_active", "updated_at"])
    audit.record_change(
        actor=actor,
        instance=definition,
        before=before,
        verb="partner.custom_field_deactivated",
    )
    events.emit(
        "partner.custom_field_deactivated",
        payload=definition_payload(definition),
        actor=actor,
    )
    return definition
