"""The partner record API: partners (the directory's list, and each partner's
profile), their contacts, and custom field definitions.

Scoping is the directory's: a user lists and reads the partners ``visible_to`` them;
another partner's record (or one outside a channel manager's scope) is 404. Writes go
through partners.services, which authorize (see partners.permissions): vendor admins
everything, channel managers the partners in their scope, partner admins the
partner-editable fields of their own organisation. Custom field values appear under
``custom_fields``, limited for partner users to the fields shown to partners.

Lists run a fixed number of queries whatever the page size: one for the page, which
brings the partners' domains, the capped count and the reader's custom field keys
along (plus one for those keys when filtering by custom fields, and one for the
count when the page is past the end); its SQL is compiled once per reader scope
and filters (see partners_api_page).
"""

import json
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpResponse
from ninja import Field, File, Query, Schema, Status, UploadedFile

from openprm.core.api import (
    ApiRouter,
    CappedPagination,
    StrictSchema,
    lookup,
    reads_query,
)
from openprm.core.errors import ValidationFailed
from openprm.partners import permissions, selectors, services
from openprm.partners.choices import (
    CustomFieldType,
    EmployeeBand,
    Industry,
    PartnerStatus,
    PartnerType,
    Region,
    RevenueBand,
)
from openprm.partners.directory import filters as directory
from openprm.partners.directory.selectors import (
    directory_custom_keys,
    partners_api_page,
)
from openprm.partners.models import Contact, CustomFieldDefinition, Partner

router = ApiRouter()

PARTNER_TAGS = ["partners"]
CONTACT_TAGS = ["contacts"]
CUSTOM_FIELD_TAGS = ["custom fields"]

PartnerTypeName = Literal[tuple(PartnerType.values)]  # type: ignore[valid-type]
RegionName = Literal[tuple(Region.values)]  # type: ignore[valid-type]
EmployeeBandName = Literal["", *EmployeeBand.values]  # type: ignore[valid-type]
RevenueBandName = Literal["", *RevenueBand.values]  # type: ignore[valid-type]
FieldTypeName = Literal[tuple(CustomFieldType.values)]  # type: ignore[valid-type]


def _visible_keys(request) -> set[str]:
    """The custom field keys the caller may read, looked up once per request."""
    keys = getattr(request, "_openprm_custom_keys", None)
    if keys is None:
        keys = set(
            selectors.custom_field_definitions_for(
                user=request.user, include_inactive=True
            ).values_list("key", flat=True)
        )
        request._openprm_custom_keys = keys
    return keys


# --- partners -----------------------------------------------------------------------


class PartnerOut(Schema):
    """A partner organisation and its profile."""

    id: UUID = Field(validation_alias="public_id")
    partner: int = Field(
        validation_alias="pk",
        description="The partner's numeric id, as other resources' `partner` carry.",
    )
    name: str
    legal_name: str
    partner_type: str = Field(description="The primary type.")
    partner_types: list[str] = Field(description="Every type, the primary first.")
    status: str
    website: str
    domains: list[str]
    street: str
    postal_code: str
    state: str
    city: str
    country: str
    region: str
    latitude: float | None
    longitude: float | None
    industries: list[str]
    specialisations: list[str]
    employee_band: str
    revenue_band: str
    languages: list[str]
    logo: str | None = Field(description="The logo's URL.")
    tags: list[str]
    external_id: str
    channel_manager: UUID | None
    parent: int | None = Field(validation_alias="parent_id")
    custom_fields: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_domains(obj) -> list[str]:
        return sorted(domain.domain for domain in obj.domains.all())

    @staticmethod
    def resolve_logo(obj, context) -> str | None:
        if not obj.logo:
            return None
        return context["request"].build_absolute_uri(obj.logo.url)

    @staticmethod
    def resolve_channel_manager(obj) -> UUID | None:
        return obj.channel_manager.public_id if obj.channel_manager_id else None

    @staticmethod
    def resolve_custom_fields(obj, context) -> dict:
        keys = _visible_keys(context["request"])
        return {key: value for key, value in obj.custom_fields.items() if key in keys}


