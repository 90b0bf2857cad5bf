"""The API layer every endpoint is built on: routers, lists, lookups, problems.

- Every app's endpoints hang on an :class:`ApiRouter`. Each of its operations refuses
  a query parameter it does not declare (422: a mistyped filter must not silently
  answer with everything) and documents the standard error responses (:data:`ERRORS`).
- A list is declared with :meth:`ApiRouter.list`: ``limit``/``offset`` pagination
  (``limit`` at most 100; the count stops past 1,000 rows, ``count_is_capped``), its
  filters as a ``Query[Schema]`` argument of the function.
- An object named by the path is found with :func:`lookup`: the rule's gate first
  (403), then the selector, whose ``NotFound`` (unknown, malformed or outside the
  caller's scope) answers 404.
- The caller is ``request.user`` (the token's user or the session's), nothing else.

Errors follow RFC 9457 (``application/problem+json``): ``type``, ``title``, ``status``,
``detail``, a stable ``code`` and, for invalid input, ``errors`` with one entry per
field. The API object itself is in ``openprm/api.py``.
"""

import copy
import functools
import json
from collections.abc import Callable, Iterable
from functools import wraps
from http import HTTPStatus
from typing import Annotated, Any, ClassVar, TypeVar, get_origin
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db.models import ProtectedError, QuerySet, RestrictedError
from django.http import Http404, HttpResponse
from ninja import Field, NinjaAPI, Router, Schema
from ninja.errors import (
    AuthenticationError,
    AuthorizationError,
    HttpError,
    ValidationError,
)
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.params.models import BodyModel, _MultiPartBodyModel
from pydantic import ConfigDict
from pydantic.fields import FieldInfo

from openprm.core import inputs
from openprm.core.db import page_by_keys
from openprm.core.errors import ApplicationError, NotFound, ValidationFailed
from openprm.core.pagination import COUNT_CAP, capped_count
from openprm.core.permissions import Rule

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://openprm.org/problems/"
MAX_PAGE_SIZE = 100
# Deeper than any list goes; keeps offset + limit inside every database's integers.
MAX_OFFSET = 1_000_000_000
DEFAULT_PAGE_SIZE = 50


class _BoundedFields(type(Schema)):
    """Gives every field of an input schema its bounds (``core.inputs.bounded``),
    from the model named by the schema's ``Meta.model`` where a field has the name
    of one of the model's fields."""

    def __new__(mcs, name, bases, namespace, **kwargs):
        model = getattr(namespace.get("Meta"), "model", None)
        annotations = namespace.get("__annotations__", {})
        namespace["__annotations__"] = {
            field: annotation
            if field.startswith("_") or get_origin(annotation) is ClassVar
            else mcs._bounded(annotation, model, field, namespace.get(field))
            for field, annotation in annotations.items()
        }
        return super().__new__(mcs, name, bases, namespace, **kwargs)

    @staticmethod
    def _bounded(annotation, model, field: str, declared):
        bounded = inputs.bounded(annotation, inputs.model_field(model, field))
        if isinstance(declared, FieldInfo) and declared.metadata:
            # A field's own bounds (``Field(ge=…, le=…)``) outrank the defaults:
            # pydantic applies the last constraint of each kind.
            return Annotated[(bounded, *declared.metadata)]
        return bounded


class StrictSchema(Schema, metaclass=_BoundedFields):
    """Input schema that rejects unknown fields instead of ignoring them, and
    holds every field to the bounds of ``core.inputs`` (text without control
    characters, lengths, integer, decimal and date ranges; a JSON body's booleans,
    integers and numbers of their own JSON type). A schema that stands for a model
    names it in ``class Meta: model = …``: its fields then take that model's
    lengths, ranges and decimal places."""

    model_config = ConfigDict(extra="forbid")


class ReasonIn(StrictSchema):
    """Why: the body of every "reject" or "refuse" action that needs a reason."""

    reason: str


class ReaderQuery(StrictSchema):
    """``?partner=``: which of a partner user's organisations an operation reads
    for (the portal's switcher, in the API)."""

    partner: int | None = Field(
        None,
        description="Partner users: the organisation to read for (one of theirs; "
        "default the first by name). Ignored for vendor staff.",
    )


class Pagination(LimitOffsetPagination):
    """``?limit=&offset=``: ``limit`` defaults to 50 and may not exceed 100."""

    class Input(StrictSchema):
        limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def paginate_queryset(self, queryset, pagination, request, **params):
        limit, offset = self.checked(pagination)
        return {
            "items": list(queryset[offset : offset + limit]),
            "count": self._items_count(queryset),
        }

    @staticmethod
    def checked(pagination) -> tuple[int, int]:
        """``limit`` and ``offset``, refused (422) when out of range; for views
        that page by hand."""
        limit, offset = pagination.limit, pagination.offset
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise ValidationFailed(
                f"limit must be between 1 and {MAX_PAGE_SIZE}",
                field_errors={"limit": [f"Must be between 1 and {MAX_PAGE_SIZE}."]},
            )
        if not 0 <= offset <= MAX_OFFSET:
            raise ValidationFailed(
                f"offset must be between 0 and {MAX_OFFSET}",
                field_errors={"offset": [f"Must be between 0 and {MAX_OFFSET}."]},
            )
        return limit, offset


