"""Writes of certifications: the catalogue (vendor), awards and renewals (from the
learning app's events and approved external certificates), revocation, expiry and
its reminders (the sweep), and the accreditations of partner companies.

Every change is audited and emits an event in the same transaction.
"""

import calendar
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.certifications import permissions
from openprm.certifications.choices import (
    AccreditationStatus,
    AwardSource,
    EarningKind,
    HolderStatus,
    ReviewStatus,
)
from openprm.certifications.models import (
    Accreditation,
    AccreditationCondition,
    Certification,
    CertificationAward,
    ExpiryReminder,
    ExternalCertificate,
    PartnerAccreditation,
    UserCertification,
)
from openprm.core import audit, events, uploads
from openprm.core.errors import InvalidTransition, ValidationFailed
from openprm.core.models import AuditAction
from openprm.learning.models import LearningPath, Quiz
from openprm.notifications.services import notify
from openprm.partners.choices import specialisation_choices
from openprm.tenancy.choices import PartnerRole

# What a caller gives: the path or exam that earns it and the one that renews it
# by their public ids (``source_id``, ``renewal_source_id``).
CERTIFICATION_FIELDS = (
    "name",
    "description",
    "product_line",
    "role",
    "validity_months",
    "kind",
    "source_id",
    "renewal_source_id",
    "audience",
    "is_active",
)
# What is stored (and audited): the ids resolved to foreign keys.
SOURCE_FIELDS = ("path", "exam", "renewal_path", "renewal_exam")
STORED_FIELDS = (
    *(name for name in CERTIFICATION_FIELDS if not name.endswith("source_id")),
    *SOURCE_FIELDS,
)
EVIDENCE_TYPES = (".pdf", ".png", ".jpg", ".jpeg")
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus whole calendar months, on the last day of a shorter month
    (31 January + 1 month is 28 or 29 February)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


# --- the catalogue


def _check_certification(values: dict) -> None:
    problems: dict[str, list[str]] = {}
    if not (values.get("name") or "").strip():
        problems["name"] = [str(_("Give the certification a name."))]
    kind = values.get("kind")
    if kind not in EarningKind.values:
        problems["kind"] = [str(_("Choose what earns the certification."))]
    elif kind != EarningKind.EXTERNAL and not values.get("source_id"):
        problems["source_id"] = [
            str(_("Name the learning path or exam that earns it."))
        ]
    months = values.get("validity_months")
    if not months or months < 1 or months > 120:
        problems["validity_months"] = [
            str(_("A certification is valid for 1 to 120 months."))
        ]
    line = values.get("product_line") or ""
    if line and line not in dict(specialisation_choices()):
        problems["product_line"] = [str(_("Choose a product line from the list."))]
    role = values.get("role") or ""
    if role and role not in PartnerRole.values:
        problems["role"] = [str(_("Choose a role from the list."))]
    if values.get("audience") is None:
        problems["audience"] = [str(_("Choose who may hold the certification."))]
    if values.get("renewal_source_id") and str(values.get("renewal_source_id")) == str(
        values.get("source_id")
    ):
        problems["renewal_source_id"] = [
            str(_("Recertification is a shorter path or exam than the first one."))
        ]
    sources = {} if problems else _sources(values, problems)
    if problems:
        raise ValidationFailed(field_errors=problems)
    return sources


def _by_public_id(model, value):
    try:
        return model.objects.filter(public_id=uuid.UUID(str(value))).first()
    except ValueError:
        return None


def _sources(values: dict, problems: dict) -> dict:
    """The path or exam that earns the certification and the one that renews it,
    found by their public ids (``problems`` gets what names nothing)."""
    sources = dict.fromkeys(SOURCE_FIELDS)
    kind, source_id = values.get("kind"), values.get("source_id")
    if kind == EarningKind.PATH:
        sources["path"] = _by_public_id(LearningPath, source_id)
        if sources["path"] is None:
            problems["source_id"] = [str(_("No learning path has this identifier."))]
    elif kind == EarningKind.EXAM:
        sources["exam"] = _by_public_id(Quiz, source_id)
        if sources["exam"] is None:
            problems["source_id"] = [str(_("No exam (quiz) has this identifier."))]
    renewal = values.get("renewal_source_id")
    if renewal:
        sources["renewal_path"] = _by_public_id(LearningPath, renewal)
        if sources["renewal_path"] is None:
            sources["renewal_exam"] = _by_public_id(Quiz, renewal)
            if sources["renewal_exam"] is None:
                problems["renewal_source_id"] = [
                    str(_("No learning path or exam has this identifier."))
                ]
    return sources