StatusName = Literal[tuple(PartnerStatus.values)]  # type: ignore[valid-type]
IndustryName = Literal[tuple(Industry.values)]  # type: ignore[valid-type]


class PartnerFilters(StrictSchema):
    """The directory's filters (partners/directory.py); list filters repeat
    (``?status=active&status=onboarding``) and match any value given. Custom fields
    filter as ``cf_<key>`` (text contains; number or date equals; choice and
    multi-choice: one of, repeatable; boolean ``true``/``false``) and
    ``cf_<key>__min`` / ``cf_<key>__max`` (number and date ranges)."""

    class Meta:
        model = Partner

    q: str = Field("", description="Part of the name, a domain or a contact.")
    status: list[StatusName] = []
    type: list[PartnerTypeName] = Field([], description="Any of the partner's types.")
    country: str = Field("", description="ISO 3166-1 alpha-2 code.")
    region: Literal["", *Region.values] = ""  # type: ignore[valid-type]
    manager: str = Field(
        "", description="A channel manager's id, or `none` for unassigned partners."
    )
    parent: str = Field(
        "",
        description="The parent partner's `partner` id (as the documents' `parent` "
        "shows it; its `id` is accepted too), or `none` for top-level partners.",
    )
    industry: list[IndustryName] = []
    specialisation: list[str] = []
    tag: list[str] = []
    language: list[str] = Field([], description="ISO 639-1 codes.")
    employee_band: EmployeeBandName = ""
    revenue_band: RevenueBandName = ""
    programme: UUID | None = Field(None, description="Actively enrolled in it.")
    tier: int | None = Field(None, description="Actively enrolled at this tier id.")
    scorecard: UUID | None = Field(
        None, description="The scorecard of `score_min`, `score_max` and score sorts."
    )
    score_min: int | None = Field(None, ge=0, le=100)
    score_max: int | None = Field(None, ge=0, le=100)
    sort: Literal[tuple(directory.ORDERINGS)] = "name"  # type: ignore[valid-type]


def _directory_filters(
    request,
) -> tuple[directory.DirectoryFilters, frozenset[str] | None]:
    """The request's filters, refusing what the directory would silently drop
    (unknown parameters are the router's): unknown custom fields and values that
    do not fit; and,
    when it filters by custom fields, the custom field keys the reader may see
    (otherwise the page reads them with its rows)."""
    types: dict[str, str] = {}
    if any(name.startswith(directory.CUSTOM_FIELD_PREFIX) for name in request.GET):
        types = directory_custom_keys(user=request.user)
    errors: dict[str, list[str]] = {}
    filters = directory.parse(request.GET, custom_keys=types)
    applied = {(key, operator) for key, operator, _values in filters.custom}
    for name, key, operator in directory.custom_filter_keys(request.GET):
        if key not in types:
            errors[name] = ["Unknown custom field."]
        elif (key, operator) not in applied and any(request.GET.getlist(name)):
            errors[name] = ["Not a valid filter value for this field."]
    for name in ("manager", "parent"):
        value = request.GET.get(name, "")
        if value and getattr(filters, name) == "":
            errors[name] = ["Must be an id or `none`."]
    if (request.GET.get("score_min") or request.GET.get("score_max")) and (
        not filters.scorecard
    ):
        errors["scorecard"] = ["Required with score_min or score_max."]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return filters, (frozenset(types) if types else None)


class PartnerProfileIn(StrictSchema):
    """Profile fields; on PATCH only those sent change."""

    class Meta:
        model = Partner

    legal_name: str = ""
    partner_types: list[PartnerTypeName] = []
    website: str = ""
    domains: list[str] = Field(
        default_factory=list, description="Replaces the partner's domains."
    )
    street: str = ""
    postal_code: str = ""
    state: str = ""
    city: str = ""
    latitude: float | None = None
    longitude: float | None = None
    industries: list[str] = []
    specialisations: list[str] = []
    employee_band: EmployeeBandName = ""
    revenue_band: RevenueBandName = ""
    languages: list[str] = []
    tags: list[str] = []
    external_id: str = ""
    channel_manager: UUID | None = Field(
        None, description="A vendor staff member's id."
    )
    custom_fields: dict[str, Any] = Field(
        default_factory=dict,
        description="Merged into the stored values; null or empty removes a key.",
    )


