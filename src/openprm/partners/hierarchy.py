"""Rules of the multi-tier hierarchy (distributor → reseller → sub-reseller).

A partner's ``path`` lists the ids from the top, e.g. "/12/57/"; ``depth`` is 0 at
the top. ``OPENPRM_MAX_PARTNER_DEPTH`` (default 3) is the number of tiers allowed, so
with the default the deepest partner has depth 2.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DEFAULT_MAX_PARTNER_DEPTH = 3


def max_partner_depth() -> int:
    """The number of tiers allowed, read at call time so tests can override it."""
    return int(
        getattr(settings, "OPENPRM_MAX_PARTNER_DEPTH", DEFAULT_MAX_PARTNER_DEPTH)
    )


@dataclass(frozen=True)
class MoveCheck:
    """Whether a move is allowed; ``reason`` says why not, for people."""

    allowed: bool
    reason: str | Promise = ""

    def __bool__(self) -> bool:
        return self.allowed


def check_move(
    *,
    partner_path: str,
    partner_depth: int,
    subtree_max_depth: int,
    parent_path: str | None,
    parent_depth: int | None,
    max_depth: int,
    parent_is_terminated: bool = False,
) -> MoveCheck:
    """Whether the subtree at ``partner_path`` may be placed beneath the partner at
    ``parent_path`` (``None``: at the top), keeping at most ``max_depth`` tiers."""
    if parent_is_terminated:
        return MoveCheck(
            False, _("A partner cannot be placed beneath a terminated partner.")
        )
    if parent_path is not None and parent_path.startswith(partner_path):
        return MoveCheck(
            False,
            _(
                "A partner cannot be placed beneath itself or one of the partners "
                "beneath it."
            ),
        )
    new_depth = 0 if parent_depth is None else parent_depth + 1
    deepest = subtree_max_depth - partner_depth + new_depth
    if deepest >= max_depth:
        return MoveCheck(
            False,
            _(
                "The hierarchy may have at most %(max)s tiers; this move would make "
                "%(tiers)s."
            )
            % {"max": max_depth, "tiers": deepest + 1},
        )
    return MoveCheck(True)


def moved_path(*, partner_id: int, parent_path: str | None) -> str:
    """The partner's new path beneath ``parent_path`` (``None``: at the top)."""
    return f"{parent_path or '/'}{partner_id}/"


def check_merge(
    *,
    survivor_path: str,
    survivor_depth: int,
    duplicate_path: str,
    duplicate_depth: int,
    duplicate_subtree_max_depth: int,
    max_depth: int,
) -> MoveCheck:
    """Whether the partners beneath a duplicate may move beneath its survivor: the
    survivor must not sit beneath the duplicate, and the tiers must still fit."""
    if survivor_path.startswith(duplicate_path):
        return MoveCheck(
            False,
            _(
                "The partner to keep sits beneath the duplicate: move it out from "
                "beneath the duplicate first."
            ),
        )
    deepest = duplicate_subtree_max_depth - duplicate_depth + survivor_depth
    if deepest >= max_depth:
        return MoveCheck(
            False,
            _(
                "The hierarchy may have at most %(max)s tiers; moving the partners "
                "beneath the duplicate would make %(tiers)s."
            )
            % {"max": max_depth, "tiers": deepest + 1},
        )
    return MoveCheck(True)