def _name_taken(name: str, *, exclude_pk=None) -> bool:
    taken = Certification.objects.filter(name__iexact=name.strip())
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    return taken.exists()


def certification_payload(certification: Certification) -> dict:
    return {
        "certification_id": str(certification.public_id),
        "name": certification.name,
        "kind": certification.kind,
        "product_line": certification.product_line,
        "role": certification.role,
    }


@transaction.atomic
def certification_create(*, actor, **values) -> Certification:
    """Add a certification to the catalogue."""
    permissions.MANAGE.ensure(actor)
    values = {name: values.get(name) for name in CERTIFICATION_FIELDS if name in values}
    values.setdefault("is_active", True)
    sources = _check_certification(values)
    if _name_taken(values["name"]):
        raise ValidationFailed(
            field_errors={"name": [str(_("A certification has this name already."))]}
        )
    values["name"] = values["name"].strip()
    for blankable in ("description", "product_line", "role"):
        values[blankable] = values.get(blankable) or ""
    values.pop("source_id", None)
    values.pop("renewal_source_id", None)
    certification = Certification.objects.create(**values, **sources)
    audit.record_create(
        actor=actor,
        instance=certification,
        fields=STORED_FIELDS,
        verb="certification.created",
    )
    events.emit(
        "certification.created",
        payload=certification_payload(certification),
        actor=actor,
    )
    return certification


@transaction.atomic
def certification_update(
    *, actor, certification: Certification, **values
) -> Certification:
    """Change a certification. Its validity applies to awards from now on."""
    permissions.MANAGE.ensure(actor)
    merged = {
        name: values.get(name, getattr(certification, name))
        for name in CERTIFICATION_FIELDS
    }
    sources = _check_certification(merged)
    if _name_taken(merged["name"], exclude_pk=certification.pk):
        raise ValidationFailed(
            field_errors={"name": [str(_("A certification has this name already."))]}
        )
    before = audit.snapshot(certification, STORED_FIELDS)
    del merged["source_id"], merged["renewal_source_id"]
    for name, value in (*merged.items(), *sources.items()):
        if name in ("description", "product_line", "role"):
            value = value or ""
        setattr(certification, name, value.strip() if name == "name" else value)
    certification.save()
    if audit.record_change(
        actor=actor, instance=certification, before=before, verb="certification.updated"
    ):
        events.emit(
            "certification.updated",
            payload=certification_payload(certification),
            actor=actor,
        )
    return certification


# --- awards


def held_payload(held: UserCertification) -> dict:
    return {
        "user_certification_id": str(held.public_id),
        "certification_id": str(held.certification.public_id),
        "certification": held.certification.name,
        "user_id": held.user_id,
        "partner_id": held.partner_id,
        "status": held.status,
        "earned_at": held.earned_at.isoformat(),
        "valid_until": held.valid_until.isoformat(),
        "source": held.source,
    }


HELD_FIELDS = ("status", "earned_at", "valid_until", "source", "renewed_at")


