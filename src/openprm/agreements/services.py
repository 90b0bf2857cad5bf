"""Writes of agreements: publish versions, accept them, remind those who have not.

Vendor admins publish; a partner admin accepts for their own organisation. The
acceptance records the exact text's SHA-256 so that the record proves what was shown.
"""

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.agreements import permissions
from openprm.agreements.models import (
    AgreementAcceptance,
    AgreementDocument,
    AgreementReminder,
    AgreementVersion,
)
from openprm.agreements.selectors import partners_bound_to
from openprm.core import audit, context, events
from openprm.core.errors import Conflict, ValidationFailed
from openprm.notifications.services import notify
from openprm.partners.models import Partner
from openprm.programs.models import Programme
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.models import Membership

ACCEPTANCE_FIELDS = [
    "partner",
    "version",
    "user",
    "name",
    "title",
    "accepted_at",
    "client_ip",
    "user_agent",
    "text_sha256",
]


def text_hash(text: str) -> str:
    """The SHA-256 (hex) of the UTF-8 bytes of a version's exact text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def version_payload(version: AgreementVersion) -> dict:
    return {
        "id": str(version.public_id),
        "document": str(version.document.public_id),
        "programme": str(version.document.programme.public_id),
        "number": version.number,
        "published_at": version.published_at.isoformat(),
        "accept_by": version.accept_by.isoformat() if version.accept_by else None,
        "text_sha256": text_hash(version.text),
    }


def acceptance_payload(acceptance: AgreementAcceptance) -> dict:
    return {
        "id": str(acceptance.public_id),
        "partner": acceptance.partner_id,
        "version": str(acceptance.version.public_id),
        "programme": str(acceptance.version.document.programme.public_id),
        "number": acceptance.version.number,
        "name": acceptance.name,
        "title": acceptance.title,
        "accepted_at": acceptance.accepted_at.isoformat(),
        "text_sha256": acceptance.text_sha256,
    }


@transaction.atomic
def agreement_document_create(
    *, actor, programme: Programme, title: str
) -> AgreementDocument:
    """Give a programme its terms (one document per programme)."""
    permissions.PUBLISH.ensure(actor)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(field_errors={"title": [str(_("Give it a title."))]})
    try:
        with transaction.atomic():
            document = AgreementDocument.objects.create(
                programme=programme, title=title
            )
    except IntegrityError:
        raise Conflict(_("This programme already has an agreement.")) from None
    audit.record_create(
        actor=actor,
        instance=document,
        fields=["programme", "title"],
        verb="agreement.created",
    )
    return document


@transaction.atomic
def agreement_version_publish(
    *,
    actor,
    document: AgreementDocument,
    text: str,
    accept_by: datetime | None = None,
) -> AgreementVersion:
    """Publish the next version; partners must accept it (by ``accept_by``, else
    within OPENPRM_AGREEMENT_ACCEPT_DAYS)."""
    permissions.PUBLISH.ensure(actor)
    if not (text or "").strip():
        raise ValidationFailed(field_errors={"text": [str(_("The text is empty."))]})
    now = timezone.now()
    if accept_by is None:
        accept_by = now + timedelta(days=settings.OPENPRM_AGREEMENT_ACCEPT_DAYS)
    elif accept_by <= now:
        raise ValidationFailed(
            field_errors={"accept_by": [str(_("The deadline must be in the future."))]}
        )
    AgreementDocument.objects.select_for_update().filter(pk=document.pk).first()
    last = document.versions.aggregate(last=Max("number"))["last"] or 0
    version = AgreementVersion.objects.create(
        document=document,
        number=last + 1,
        text=text,
        published_at=now,
        accept_by=accept_by,
        published_by=actor,
    )
    audit.record_create(
        actor=actor,
        instance=version,
        fields=["document", "number", "accept_by"],
        verb="agreement.published",
    )
    events.emit("agreement.published", payload=version_payload(version), actor=actor)
    return version


@transaction.atomic
def agreement_accept(
    *,
    actor,
    partner: Partner,
    version: AgreementVersion,
    name: str,
    title: str,
    text_sha256: str = "",
) -> AgreementAcceptance:
    """Accept the current version for ``partner``. When ``text_sha256`` is given
    (the hash of the text the person was shown) it must match the version's."""
    permissions.ACCEPT.ensure(actor, partner_id=partner.pk)
    current = version.document.versions.order_by("-number").first()
    if current is None or current.pk != version.pk:
        raise Conflict(_("A newer version was published; read and accept that one."))
    errors = {}
    name, title = (name or "").strip(), (title or "").strip()
    if not name:
        errors["name"] = [str(_("Type your full name."))]
    if not title:
        errors["title"] = [str(_("Type your job title."))]
    digest = text_hash(version.text)
    if text_sha256 and text_sha256 != digest:
        errors["text_sha256"] = [str(_("The text changed; reload and read it again."))]
    if errors:
        raise ValidationFailed(field_errors=errors)
    request = context.current()
    try:
        with transaction.atomic():
            acceptance = AgreementAcceptance.objects.create(
                partner=partner,
                version=version,
                user=actor,
                user_email=actor.email,
                name=name[:200],
                title=title[:200],
                accepted_at=timezone.now(),
                client_ip=request.client_ip,
                user_agent=request.user_agent[:500],
                text_sha256=digest,
            )
    except IntegrityError:
        raise Conflict(_("This version is already accepted.")) from None
    audit.record_create(
        actor=actor,
        instance=acceptance,
        fields=ACCEPTANCE_FIELDS,
        verb="agreement.accepted",
    )
    events.emit(
        "agreement.accepted",
        payload=acceptance_payload(acceptance),
        actor=actor,
        partner_id=partner.pk,
    )
    return acceptance


