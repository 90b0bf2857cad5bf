"""The API layer every endpoint is built on: routers, lists, lookups, problems.

- Every app's endpoints hang on an :class:`ApiRouter`. Each of its operations refuses
  a query parameter it does not declare (422: a mistyped filter must not silently
  answer with everything) and documents the standard error responses (:data:`ERRORS`).
- A list is declared with :meth:`ApiRouter.list`: ``limit``/``offset`` pagination
  (``limit`` at most 100; ``capped=True`` stops counting past 1,000 rows), its
  filters as a ``Query[Schema]`` argument of the function.
- An object named by the path is found with :func:`lookup`: the rule's gate first
  (403), then the selector, whose ``NotFound`` (unknown, malformed or outside the
  caller's scope) answers 404.
- The caller is ``request.user`` (the token's user or the session's), nothing else.

Errors follow RFC 9457 (``application/problem+json``): ``type``, ``title``, ``status``,
``detail``, a stable ``code`` and, for invalid input, ``errors`` with one entry per
field. The API object itself is in ``openprm/api.py``.
"""

import json
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar
from uuid import UUID

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from ninja import Field, Router, Schema
from ninja.errors import (
    AuthenticationError,
    AuthorizationError,
    HttpError,
    ValidationError,
)
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import ConfigDict

from openprm.core.errors import ApplicationError, NotFound, ValidationFailed
from openprm.core.permissions import Rule

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://openprm.org/problems/"
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50


class StrictSchema(Schema):
    """Input schema that rejects unknown fields instead of ignoring them."""

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
        limit: int = DEFAULT_PAGE_SIZE
        offset: int = 0

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
            raise ApplicationError(
                f"limit must be between 1 and {MAX_PAGE_SIZE}",
                field_errors={"limit": [f"Must be between 1 and {MAX_PAGE_SIZE}."]},
            )
        if offset < 0:
            raise ApplicationError(
                "offset must not be negative",
                field_errors={"offset": ["Must be zero or more."]},
            )
        return limit, offset


COUNT_CAP = 1000


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


def capped_count(queryset, limit: int) -> int:
    """``min(queryset.count(), limit)``, reading at most ``limit`` keys: the
    ordering and selected columns are dropped, so the database counts off an
    index where one covers the filter."""
    return queryset.order_by().values("pk")[:limit].count()


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


def problem_response(
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    errors: list[dict] | None = None,
    headers: dict | None = None,
) -> HttpResponse:
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title,
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
            status=exc.status,
            code=exc.code,
            title=exc.__class__.__name__,
            detail=str(exc.message),
            errors=errors,
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
            title="Validation failed",
            detail="Some values are not valid.",
            errors=errors,
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return problem_response(
            status=401,
            code="not_authenticated",
            title="Not authenticated",
            detail="Send a valid API token (Authorization: Bearer …) or sign in.",
            headers={"WWW-Authenticate": 'Bearer realm="openprm"'},
        )

    @api.exception_handler(AuthorizationError)
    def authorization_error(request, exc):
        return problem_response(
            status=403,
            code="permission_denied",
            title="Permission denied",
            detail="You do not have permission to do this.",
        )

    @api.exception_handler(DjangoPermissionDenied)
    def django_permission_denied(request, exc):
        return authorization_error(request, exc)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem_response(
            status=404, code="not_found", title="Not found", detail="Not found."
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return problem_response(
            status=exc.status_code,
            code="http_error",
            title="Request refused",
            detail=str(exc),
        )


# The error responses every operation documents (all problem documents).
ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}

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
        response = {**self.errors, **response}
        view_func = refusing_unknown_query(
            view_func, also=getattr(view_func, "query_also", ())
        )
        super().add_api_operation(path, methods, view_func, response=response, **kwargs)

    def list(
        self,
        path: str,
        *,
        response: Any,
        summary: str,
        capped: bool = False,
        **kwargs,
    ) -> Callable:
        """A GET list of ``response`` items, paginated with ``limit``/``offset``
        and counted (up to 1,000 when ``capped``); the function returns a
        queryset, its filters declared as a ``Query[Schema]`` argument."""

        def decorator(view_func: Callable) -> Callable:
            paged = paginate(CappedPagination if capped else Pagination)(view_func)
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