@transaction.atomic
def certification_award(
    *,
    certification: Certification,
    user,
    partner_id: int,
    source: str,
    key: str,
    actor=None,
    now: datetime | None = None,
) -> UserCertification:
    """Award ``certification`` to ``user`` for a partner, or renew it: idempotent on
    ``key`` (what caused the award: an event, an approved certificate), so a second
    delivery changes nothing. A renewal extends the validity from the later of now
    and the current end; an expired certification comes back active. A revoked one
    stays revoked (the vendor's decision), and a renewal source renews only a
    certification already held."""
    now = now or timezone.now()
    held = (
        UserCertification.objects.select_for_update()
        .select_related("certification")
        .filter(partner_id=partner_id, user=user, certification=certification)
        .first()
    )
    if held is not None and (
        held.status == HolderStatus.REVOKED
        or CertificationAward.objects.filter(held=held, key=key).exists()
    ):
        return held
    if held is None and source == AwardSource.RENEWAL:
        return None
    if held is None:
        held = UserCertification(
            user=user,
            partner_id=partner_id,
            certification=certification,
            earned_at=now,
            valid_until=add_months(now, certification.validity_months),
            status=HolderStatus.ACTIVE,
            source=source,
        )
        held.save()
        audit.record_create(
            actor=actor, instance=held, fields=HELD_FIELDS, verb="certification.earned"
        )
        renewal = False
    else:
        before = audit.snapshot(held, HELD_FIELDS)
        start = max(held.valid_until, now)
        held.valid_until = add_months(start, certification.validity_months)
        if held.status == HolderStatus.EXPIRED:
            held.earned_at = now
        held.status = HolderStatus.ACTIVE
        held.renewed_at = now
        held.save(update_fields=[*HELD_FIELDS, "updated_at"])
        audit.record_change(
            actor=actor, instance=held, before=before, verb="certification.renewed"
        )
        renewal = True
    CertificationAward.objects.create(
        held=held, key=key, source=source, awarded_at=now, valid_until=held.valid_until
    )
    events.emit(
        "certification.earned",
        payload={**held_payload(held), "renewal": renewal},
        actor=actor,
        partner_id=partner_id,
    )
    accreditations_evaluate(partner_ids=[partner_id], now=now)
    return held


def awards_for_event(
    *, kind: str, source_id, user, partner_id: int, key: str, now=None
) -> list[UserCertification]:
    """The awards an event of the learning app earns: every offered certification
    that the path or exam earns (``kind``), and every one it renews."""
    field, model = (
        ("exam", Quiz) if kind == EarningKind.EXAM else ("path", LearningPath)
    )
    source = _by_public_id(model, source_id)
    if source is None:
        return []
    earned = []
    for certification in Certification.objects.filter(
        Q(kind=kind, **{field: source}) | Q(**{f"renewal_{field}": source}),
        is_active=True,
    ).order_by("id"):
        earns = getattr(certification, f"{field}_id") == source.pk
        source_kind = kind if earns else AwardSource.RENEWAL
        held = certification_award(
            certification=certification,
            user=user,
            partner_id=partner_id,
            source=source_kind,
            key=key,
            now=now,
        )
        if held is not None:
            earned.append(held)
    return earned


@transaction.atomic
def certification_revoke(
    *, actor, held: UserCertification, reason: str
) -> UserCertification:
    """Withdraw a certification (a reviewer's decision): it stops counting."""
    permissions.REVIEW.ensure(actor)
    if not reason.strip():
        raise ValidationFailed(field_errors={"reason": [str(_("Say why."))]})
    if held.status == HolderStatus.REVOKED:
        raise InvalidTransition(held.status, HolderStatus.REVOKED)
    before = audit.snapshot(held, ["status"])
    held.status = HolderStatus.REVOKED
    held.save(update_fields=["status", "updated_at"])
    audit.record_change(
        actor=actor, instance=held, before=before, verb="certification.revoked"
    )
    events.emit(
        "certification.revoked",
        payload={**held_payload(held), "reason": reason.strip()},
        actor=actor,
        partner_id=held.partner_id,
    )
    accreditations_evaluate(partner_ids=[held.partner_id])
    return held


# --- external certificates


def external_payload(external: ExternalCertificate) -> dict:
    return {
        "external_certificate_id": str(external.public_id),
        "certification_id": str(external.certification.public_id),
        "user_id": external.user_id,
        "partner_id": external.partner_id,
        "status": external.status,
    }


EXTERNAL_FIELDS = (
    "certification",
    "issuer",
    "credential_id",
    "issued_on",
    "evidence_name",
    "status",
)