class CappedPagination(Pagination):
    """``Pagination`` whose ``count`` stops counting past a cap.

    An exact COUNT of a filtered list reads every matching row (100 ms for half of
    100,000 partners on SQLite), many times the page itself. Here the count is exact
    up to ``COUNT_CAP`` rows (or up to the end of the requested page, if further);
    beyond that ``count`` stops there and ``count_is_capped`` says more rows match.
    """

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="Matching rows, counted up to a cap.")
        count_is_capped: bool = Field(
            False, description="True when more rows match than `count` says."
        )

    def paginate_queryset(self, queryset, pagination, request, **params):
        limit, offset = self.checked(pagination)
        count, capped = self.count(queryset, limit=limit, offset=offset)
        return {
            "items": list(queryset[offset : offset + limit]),
            "count": count,
            "count_is_capped": capped,
        }

    @staticmethod
    def count(queryset, *, limit: int, offset: int) -> tuple[int, bool]:
        """The capped count of ``queryset`` and whether more rows match."""
        most = CappedPagination.most_to_count(limit=limit, offset=offset)
        return CappedPagination.capped(
            capped_count(queryset, most), limit=limit, offset=offset
        )

    @staticmethod
    def most_to_count(*, limit: int, offset: int) -> int:
        """How many matching rows to count at most: one past the cap, which tells
        whether more rows match."""
        return max(COUNT_CAP, offset + limit) + 1

    @staticmethod
    def capped(counted: int, *, limit: int, offset: int) -> tuple[int, bool]:
        """``count`` and ``count_is_capped`` from the rows counted up to
        ``most_to_count``."""
        cap = max(COUNT_CAP, offset + limit)
        return min(counted, cap), counted > cap


class Page:
    """What a list endpoint hands to the pagination: the page is sliced from the
    queryset (by its keys first when ``by_keys``, see ``core.db.page_by_keys``) and
    then turned into rows, while the count runs on the plain queryset (without the
    joins or the per-row work of the page), or on ``counted`` when given: a
    grouped list counts its groups' keys (e.g. the partners of a report by
    partner)."""

    def __init__(
        self,
        queryset: QuerySet,
        rows: Callable[[QuerySet], Iterable],
        *,
        by_keys: bool = False,
        counted: QuerySet | None = None,
    ):
        self.queryset = queryset
        self.rows = rows
        self.by_keys = by_keys
        self.counted = queryset if counted is None else counted

    def __getitem__(self, page: slice):
        if self.by_keys:
            return self.rows(page_by_keys(self.queryset, page))
        return self.rows(self.queryset[page])

    def all(self) -> QuerySet:
        return self.counted


class ProblemError(Schema):
    field: str
    message: str


class Problem(Schema):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[ProblemError] = []


# One title per status, whatever raised the problem (``code`` tells them apart).
TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Permission denied",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Validation failed",
    429: "Too many requests",
    500: "Server error",
}


def problem_title(status: int) -> str:
    if status in TITLES:
        return TITLES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_response(
    *,
    status: int,
    code: str,
    detail: str,
    errors: list[dict] | None = None,
    headers: dict | None = None,
) -> HttpResponse:
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": problem_title(status),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _location(loc) -> str:
    """A pydantic error location as a dotted field name, without the source part."""
    parts = [
        str(part) for part in loc if part not in ("body", "query", "path", "payload")
    ]
    return ".".join(parts) or "__all__"


class MalformedRequest(ApplicationError):
    """The request body is not JSON (or not UTF-8)."""

    code = "malformed_request"
    status = 400
    default_message = "The request body is not valid JSON."


