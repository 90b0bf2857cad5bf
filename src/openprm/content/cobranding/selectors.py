"""Reads of co-branding: the co-brandable assets a partner user may download (their
audiences, the live window), the assets vendor staff set up, a partner's details as
stamped, and the cached copies."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.accounts.models import User
from openprm.content import permissions
from openprm.content.choices import AssetKind
from openprm.content.cobranding.generation import CobrandingFailed, PartnerDetails
from openprm.content.models import Asset, AssetVersion, CobrandedCopy, live_q
from openprm.core.errors import NotFound
from openprm.partners.models import Contact, Partner
from openprm.segments.audiences import audience_q, audience_reader

# What the console can set up for co-branding (the type of the current version).
COBRANDABLE_TYPES = ("application/pdf", "image/png", "image/jpeg")


def cobrandable_assets_for_reader(*, membership, now=None) -> QuerySet[Asset]:
    """The co-brandable files a partner user (reading for ``membership``'s
    organisation) may download now: in one of their audiences, published and not
    expired, with a current version."""
    now = now or timezone.now()
    return (
        Asset.objects.filter(
            audience_q(audience_reader(membership=membership)),
            live_q(now),
            kind=AssetKind.FILE,
            is_cobrandable=True,
            current_version__isnull=False,
        )
        .select_related("current_version")
        .order_by("title", "id")
    )


def cobrandable_asset_for_reader(*, membership, public_id) -> Asset:
    """One of :func:`cobrandable_assets_for_reader`; anything else (unknown,
    outside the reader's audiences, not live, not co-brandable) is not found."""
    try:
        return cobrandable_assets_for_reader(membership=membership).get(
            public_id=public_id
        )
    except (Asset.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def assets_for_cobranding(*, user: User) -> QuerySet[Asset]:
    """Files vendor staff can make co-brandable (a PDF, PNG or JPEG current
    version), the co-brandable ones first."""
    permissions.READ.ensure(user)
    return (
        Asset.objects.filter(
            kind=AssetKind.FILE,
            current_version__content_type__in=COBRANDABLE_TYPES,
        )
        .select_related("current_version", "audience")
        .order_by("-is_cobrandable", "title", "id")
    )


def asset_for_cobranding(*, user: User, public_id) -> Asset:
    """An asset as vendor staff set up its co-branding."""
    permissions.READ.ensure(user)
    try:
        return Asset.objects.select_related("current_version", "audience").get(
            public_id=public_id
        )
    except (Asset.DoesNotExist, ValueError, TypeError):
        raise NotFound from None


def partner_details(*, partner: Partner) -> PartnerDetails:
    """What a partner's copy shows: its name and website, its primary contact's
    (else its first contact's) name, phone and email, and its logo's bytes."""
    contact = (
        Contact.objects.filter(partner=partner)
        .order_by("-is_primary", "name", "id")
        .values("name", "phone", "email")
        .first()
    ) or {}
    logo = None
    if partner.logo:
        try:
            with partner.logo.open("rb") as handle:
                logo = handle.read()
        except (FileNotFoundError, OSError):
            logo = None
    return PartnerDetails(
        name=partner.name,
        website=partner.website,
        phone=contact.get("phone", ""),
        email=contact.get("email", ""),
        contact_name=contact.get("name", ""),
        logo=logo,
    )


def original_bytes(version: AssetVersion) -> bytes:
    """The uploaded file of a version (never written to)."""
    try:
        with version.file.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError, ValueError):
        message = _("The file of version %(number)s is missing from storage.") % {
            "number": version.number
        }
        raise CobrandingFailed(message, field_errors={"file": [str(message)]}) from None


def cached_copy(
    *, version: AssetVersion, partner: Partner, fingerprint: str
) -> CobrandedCopy | None:
    copy = CobrandedCopy.objects.filter(
        version=version, partner=partner, fingerprint=fingerprint
    ).first()
    if copy is not None:
        copy.version = version
    return copy