@transaction.atomic
def external_certificate_submit(
    *,
    actor,
    partner_id: int,
    certification: Certification | None,
    issuer: str,
    credential_id: str = "",
    issued_on,
    evidence,
) -> ExternalCertificate:
    """A partner user uploads a certificate earned elsewhere, with its evidence
    (a PDF or an image, checked by its content), for a vendor to review."""
    permissions.HOLD.ensure(actor, partner_id=partner_id)
    problems: dict[str, list[str]] = {}
    if certification is None or certification.kind != EarningKind.EXTERNAL:
        problems["certification"] = [
            str(_("Choose a certification earned with an external certificate."))
        ]
    if not (issuer or "").strip():
        problems["issuer"] = [str(_("Say who issued the certificate."))]
    if issued_on is None:
        problems["issued_on"] = [str(_("Give the date of the certificate."))]
    elif issued_on > timezone.localdate():
        problems["issued_on"] = [
            str(_("The certificate cannot be dated later than today."))
        ]
    if not evidence:
        problems["evidence"] = [str(_("Upload the certificate."))]
    if problems:
        raise ValidationFailed(field_errors=problems)
    found = uploads.validate_upload(
        evidence, field="evidence", accept=EVIDENCE_TYPES, max_bytes=EVIDENCE_MAX_BYTES
    )
    if ExternalCertificate.objects.filter(
        user=actor,
        partner_id=partner_id,
        certification=certification,
        status=ReviewStatus.SUBMITTED,
    ).exists():
        raise ValidationFailed(
            field_errors={
                "certification": [str(_("This certificate is waiting for review."))]
            }
        )
    external = ExternalCertificate(
        user=actor,
        partner_id=partner_id,
        certification=certification,
        issuer=issuer.strip(),
        credential_id=(credential_id or "").strip(),
        issued_on=issued_on,
        evidence_name=evidence.name[:255],
        evidence_type=found.content_type,
        evidence_size=evidence.size,
    )
    external.evidence.save(
        f"{uuid.uuid4().hex}.{found.extensions[0]}", evidence, save=False
    )
    external.save()
    audit.record_create(
        actor=actor,
        instance=external,
        fields=EXTERNAL_FIELDS,
        verb="external_certificate.submitted",
    )
    events.emit(
        "external_certificate.submitted",
        payload=external_payload(external),
        actor=actor,
        partner_id=partner_id,
    )
    return external


def _review(external: ExternalCertificate, *, actor, status: str, reason: str, now):
    if external.status != ReviewStatus.SUBMITTED:
        raise InvalidTransition(external.status, status)
    before = audit.snapshot(external, ["status", "reason"])
    external.status = status
    external.reason = reason
    external.reviewed_by = actor
    external.reviewed_at = now
    external.save(
        update_fields=["status", "reason", "reviewed_by", "reviewed_at", "updated_at"]
    )
    audit.record_change(
        actor=actor,
        instance=external,
        before=before,
        verb=f"external_certificate.{status}",
    )
    events.emit(
        f"external_certificate.{status}",
        payload={**external_payload(external), "reason": reason},
        actor=actor,
        partner_id=external.partner_id,
    )


@transaction.atomic
def external_certificate_approve(
    *, actor, external: ExternalCertificate, reason: str = ""
) -> UserCertification:
    """Approve an uploaded certificate: the certification is awarded (or renewed)
    from today."""
    permissions.REVIEW.ensure(actor)
    now = timezone.now()
    _review(
        external,
        actor=actor,
        status=ReviewStatus.APPROVED,
        reason=reason.strip(),
        now=now,
    )
    held = certification_award(
        certification=external.certification,
        user=external.user,
        partner_id=external.partner_id,
        source=AwardSource.EXTERNAL,
        key=f"external:{external.public_id}",
        actor=actor,
        now=now,
    )
    notify(
        recipients=[external.user],
        kind="certifications.reviewed",
        subject=_("Your certificate was approved: %(name)s")
        % {"name": external.certification.name},
        body=_("You now hold %(name)s.") % {"name": external.certification.name},
        url=reverse("portal:certificates"),
    )
    return held


@transaction.atomic
def external_certificate_reject(
    *, actor, external: ExternalCertificate, reason: str
) -> ExternalCertificate:
    """Reject an uploaded certificate, saying why (the holder reads it)."""
    permissions.REVIEW.ensure(actor)
    if not (reason or "").strip():
        raise ValidationFailed(
            field_errors={"reason": [str(_("Say why the certificate is rejected."))]}
        )
    _review(
        external,
        actor=actor,
        status=ReviewStatus.REJECTED,
        reason=reason.strip(),
        now=timezone.now(),
    )
    notify(
        recipients=[external.user],
        kind="certifications.reviewed",
        subject=_("Your certificate was not approved: %(name)s")
        % {"name": external.certification.name},
        body=reason.strip(),
        url=reverse("portal:certificates"),
    )
    return external


# --- expiry


def reminder_days() -> list[int]:
    """Days before expiry a holder is reminded, longest first (30 and 7)."""
    return sorted(
        set(getattr(settings, "OPENPRM_CERTIFICATION_REMINDER_DAYS", (30, 7))),
        reverse=True,
    )