def _partner_admins(partner_ids) -> dict[int, list]:
    admins: dict[int, list] = {}
    for membership in Membership.objects.filter(
        partner_id__in=partner_ids, is_active=True, user__is_active=True
    ).select_related("user"):
        if PartnerRole.PARTNER_ADMIN in membership.roles:
            admins.setdefault(membership.partner_id, []).append(membership.user)
    return admins


def agreements_remind(*, now: datetime | None = None) -> int:
    """Remind, once per version, the partner admins of partners bound to a programme
    whose current version they have not accepted and whose deadline is near."""
    now = now or timezone.now()
    window = now + timedelta(days=settings.OPENPRM_AGREEMENT_REMINDER_DAYS)
    sent = 0
    latest = (
        AgreementVersion.objects.values("document_id")
        .annotate(last=Max("number"))
        .values_list("document_id", "last")
    )
    for document_id, number in latest:
        version = AgreementVersion.objects.select_related("document__programme").get(
            document_id=document_id, number=number
        )
        if version.accept_by is None or version.accept_by > window:
            continue
        pending = (
            partners_bound_to(programme=version.document.programme)
            .exclude(pk__in=version.acceptances.values("partner_id"))
            .exclude(pk__in=version.reminders.values("partner_id"))
        )
        pending_ids = list(pending.values_list("pk", flat=True))
        admins = _partner_admins(pending_ids)
        for partner_id in pending_ids:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        AgreementReminder.objects.create(
                            partner_id=partner_id, version=version, sent_at=now
                        )
                except IntegrityError:  # another sweep reminded it meanwhile
                    continue
                notify(
                    recipients=admins.get(partner_id, []),
                    kind="agreements.acceptance_due",
                    subject=_("Accept the %(title)s (version %(number)s)")
                    % {"title": version.document.title, "number": version.number},
                    body=_("Please accept the new terms by %(date)s.")
                    % {"date": version.accept_by.date().isoformat()},
                    url=reverse("portal:agreements"),
                    required=True,
                )
                sent += 1
    return sent