class PartnerCreateIn(PartnerProfileIn):
    name: str
    partner_type: PartnerTypeName
    country: str
    region: RegionName
    status: Literal[  # type: ignore[valid-type]
        PartnerStatus.PROSPECT, PartnerStatus.APPLICANT
    ] = PartnerStatus.PROSPECT


class PartnerPatchIn(PartnerProfileIn):
    name: str = ""
    partner_type: PartnerTypeName = PartnerType.RESELLER
    country: str = ""
    region: RegionName = Region.EMEA


def _profile_data(request, payload: StrictSchema) -> dict:
    data = payload.model_dump(exclude_unset=True)
    if "channel_manager" in data:
        data["channel_manager"] = selectors.channel_manager_for(
            public_id=data["channel_manager"]
        )
    return data


class PartnerPage(Schema):
    items: list[PartnerOut]
    count: int = Field(description="Matching partners, counted up to 1,000.")
    count_is_capped: bool = Field(
        description="True when more partners match than `count` says."
    )


@router.get(
    "/partners",
    response=PartnerPage,
    tags=PARTNER_TAGS,
    summary="List partners",
    description="The partners the caller may see: vendor staff all (channel "
    "managers their assigned partners and territories), partner users their "
    "organisation and, for a distributor granted it, the partners beneath. "
    "Filters and sorts as the console directory does; `count` is exact up to "
    "1,000 rows (`count_is_capped` when more match).",
)
@reads_query(f"{directory.CUSTOM_FIELD_PREFIX}*")
def partner_list(
    request, filters: Query[PartnerFilters], page: Query[CappedPagination.Input]
):
    directory_filters, custom_keys = _directory_filters(request)
    limit, offset = CappedPagination.checked(page)
    storage = Partner._meta.get_field("logo").storage
    items, counted = partners_api_page(
        user=request.user,
        filters=directory_filters,
        limit=limit,
        offset=offset,
        count_up_to=CappedPagination.most_to_count(limit=limit, offset=offset),
        custom_keys=custom_keys,
        logo_url=lambda name: request.build_absolute_uri(storage.url(name)),
    )
    count, capped = CappedPagination.capped(counted, limit=limit, offset=offset)
    # The documents are built by hand in JSON types (see partners_api_page): render
    # them as ninja would, without validating every row through pydantic again.
    body = {"items": items, "count": count, "count_is_capped": capped}
    return HttpResponse(json.dumps(body), content_type="application/json")


@router.post(
    "/partners",
    response={201: PartnerOut},
    tags=PARTNER_TAGS,
    summary="Add a partner or prospect",
    description="Vendor admins and channel managers (a channel manager's new "
    "partner is assigned to them unless another manager is named).",
)
def partner_create(request, payload: PartnerCreateIn):
    partner = services.partner_add(
        actor=request.user, data=_profile_data(request, payload)
    )
    return Status(
        201, selectors.partner_get(user=request.user, public_id=partner.public_id)
    )


@router.get(
    "/partners/{uuid:public_id}",
    response=PartnerOut,
    tags=PARTNER_TAGS,
    summary="Get a partner",
)
def partner_get(request, public_id: UUID):
    return selectors.partner_get(user=request.user, public_id=public_id)


@router.patch(
    "/partners/{uuid:public_id}",
    response=PartnerOut,
    tags=PARTNER_TAGS,
    summary="Change a partner's profile",
    description="Vendor admins and channel managers (partners in their scope): "
    "every field sent. Partner admins: the partner-editable fields of their own "
    "organisation (others are refused with 403). Status and parent change through "
    "their own operations.",
)
def partner_update(request, public_id: UUID, payload: PartnerPatchIn):
    partner = selectors.partner_get(user=request.user, public_id=public_id)
    services.partner_update(
        partner=partner, actor=request.user, data=_profile_data(request, payload)
    )
    return selectors.partner_get(user=request.user, public_id=public_id)


