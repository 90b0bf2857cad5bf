"""REST endpoints of the CRM sync: connections (never their credentials), runs, the
sync log and the matching decisions. Vendor admins only (everyone else gets 403
before any lookup)."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Schema
from ninja.responses import Status

from openprm.core.api import ApiRouter, StrictSchema, as_uuid, lookup
from openprm.integrations.crm import selectors, services
from openprm.integrations.crm.models import (
    CrmConnection,
    MatchDecision,
    Outcome,
    SyncConflict,
    SyncLogEntry,
    SyncRun,
)
from openprm.integrations.permissions import MANAGE_CRM_SYNC

router = ApiRouter(tags=["crm sync"])


class CrmConnectionIn(StrictSchema):
    class Meta:
        model = CrmConnection

    name: str
    connector_type: Literal["bottlecrm", "csv"]
    config: dict = {}
    credentials: dict = {}
    directions: dict = {}
    schedule_minutes: int = 15
    auto_link_score: int = 95
    requests_per_second: float = 20.0


class CrmConnectionPatch(StrictSchema):
    class Meta:
        model = CrmConnection

    name: str | None = None
    config: dict | None = None
    credentials: dict | None = None
    directions: dict | None = None
    schedule_minutes: int | None = None
    auto_link_score: int | None = None
    requests_per_second: float | None = None
    is_active: bool | None = None


class CrmConnectionOut(Schema):
    """A connection as the API shows it: its credentials never."""

    id: UUID
    name: str
    connector_type: str
    config: dict
    directions: dict
    schedule_minutes: int
    auto_link_score: int
    requests_per_second: float
    is_active: bool
    last_success_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_id(obj: CrmConnection) -> UUID:
        return obj.public_id


class CrmRunIn(StrictSchema):
    class Meta:
        model = SyncRun

    objects: list[str] = []
    full: bool = False


class CrmRunOut(Schema):
    id: UUID
    connection: UUID
    object_types: list[str]
    is_full: bool
    trigger: str
    status: str
    created: int
    updated: int
    linked: int
    skipped: int
    conflicts: int
    errors: int
    queued: int
    archived: int
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_id(obj: SyncRun) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_connection(obj: SyncRun) -> UUID:
        return obj.connection.public_id


class CrmLogOut(Schema):
    id: int
    connection: UUID
    run: UUID | None
    object_type: str
    direction: str
    outcome: str
    local_id: int | None
    remote_id: str
    label: str
    message: str
    details: dict
    created_at: datetime

    @staticmethod
    def resolve_connection(obj: SyncLogEntry) -> UUID:
        return obj.connection.public_id

    @staticmethod
    def resolve_run(obj: SyncLogEntry) -> UUID | None:
        return obj.run.public_id if obj.run_id else None


class CrmDecisionOut(Schema):
    id: UUID
    connection: UUID
    object_type: str
    direction: str
    local_id: int | None
    remote_id: str
    label: str
    values: dict
    candidates: list[dict]
    status: str
    decided_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_id(obj: MatchDecision) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_connection(obj: MatchDecision) -> UUID:
        return obj.connection.public_id


class CrmConflictOut(Schema):
    id: UUID
    connection: UUID
    object_type: str
    local_id: int
    remote_id: str
    label: str
    field: str
    openprm_value: str
    crm_value: str
    status: str
    decided_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_id(obj: SyncConflict) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_connection(obj: SyncConflict) -> UUID:
        return obj.connection.public_id


class CrmConflictIn(StrictSchema):
    class Meta:
        model = SyncConflict

    choice: Literal["crm", "prm"]


class CrmDecisionIn(StrictSchema):
    class Meta:
        model = MatchDecision

    choice: Literal["link", "create", "ignore"]
    candidate: str | None = None


def _connection(request, connection_id: str) -> CrmConnection:
    return lookup(
        request,
        selectors.crm_connection_get,
        rule=MANAGE_CRM_SYNC,
        public_id=as_uuid(connection_id),
    )


@router.list(
    "/crm-connections", response=CrmConnectionOut, summary="List CRM connections"
)
def connection_list(request):
    MANAGE_CRM_SYNC.ensure(request.user)
    return selectors.crm_connection_list_visible_to(user=request.user)


@router.post(
    "/crm-connections", response={201: CrmConnectionOut}, summary="Add a CRM connection"
)
def connection_create(request, payload: CrmConnectionIn):
    """``credentials`` (e.g. ``{"email": …, "password": …}``) are stored encrypted
    and never returned."""
    data = payload.model_dump()
    secret = data.pop("credentials")
    connection = services.crm_connection_create(
        actor=request.user, data=data, secret=secret
    )
    return Status(201, connection)


@router.get(
    "/crm-connections/{connection_id}",
    response=CrmConnectionOut,
    summary="Get a CRM connection",
)
def connection_get(request, connection_id: str):
    return _connection(request, connection_id)


@router.patch(
    "/crm-connections/{connection_id}",
    response=CrmConnectionOut,
    summary="Change a CRM connection",
)
def connection_update(request, connection_id: str, payload: CrmConnectionPatch):
    """Only the fields sent change; ``credentials`` replace the stored ones."""
    data = payload.model_dump(exclude_unset=True)
    secret = data.pop("credentials", None)
    return services.crm_connection_update(
        actor=request.user,
        connection=_connection(request, connection_id),
        data=data,
        secret=secret,
    )


@router.post(
    "/crm-connections/{connection_id}/runs",
    response={202: CrmRunOut},
    summary="Start a sync run",
)
def run_start(request, connection_id: str, payload: CrmRunIn):
    """Queued for the worker; ``full`` compares every record, not only changes.
    A run already under way: 409."""
    run = services.crm_run_start(
        actor=request.user,
        connection=_connection(request, connection_id),
        object_types=payload.objects or None,
        full=payload.full,
    )
    return Status(202, run)


@router.list("/crm-runs", response=CrmRunOut, summary="List sync runs")
def run_list(request, connection: str | None = None):
    """Newest first; filter by ``connection`` (its id)."""
    MANAGE_CRM_SYNC.ensure(request.user)
    found = _connection(request, connection) if connection else None
    return selectors.crm_run_list_visible_to(user=request.user, connection=found)


@router.get("/crm-runs/{run_id}", response=CrmRunOut, summary="Get a sync run")
def run_get(request, run_id: str):
    return lookup(
        request, selectors.crm_run_get, rule=MANAGE_CRM_SYNC, public_id=as_uuid(run_id)
    )


@router.list("/crm-log", response=CrmLogOut, summary="Read the sync log")
def log_list(
    request,
    connection: str | None = None,
    outcome: Outcome | None = None,
    local_id: int | None = None,
):
    """Newest first; filter by ``connection``, ``outcome`` (created, updated,
    linked, skipped, conflict, error, queued, archived) and ``local_id`` (an OpenPRM
    record)."""
    MANAGE_CRM_SYNC.ensure(request.user)
    found = _connection(request, connection) if connection else None
    return selectors.crm_log_visible_to(
        user=request.user, connection=found, outcome=outcome or "", local_id=local_id
    )


@router.list(
    "/crm-match-decisions",
    response=CrmDecisionOut,
    summary="List records waiting for a matching decision",
)
def decision_list(request, connection: str | None = None):
    MANAGE_CRM_SYNC.ensure(request.user)
    found = _connection(request, connection) if connection else None
    return selectors.crm_decision_list_visible_to(user=request.user, connection=found)


@router.post(
    "/crm-match-decisions/{decision_id}",
    response=CrmDecisionOut,
    summary="Decide a matching question",
)
def decision_resolve(request, decision_id: str, payload: CrmDecisionIn):
    """``link`` to one of the ``candidates`` (its ``key``), ``create`` a new
    record on the other side, or ``ignore``."""
    decision = lookup(
        request,
        selectors.crm_decision_get,
        rule=MANAGE_CRM_SYNC,
        public_id=as_uuid(decision_id),
    )
    return services.crm_decision_resolve(
        actor=request.user,
        decision=decision,
        choice=payload.choice,
        key=payload.candidate,
    )


@router.list(
    "/crm-conflicts",
    response=CrmConflictOut,
    summary="List conflicts waiting for a person",
)
def conflict_list(request, connection: str | None = None):
    MANAGE_CRM_SYNC.ensure(request.user)
    found = _connection(request, connection) if connection else None
    return selectors.crm_conflict_list_visible_to(user=request.user, connection=found)


@router.post(
    "/crm-conflicts/{conflict_id}",
    response=CrmConflictOut,
    summary="Choose the value of a conflict",
)
def conflict_resolve(request, conflict_id: str, payload: CrmConflictIn):
    """``crm`` takes the CRM's value onto the OpenPRM record, ``prm`` sends
    OpenPRM's to the CRM; both sides then agree, and the decision is logged."""
    conflict = lookup(
        request,
        selectors.crm_conflict_get,
        rule=MANAGE_CRM_SYNC,
        public_id=as_uuid(conflict_id),
    )
    return services.crm_conflict_resolve(
        actor=request.user, conflict=conflict, choice=payload.choice
    )
