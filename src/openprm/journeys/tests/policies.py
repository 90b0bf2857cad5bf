"""Access policies of onboarding journeys.

Templates: read by vendor staff in the API, edited by vendor admins. Journeys belong
to a partner: vendor staff within their scope and the partner's users (and the
distributor above) read them; vendor admins and the partner's channel manager sign
off manual tasks; the partner's own users upload documents.
"""

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from openprm.agreements.tests.policies import (
    READERS,
    console_scoped,
    portal_own,
    portal_readable,
)
from openprm.journeys import permissions
from openprm.journeys.choices import TaskKind
from openprm.journeys.models import JourneyDocument
from openprm.journeys.tests.factories import (
    JourneyTaskFactory,
    TaskTemplateFactory,
)
from openprm.programs.tests.factories import ProgrammeFactory
from openprm.testing.authz import (
    ALLOW,
    FORBID,
    HIDE,
    LOGIN,
    OWNER_ACTORS,
    SIGNED_OUT_ACTORS,
    Policy,
    partner_area,
    signed_in,
    vendor,
)

ADMIN = vendor(rule=permissions.CONFIGURE)
STAFF = vendor(rule=permissions.READ)


def signer(actor: str):
    """Signing off world.owner's manual task: vendor admins; the unassigned channel
    manager and another partner 404; everyone else who can see it 403."""
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    if actor == "vendor_admin":
        return ALLOW
    return HIDE if actor in ("channel_manager", "other_partner_admin") else FORBID


def web_signer(actor: str):
    """The console's sign-off: partner users never reach the console (403)."""
    if actor == "other_partner_admin":
        return FORBID
    return signer(actor)


def uploader(actor: str):
    """Uploading to world.owner's task through the API: its users; staff who see
    it 403; others 404."""
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    if actor in OWNER_ACTORS:
        return ALLOW
    if actor in ("channel_manager", "other_partner_admin", "distributor_admin"):
        return HIDE
    return FORBID


def manual_task(world):
    return JourneyTaskFactory(journey__partner=world.owner, kind=TaskKind.MANUAL)


def document_task(world):
    return JourneyTaskFactory(journey__partner=world.owner, kind=TaskKind.DOCUMENT)


def document(world):
    task = document_task(world)
    item = JourneyDocument(
        partner=world.owner, task=task, name="vat.pdf", content_type="", size=8
    )
    item.file.save("vat.pdf", ContentFile(b"%PDF-1.4"), save=False)
    item.save()
    return item


def proof_of_registration(obj) -> dict:
    """A real upload: a PDF (its content matches its extension)."""
    return {
        "file": SimpleUploadedFile(
            "registration.pdf", b"%PDF-1.4 proof", content_type="application/pdf"
        )
    }


def journey_kwargs(obj):
    return {"public_id": obj.public_id}


def task_kwargs(obj):
    return {"public_id": obj.journey.public_id, "task_id": obj.pk}


def api_task_kwargs(obj):
    return {"journey_id": obj.journey.public_id, "task_id": obj.pk}


def template_kwargs(obj):
    return {"public_id": obj.programme.public_id, "template_id": obj.pk}


API = "api:{method} /api/v1{path}"
TEMPLATES = "/programmes/{programme_id}/journey-tasks"

POLICIES = [
    Policy("web:console:journeys", STAFF),
    Policy(
        "web:console:journey_detail",
        console_scoped,
        make=lambda world: manual_task(world).journey,
        kwargs=journey_kwargs,
    ),
    Policy(
        "web:console:journey_task_sign_off",
        web_signer,
        method="POST",
        make=manual_task,
        kwargs=task_kwargs,
        data=lambda obj: {"note": "Call held"},
    ),
    Policy(
        "web:console:journey_template",
        ADMIN,
        make=lambda world: ProgrammeFactory(),
        kwargs=journey_kwargs,
    ),
    Policy(
        "web:console:journey_template_delete",
        ADMIN,
        method="POST",
        make=lambda world: TaskTemplateFactory(),
        kwargs=template_kwargs,
        data=lambda obj: {},
    ),
    Policy(
        "web:console:journey_document",
        console_scoped,
        make=document,
        kwargs=journey_kwargs,
    ),
    Policy("web:portal:journeys", partner_area()),
    Policy(
        "web:portal:journey_document_upload",
        portal_own,
        method="POST",
        make=document_task,
        kwargs=task_kwargs,
        files=proof_of_registration,
    ),
    Policy(
        "web:portal:journey_document",
        portal_readable,
        make=document,
        kwargs=journey_kwargs,
    ),
    # Every partner of the harness is active.
    Policy("web:portal:journeys_resources", partner_area()),
    Policy(
        API.format(method="GET", path=TEMPLATES),
        STAFF,
        make=lambda world: ProgrammeFactory(),
        kwargs=lambda obj: {"programme_id": obj.public_id},
    ),
    Policy(
        API.format(method="POST", path=TEMPLATES),
        ADMIN,
        make=lambda world: ProgrammeFactory(),
        kwargs=lambda obj: {"programme_id": obj.public_id},
        data=lambda obj: {"kind": "manual", "title": "Kick-off call"},
    ),
    Policy(
        API.format(method="DELETE", path=TEMPLATES + "/{template_id}"),
        ADMIN,
        make=lambda world: TaskTemplateFactory(),
        kwargs=lambda obj: {
            "programme_id": obj.programme.public_id,
            "template_id": obj.pk,
        },
    ),
    Policy(API.format(method="GET", path="/journeys"), signed_in()),
    Policy(
        API.format(method="GET", path="/journeys/{journey_id}"),
        READERS,
        make=lambda world: manual_task(world).journey,
        kwargs=lambda obj: {"journey_id": obj.public_id},
    ),
    Policy(
        API.format(
            method="POST", path="/journeys/{journey_id}/tasks/{task_id}/sign-off"
        ),
        signer,
        make=manual_task,
        kwargs=api_task_kwargs,
        data=lambda obj: {"note": "Call held"},
    ),
    Policy(
        API.format(
            method="POST", path="/journeys/{journey_id}/tasks/{task_id}/documents"
        ),
        uploader,
        make=document_task,
        kwargs=api_task_kwargs,
        files=proof_of_registration,
    ),
]