OPTIONAL_FILE = File(None)


@router.post(
    "/partners/{uuid:public_id}/logo",
    response=PartnerOut,
    tags=PARTNER_TAGS,
    summary="Upload a partner's logo",
    description="Multipart form with the file in `logo`: a PNG, JPEG or WebP image "
    "(checked by reading it, not by its name), at most OPENPRM_LOGO_MAX_BYTES and "
    "OPENPRM_LOGO_MAX_PIXELS on each side; anything else is a 422 field error on "
    "`logo`. Who may change the profile may change the logo (partner admins "
    "their own organisation's).",
)
def partner_logo_upload(
    request, public_id: UUID, logo: UploadedFile | None = OPTIONAL_FILE
):
    partner = selectors.partner_get(user=request.user, public_id=public_id)
    permissions.require_profile_editor(request.user, partner)
    if logo is None:
        raise ValidationFailed(field_errors={"logo": ["Send the image as `logo`."]})
    services.partner_update(partner=partner, actor=request.user, data={"logo": logo})
    return selectors.partner_get(user=request.user, public_id=public_id)


@router.delete(
    "/partners/{uuid:public_id}/logo",
    response={204: None},
    tags=PARTNER_TAGS,
    summary="Remove a partner's logo",
)
def partner_logo_delete(request, public_id: UUID):
    partner = selectors.partner_get(user=request.user, public_id=public_id)
    services.partner_update(partner=partner, actor=request.user, data={"logo": None})
    return Status(204, None)


# --- contacts -----------------------------------------------------------------------


class ContactOut(Schema):
    """A person at a partner, who need not be a user."""

    id: UUID = Field(validation_alias="public_id")
    partner: int = Field(validation_alias="partner_id")
    name: str
    email: str
    phone: str
    title: str
    is_primary: bool
    notes: str
    created_at: datetime
    updated_at: datetime


class ContactIn(StrictSchema):
    class Meta:
        model = Contact

    name: str
    email: str = ""
    phone: str = ""
    title: str = ""
    is_primary: bool = False
    notes: str = ""


class ContactPatchIn(StrictSchema):
    class Meta:
        model = Contact

    name: str = ""
    email: str = ""
    phone: str = ""
    title: str = ""
    is_primary: bool = False
    notes: str = ""


@router.list(
    "/partners/{uuid:public_id}/contacts",
    response=ContactOut,
    tags=CONTACT_TAGS,
    summary="List a partner's contacts",
)
def contact_list(request, public_id: UUID):
    partner = selectors.partner_get(user=request.user, public_id=public_id)
    return selectors.contacts_of(user=request.user, partner=partner)


@router.post(
    "/partners/{uuid:public_id}/contacts",
    response={201: ContactOut},
    tags=CONTACT_TAGS,
    summary="Add a contact",
    description="Vendor admins, channel managers of the partner, and its partner "
    "admins. A new primary contact replaces the old one.",
)
def contact_create(request, public_id: UUID, payload: ContactIn):
    partner = selectors.partner_get(user=request.user, public_id=public_id)
    contact = services.contact_create(
        partner=partner, actor=request.user, data=payload.model_dump()
    )
    return Status(201, contact)


@router.get(
    "/partners/{uuid:public_id}/contacts/{uuid:contact_id}",
    response=ContactOut,
    tags=CONTACT_TAGS,
    summary="Get a contact",
)
def contact_get(request, public_id: UUID, contact_id: UUID):
    partner = selectors.partner_get(user=request.user, public_id=public_id)
    return selectors.contact_get(
        user=request.user, partner=partner, public_id=contact_id
    )


@router.patch(
    "/partners/{uuid:public_id}/contacts/{uuid:contact_id}",
    response=ContactOut,
    tags=CONTACT_TAGS,
    summary="Change a contact",
)
def contact_update(request, public_id: UUID, contact_id: UUID, payload: ContactPatchIn):
    partner = selectors.partner_get(user=request.user, public_id=public_id)
    contact = selectors.contact_get(
        user=request.user, partner=partner, public_id=contact_id
    )
    return services.contact_update(
        contact=contact, actor=request.user, data=payload.model_dump(exclude_unset=True)
    )