def install_problem_handlers(api) -> None:
    """Every error the API can raise becomes a problem document; never a 500 page."""

    @api.exception_handler(ApplicationError)
    def application_error(request, exc: ApplicationError):
        errors = [
            {"field": field, "message": str(message)}
            for field, messages in exc.field_errors.items()
            for message in messages
        ]
        return problem_response(
            status=exc.status, code=exc.code, detail=str(exc.message), errors=errors
        )

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        errors = [
            {"field": _location(error.get("loc", ())), "message": error.get("msg", "")}
            for error in exc.errors
        ]
        return problem_response(
            status=422,
            code="validation_failed",
            detail="Some values are not valid.",
            errors=errors,
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return problem_response(
            status=401,
            code="not_authenticated",
            detail="Send a valid API token (Authorization: Bearer …) or sign in.",
            headers={"WWW-Authenticate": 'Bearer realm="openprm"'},
        )

    @api.exception_handler(AuthorizationError)
    def authorization_error(request, exc):
        return problem_response(
            status=403,
            code="permission_denied",
            detail="You do not have permission to do this.",
        )

    @api.exception_handler(DjangoPermissionDenied)
    def django_permission_denied(request, exc):
        return authorization_error(request, exc)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem_response(status=404, code="not_found", detail="Not found.")

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return problem_response(
            status=exc.status_code, code="http_error", detail=str(exc)
        )

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        return problem_response(
            status=413,
            code="content_too_large",
            detail=_too_big_detail(),
        )

    @api.exception_handler(ProtectedError)
    @api.exception_handler(RestrictedError)
    def still_used(request, exc):
        return problem_response(
            status=409,
            code="conflict",
            detail="Other records still refer to this one; remove them first.",
        )

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request, exc):
        return problem_response(
            status=400, code="bad_request", detail="The request was refused."
        )


def _too_big_detail() -> str:
    return (
        f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."
    )


class ProblemMiddleware:
    """Under the API's path, an error answered outside the API's own handlers — a
    body too large for Django, an unknown path, a method not allowed, a server
    error — becomes a problem document too (keeping ``Allow`` and the status)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path_info.startswith(API_PATH_PREFIX)
            or response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE)
        ):
            return response
        status = response.status_code
        code, detail = _PLAIN_ERRORS.get(status, ("http_error", problem_title(status)))
        if status == 400 and _body_too_big(request):
            status, code, detail = 413, "content_too_large", _too_big_detail()
        headers = {name: response[name] for name in ("Allow",) if name in response}
        return problem_response(
            status=status, code=code, detail=detail, headers=headers
        )


def _body_too_big(request) -> bool:
    """Whether Django refused the request for its body's size (it answers 400)."""
    if getattr(request, "_openprm_body_too_big", False):
        return True
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return limit is not None and length > limit


API_PATH_PREFIX = "/api/"
_PLAIN_ERRORS = {
    400: ("bad_request", "The request was refused."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "This method is not allowed here."),
    500: ("server_error", "The server failed to answer; the error was logged."),
}


def _strict_json_resolve(cls, request, api, path_params):
    """A JSON body's model, validated from the parsed JSON with the ``json_body``
    context (booleans, integers and numbers of their own JSON type, see
    ``core.inputs``); a body that is not JSON answers 400, one holding text no
    database stores (a lone surrogate, NUL) 422."""
    try:
        body = request.body
    except RequestDataTooBig:
        request._openprm_body_too_big = True
        raise
    if not body:
        return cls()
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise MalformedRequest from None
    if inputs.has_unicode_problem(data):
        raise ValidationFailed(
            field_errors={
                "body": ["Text must be valid Unicode without NUL characters."]
            }
        )
    varname = getattr(cls, "__read_from_single_attr__", None)
    if varname:
        data = {varname: data}
    data = cls._map_data_paths(data)
    return cls.model_validate(data, context={"request": request, "json_body": True})


def _strict_json_body(operation) -> None:
    """Each JSON body model of ``operation`` resolves with :func:`_strict_json_resolve`
    (form and file bodies are left as they are)."""
    for model in operation.models:
        if (
            model.__ninja_param_source__ == "body"
            and issubclass(model, BodyModel)
            and not issubclass(model, _MultiPartBodyModel)
        ):
            model.resolve = classmethod(_strict_json_resolve)


# The error responses every operation documents (all problem documents); 413 is
# added to every operation that takes a body (see ProblemApi).
ERRORS = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    409: Problem,
    422: Problem,
}