def certifications_remind(*, now: datetime | None = None) -> int:
    """Remind holders whose certification ends within a reminder's window, once
    per window and validity (a renewal starts them again). A certification found
    inside the 7-day window gets that reminder only, not a late 30-day one."""
    now = now or timezone.now()
    days = reminder_days()
    sent = 0
    for index, window in enumerate(days):
        shorter = days[index + 1] if index + 1 < len(days) else 0
        due = (
            UserCertification.objects.filter(
                status=HolderStatus.ACTIVE,
                valid_until__gt=now + timedelta(days=shorter),
                valid_until__lte=now + timedelta(days=window),
            )
            .exclude(
                Exists(
                    ExpiryReminder.objects.filter(
                        held=OuterRef("pk"),
                        days=window,
                        valid_until=OuterRef("valid_until"),
                    )
                )
            )
            .select_related("user", "certification")
            .order_by("valid_until", "id")
        )
        for held in due:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        ExpiryReminder.objects.create(
                            held=held,
                            days=window,
                            valid_until=held.valid_until,
                            sent_at=now,
                        )
                except IntegrityError:  # another sweep sent it meanwhile
                    continue
                notify(
                    recipients=[held.user],
                    kind="certifications.expiry_due",
                    subject=_("%(name)s expires on %(date)s")
                    % {
                        "name": held.certification.name,
                        "date": timezone.localdate(held.valid_until).isoformat(),
                    },
                    body=_(
                        "Your certification %(name)s is valid until %(date)s. "
                        "Renew it before then to keep it."
                    )
                    % {
                        "name": held.certification.name,
                        "date": timezone.localdate(held.valid_until).isoformat(),
                    },
                    url=reverse("portal:certificates"),
                )
                sent += 1
    return sent


def certifications_expire(*, now: datetime | None = None) -> int:
    """Expire active certifications past their validity (event and audit each),
    then re-evaluate the accreditations of their partners at once."""
    now = now or timezone.now()
    expired = 0
    partner_ids: set[int] = set()
    due = (
        UserCertification.objects.filter(
            status=HolderStatus.ACTIVE, valid_until__lte=now
        )
        .select_related("user", "certification")
        .order_by("valid_until", "id")
    )
    for held in due:
        with transaction.atomic():
            changed = UserCertification.objects.filter(
                pk=held.pk, status=HolderStatus.ACTIVE, valid_until__lte=now
            ).update(status=HolderStatus.EXPIRED, updated_at=now)
            if not changed:  # renewed or expired meanwhile
                continue
            audit.record(
                actor=None,
                instance=held,
                action=AuditAction.UPDATE,
                changes={"status": [HolderStatus.ACTIVE, HolderStatus.EXPIRED]},
                verb="certification.expired",
            )
            held.status = HolderStatus.EXPIRED
            events.emit(
                "certification.expired",
                payload=held_payload(held),
                partner_id=held.partner_id,
            )
            notify(
                recipients=[held.user],
                kind="certifications.expired",
                subject=_("%(name)s has expired") % {"name": held.certification.name},
                body=_("Your certification %(name)s is no longer valid.")
                % {"name": held.certification.name},
                url=reverse("portal:certificates"),
            )
        expired += 1
        partner_ids.add(held.partner_id)
    if partner_ids:
        with transaction.atomic():
            accreditations_evaluate(partner_ids=sorted(partner_ids), now=now)
    return expired


# --- accreditations


def condition_q(condition: AccreditationCondition) -> Q:
    q = Q()
    if condition.certification_id:
        q &= Q(certification_id=condition.certification_id)
    else:
        q &= Q(certification__product_line=condition.product_line)
    if condition.role:
        q &= Q(certification__role=condition.role)
    return q


def condition_counts(
    accreditation: Accreditation, conditions: list, *, now, partner_ids=None
):
    """Per partner, how many distinct people meet each condition: one grouped
    query over the active certifications (``c<n>`` per condition)."""
    rows = UserCertification.objects.active(now)
    if partner_ids is not None:
        rows = rows.filter(partner_id__in=partner_ids)
    annotations = {
        f"c{index}": Count("user_id", distinct=True, filter=condition_q(condition))
        for index, condition in enumerate(conditions)
    }
    return rows.values("partner_id").annotate(**annotations).order_by()