@router.delete(
    "/partners/{uuid:public_id}/contacts/{uuid:contact_id}",
    response={204: None},
    tags=CONTACT_TAGS,
    summary="Delete a contact",
)
def contact_delete(request, public_id: UUID, contact_id: UUID):
    partner = selectors.partner_get(user=request.user, public_id=public_id)
    contact = selectors.contact_get(
        user=request.user, partner=partner, public_id=contact_id
    )
    services.contact_delete(contact=contact, actor=request.user)
    return Status(204, None)


# --- custom field definitions -------------------------------------------------------


class CustomFieldOut(Schema):
    key: str
    label: str
    field_type: str
    choices: list[str]
    is_required: bool
    help_text: str
    ordering: int
    is_active: bool
    visible_to_partners: bool
    editable_by_partners: bool


class CustomFieldIn(StrictSchema):
    class Meta:
        model = CustomFieldDefinition

    key: str = Field(description="Lowercase letters, digits and underscores.")
    label: str
    field_type: FieldTypeName
    choices: list[str] = []
    is_required: bool = False
    help_text: str = ""
    ordering: int = Field(0, ge=0, le=32767)
    visible_to_partners: bool = False
    editable_by_partners: bool = False


class CustomFieldPatchIn(StrictSchema):
    class Meta:
        model = CustomFieldDefinition

    label: str = ""
    choices: list[str] = []
    is_required: bool = False
    help_text: str = ""
    ordering: int = Field(0, ge=0, le=32767)
    visible_to_partners: bool = False
    editable_by_partners: bool = False


class CustomFieldFilters(StrictSchema):
    include_inactive: bool = Field(
        False, description="Vendor staff: also the deactivated fields."
    )


@router.list(
    "/custom-fields",
    response=CustomFieldOut,
    tags=CUSTOM_FIELD_TAGS,
    summary="List custom field definitions",
    description="Vendor staff: every active field (and the inactive ones on "
    "request). Partner users: the active fields shown to partners.",
)
def custom_field_list(request, filters: Query[CustomFieldFilters]):
    return selectors.custom_field_definitions_for(
        user=request.user, include_inactive=filters.include_inactive
    )


@router.post(
    "/custom-fields",
    response={201: CustomFieldOut},
    tags=CUSTOM_FIELD_TAGS,
    summary="Define a custom field",
    description="Vendor admins only.",
)
def custom_field_create(request, payload: CustomFieldIn):
    definition = services.custom_field_definition_create(
        actor=request.user, data=payload.model_dump()
    )
    return Status(201, definition)


def _definition_for_admin(request, key: str):
    return lookup(
        request,
        selectors.custom_field_definition_get,
        rule=permissions.DEFINE_FIELDS,
        key=key,
    )


@router.get(
    "/custom-fields/{key}",
    response=CustomFieldOut,
    tags=CUSTOM_FIELD_TAGS,
    summary="Get a custom field definition",
)
def custom_field_get(request, key: str):
    return selectors.custom_field_definition_get(user=request.user, key=key)


@router.patch(
    "/custom-fields/{key}",
    response=CustomFieldOut,
    tags=CUSTOM_FIELD_TAGS,
    summary="Change a custom field definition",
    description="Vendor admins only. The key and type cannot change.",
)
def custom_field_update(request, key: str, payload: CustomFieldPatchIn):
    definition = _definition_for_admin(request, key)
    return services.custom_field_definition_update(
        definition=definition,
        actor=request.user,
        data=payload.model_dump(exclude_unset=True),
    )


@router.post(
    "/custom-fields/{key}/deactivate",
    response=CustomFieldOut,
    tags=CUSTOM_FIELD_TAGS,
    summary="Deactivate a custom field",
    description="Vendor admins only. Stored values are kept; the field leaves "
    "forms and the API.",
)
def custom_field_deactivate(request, key: str):
    definition = _definition_for_admin(request, key)
    return services.custom_field_definition_deactivate(
        definition=definition, actor=request.user
    )