class ProblemApi(NinjaAPI):
    """The API object: its schema documents every error response of every operation
    as the ``application/problem+json`` document it is."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The schema, built once per path prefix: the operations are fixed when
        the process starts, and building it takes seconds. Each caller gets its own
        copy to change as it likes."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        cached = self.__dict__.setdefault("_openapi_schemas", {})
        if path_prefix not in cached:
            cached[path_prefix] = self._problem_schema(path_prefix)
        return copy.deepcopy(cached[path_prefix])

    def _problem_schema(self, path_prefix: str) -> dict:
        # A plain dict: ninja's schema object also holds the API itself.
        schema = dict(super().get_openapi_schema(path_prefix=path_prefix))
        problem_ref = {"$ref": "#/components/schemas/Problem"}
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault("Problem", Problem.json_schema())
        schemas.setdefault("ProblemError", ProblemError.json_schema())
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                statuses = set(ERRORS) | (
                    {413} if "requestBody" in operation else set()
                )
                for status in statuses:
                    responses.setdefault(
                        str(status), {"description": problem_title(status)}
                    )
                for status, response in responses.items():
                    if int(status) >= 400:
                        response["content"] = {
                            PROBLEM_CONTENT_TYPE: {"schema": problem_ref}
                        }
        return schema


T = TypeVar("T")


def _query_names(operation) -> set[str]:
    """The query parameters an operation declares (filters and pagination alike)."""
    names: set[str] = set()
    for model in operation.models:
        if model.__ninja_param_source__ == "query":
            names.update(model.__ninja_flatten_map__)
    return names


def refusing_unknown_query(
    view_func: Callable, *, also: Iterable[str] = ()
) -> Callable:
    """``view_func`` refusing (422) any query parameter its operation does not
    declare, or that is not in ``also`` (names a view reads from ``request.GET``
    itself; ``"cf_*"`` stands for every name that starts with ``cf_``). The
    declared names are learnt from the operation once it is built."""
    known: set[str] = {name for name in also if not name.endswith("*")}
    prefixes = tuple(name[:-1] for name in also if name.endswith("*"))

    @wraps(view_func)
    def checked(request, *args, **kwargs):
        names = set(request.GET) - known
        if unknown := sorted(name for name in names if not name.startswith(prefixes)):
            raise ValidationFailed(
                field_errors={name: ["Unknown query parameter."] for name in unknown}
            )
        return view_func(request, *args, **kwargs)

    def learn(operation) -> None:
        known.update(_query_names(operation))

    checked._ninja_contribute_to_operation = [
        *getattr(view_func, "_ninja_contribute_to_operation", []),
        learn,
    ]
    return checked


@functools.cache
def _shared_response_model(schema: type[Schema]) -> type[Schema]:
    """The response model ninja would build for ``schema`` (its
    ``Operation._create_response_model``), built once."""
    return type(
        "NinjaResponseSchema", (Schema,), {"__annotations__": {"response": schema}}
    )


class ApiRouter(Router):
    """A ``ninja.Router`` whose operations refuse undeclared query parameters and
    document the standard error responses (``errors``; :data:`ERRORS` unless
    given). A view that reads extra query parameters from ``request.GET`` names
    them in the ``query_also`` attribute of the function (see :func:`reads_query`)."""

    def __init__(self, *args, errors: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.errors = ERRORS if errors is None else errors

    def add_api_operation(self, path, methods, view_func, *, response=None, **kwargs):
        if response is None:
            response = {}
        elif not isinstance(response, dict):
            response = {200: response}
        errors = {
            code: schema for code, schema in self.errors.items() if code not in response
        }
        view_func = refusing_unknown_query(
            view_func, also=getattr(view_func, "query_also", ())
        )
        view_func._ninja_contribute_to_operation.append(_strict_json_body)
        super().add_api_operation(path, methods, view_func, response=response, **kwargs)
        # ninja builds a response model per status code of each operation: for
        # the error codes every operation shares, one model each serves them all
        # (was half the time of importing the URLs: ~2,400 identical models).
        view_func._ninja_operation.response_models.update(
            {code: _shared_response_model(schema) for code, schema in errors.items()}
        )

    def list(
        self,
        path: str,
        *,
        response: Any,
        summary: str,
        **kwargs,
    ) -> Callable:
        """A GET list of ``response`` items, paginated with ``limit``/``offset``
        and counted up to a cap (``CappedPagination``: no list counts more rows
        than it shows plus 1,000); the function returns a queryset, its filters
        declared as a ``Query[Schema]`` argument."""

        def decorator(view_func: Callable) -> Callable:
            paged = paginate(CappedPagination)(view_func)
            self.get(path, response=list[response], summary=summary, **kwargs)(paged)
            return view_func

        return decorator


def reads_query(*names: str) -> Callable:
    """A view that reads these query parameters from ``request.GET`` itself, besides
    the ones its signature declares (e.g. the directory export's filter keys); a
    name ending in ``*`` stands for a family (``"cf_*"``: the custom field filters)."""

    def decorator(view_func: Callable) -> Callable:
        view_func.query_also = (*getattr(view_func, "query_also", ()), *names)
        return view_func

    return decorator


def as_uuid(value) -> UUID:
    """A public id from a path; anything that is not a UUID is not found (404)."""
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        raise NotFound from None


def lookup(request, getter: Callable[..., T], *, rule: Rule | None = None, **ids) -> T:
    """The object a path names, as the caller may see it: ``rule`` refuses (403)
    before anything is looked up; ``getter`` (a selector taking ``user`` and the
    ids) raises ``NotFound`` (404) for an unknown object or one outside the
    caller's scope."""
    if rule is not None:
        rule.ensure(request.user)
    return getter(user=request.user, **ids)