def partners_meeting(
    accreditation: Accreditation, conditions: list, *, now, partner_ids=None
) -> set[int]:
    """The partners meeting every condition, decided by the database (HAVING)."""
    if not conditions:
        return set()
    counts = condition_counts(
        accreditation, conditions, now=now, partner_ids=partner_ids
    )
    having = Q()
    for index, condition in enumerate(conditions):
        having &= Q(**{f"c{index}__gte": condition.count})
    return set(counts.filter(having).values_list("partner_id", flat=True))


def accreditation_payload(row_partner_id: int, accreditation: Accreditation) -> dict:
    return {
        "accreditation_id": str(accreditation.public_id),
        "accreditation": accreditation.name,
        "partner_id": row_partner_id,
    }


def accreditations_evaluate(
    *, partner_ids: Iterable[int] | None = None, now: datetime | None = None
) -> dict[str, int]:
    """Recompute who holds each active accreditation — every partner, or those
    named — in a fixed number of statements per accreditation, whatever the
    number of partners and people; write the changes in bulk with their audit
    entries and ``accreditation.gained`` / ``accreditation.lost`` events."""
    now = now or timezone.now()
    if partner_ids is not None:
        partner_ids = list(partner_ids)
    gained_total = lost_total = 0
    accreditations = Accreditation.objects.prefetch_related("conditions").order_by("id")
    audit_batch = audit.AuditBatch(actor=None, now=now)
    event_batch = events.EventBatch(actor=None, now=now)
    with transaction.atomic():
        for accreditation in accreditations:
            conditions = list(accreditation.conditions.all())
            meeting = (
                partners_meeting(
                    accreditation, conditions, now=now, partner_ids=partner_ids
                )
                if accreditation.is_active
                else set()
            )
            rows = PartnerAccreditation.objects.filter(accreditation=accreditation)
            if partner_ids is not None:
                rows = rows.filter(partner_id__in=partner_ids)
            statuses = dict(rows.values_list("partner_id", "status"))
            held = {
                pk
                for pk, status in statuses.items()
                if status == AccreditationStatus.HELD
            }
            gained = meeting - held
            lost = held - meeting
            regained = [pk for pk in gained if pk in statuses]
            fresh = [pk for pk in gained if pk not in statuses]
            if fresh:
                PartnerAccreditation.objects.bulk_create(
                    [
                        PartnerAccreditation(
                            partner_id=pk,
                            accreditation=accreditation,
                            status=AccreditationStatus.HELD,
                            gained_at=now,
                        )
                        for pk in sorted(fresh)
                    ],
                    batch_size=1000,
                )
            if regained:
                PartnerAccreditation.objects.filter(
                    accreditation=accreditation, partner_id__in=regained
                ).update(
                    status=AccreditationStatus.HELD,
                    gained_at=now,
                    lost_at=None,
                    updated_at=now,
                )
            if lost:
                PartnerAccreditation.objects.filter(
                    accreditation=accreditation, partner_id__in=lost
                ).update(status=AccreditationStatus.LOST, lost_at=now, updated_at=now)
            for verb, partners, before, after in (
                ("gained", gained, AccreditationStatus.LOST, AccreditationStatus.HELD),
                ("lost", lost, AccreditationStatus.HELD, AccreditationStatus.LOST),
            ):
                for pk in sorted(partners):
                    audit_batch.add(
                        action=AuditAction.UPDATE,
                        verb=f"accreditation.{verb}",
                        object_type="certifications.accreditation",
                        object_id=accreditation.pk,
                        label=accreditation.name,
                        partner_id=pk,
                        changes={"status": [before if pk in statuses else None, after]},
                    )
                    event_batch.add(
                        f"accreditation.{verb}",
                        payload=accreditation_payload(pk, accreditation),
                        partner_id=pk,
                    )
            gained_total += len(gained)
            lost_total += len(lost)
        if audit_batch.rows:
            audit_batch.write()
        if event_batch.rows:
            event_ids = event_batch.write()
            transaction.on_commit(lambda: _deliver(event_ids))
    return {"gained": gained_total, "lost": lost_total}


def _deliver(event_ids: list[int]) -> None:
    """Hand the batch's events over now when there is no relay to do it (a few);
    the outbox sweep or relay takes them otherwise."""
    if settings.OPENPRM_OUTBOX_RELAY or len(event_ids) > 50:
        return
    for event_id in event_ids:
        events._enqueue_delivery(event_id)


ACCREDITATION_FIELDS = ("name", "description", "is_active")


@transaction.atomic
def accreditation_create(
    *, actor, name: str, description: str = "", conditions: list[dict]
) -> Accreditation:
    """Declare an accreditation with its conditions; partners meeting them hold it
    at once."""
    permissions.MANAGE.ensure(actor)
    problems: dict[str, list[str]] = {}
    if not (name or "").strip():
        problems["name"] = [str(_("Give the accreditation a name."))]
    elif Accreditation.objects.filter(name__iexact=name.strip()).exists():
        problems["name"] = [str(_("An accreditation has this name already."))]
    problems.update(_check_conditions(conditions))
    if problems:
        raise ValidationFailed(field_errors=problems)
    accreditation = Accreditation.objects.create(
        name=name.strip(), description=description or ""
    )
    _write_conditions(accreditation, conditions)
    audit.record_create(
        actor=actor,
        instance=accreditation,
        fields=ACCREDITATION_FIELDS,
        verb="accreditation.created",
    )
    events.emit(
        "accreditation.created",
        payload={"accreditation_id": str(accreditation.public_id), "name": name},
        actor=actor,
    )
    accreditations_evaluate()
    return accreditation


@transaction.atomic
def accreditation_update(
    *,
    actor,
    accreditation: Accreditation,
    name: str,
    description: str = "",
    is_active: bool = True,
    conditions: list[dict],
) -> Accreditation:
    """Change an accreditation and its conditions; every partner is re-evaluated."""
    permissions.MANAGE.ensure(actor)
    problems: dict[str, list[str]] = {}
    if not (name or "").strip():
        problems["name"] = [str(_("Give the accreditation a name."))]
    elif (
        Accreditation.objects.filter(name__iexact=name.strip())
        .exclude(pk=accreditation.pk)
        .exists()
    ):
        problems["name"] = [str(_("An accreditation has this name already."))]
    problems.update(_check_conditions(conditions))
    if problems:
        raise ValidationFailed(field_errors=problems)
    before = audit.snapshot(accreditation, ACCREDITATION_FIELDS)
    before["conditions"] = [c.describe() for c in accreditation.conditions.all()]
    accreditation.name = name.strip()
    accreditation.description = description or ""
    accreditation.is_active = is_active
    accreditation.save()
    accreditation.conditions.all().delete()
    _write_conditions(accreditation, conditions)
    after = audit.snapshot(accreditation, ACCREDITATION_FIELDS)
    after["conditions"] = [c.describe() for c in accreditation.conditions.all()]
    changes = {
        key: [before[key], after[key]] for key in before if before[key] != after[key]
    }
    audit.record(
        actor=actor,
        instance=accreditation,
        action=AuditAction.UPDATE,
        changes=changes,
        verb="accreditation.updated",
    )
    events.emit(
        "accreditation.updated",
        payload={"accreditation_id": str(accreditation.public_id), "name": name},
        actor=actor,
    )
    accreditations_evaluate()
    return accreditation


def _check_conditions(conditions: list[dict]) -> dict[str, list[str]]:
    if not conditions:
        return {"conditions": [str(_("Add at least one condition."))]}
    lines = dict(specialisation_choices())
    for condition in conditions:
        certification = condition.get("certification")
        line = condition.get("product_line") or ""
        if certification is None and not line:
            return {
                "conditions": [
                    str(_("Each condition names a certification or a product line."))
                ]
            }
        if line and line not in lines:
            return {"conditions": [str(_("Choose a product line from the list."))]}
        role = condition.get("role") or ""
        if role and role not in PartnerRole.values:
            return {"conditions": [str(_("Choose a role from the list."))]}
        count = condition.get("count")
        if not isinstance(count, int) or not 1 <= count <= 1000:
            return {"conditions": [str(_("A condition counts 1 to 1,000 people."))]}
    return {}


def _write_conditions(accreditation: Accreditation, conditions: list[dict]) -> None:
    AccreditationCondition.objects.bulk_create(
        [
            AccreditationCondition(
                accreditation=accreditation,
                certification=condition.get("certification"),
                product_line=""
                if condition.get("certification")
                else condition.get("product_line") or "",
                role=condition.get("role") or "",
                count=condition["count"],
            )
            for condition in conditions
        ]
    )
