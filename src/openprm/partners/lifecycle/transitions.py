"""The partner status lifecycle: which status changes are allowed, and why not.

prospect → applicant → onboarding → active ⇄ suspended, and terminated from anywhere.
The ways back, and why they exist:

- applicant → prospect: an application is turned down or withdrawn; the organisation
  stays in the database as a prospect for a later attempt.
- suspended → active: a suspension is lifted (reinstatement).
- terminated → prospect: a former partner is re-recruited; it starts over as a
  prospect and goes through application and onboarding again.
- prospect → onboarding: the vendor recruits a partner directly, without an
  application.

Nothing else goes backwards: an active partner is not "un-onboarded", and a
terminated one does not come straight back to active.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from openprm.partners.choices import PartnerStatus as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.PROSPECT: frozenset({S.APPLICANT, S.ONBOARDING, S.TERMINATED}),
    S.APPLICANT: frozenset({S.ONBOARDING, S.PROSPECT, S.TERMINATED}),
    S.ONBOARDING: frozenset({S.ACTIVE, S.TERMINATED}),
    S.ACTIVE: frozenset({S.SUSPENDED, S.TERMINATED}),
    S.SUSPENDED: frozenset({S.ACTIVE, S.TERMINATED}),
    S.TERMINATED: frozenset({S.PROSPECT}),
}


@dataclass(frozen=True)
class TransitionCheck:
    """Whether a status change is allowed; ``reason`` says why not, for people."""

    allowed: bool
    reason: str | Promise = ""

    def __bool__(self) -> bool:
        return self.allowed


def allowed_targets(current: str) -> list[str]:
    """The statuses a partner in ``current`` may move to, in lifecycle order."""
    targets = TRANSITIONS.get(current, frozenset())
    return [status for status in S.values if status in targets]


def check_transition(current: str, target: str) -> TransitionCheck:
    """Whether ``current`` → ``target`` is allowed, with the reason when it is not."""
    if target not in S.values:
        return TransitionCheck(
            False, _("%(target)s is not a partner status.") % {"target": target}
        )
    if current == target:
        return TransitionCheck(
            False,
            _("The partner is already %(status)s.") % {"status": S(target).label},
        )
    if target in TRANSITIONS.get(current, frozenset()):
        return TransitionCheck(True)
    if current == S.TERMINATED:
        reason = _(
            "A terminated partner is re-recruited as a prospect first, then applies "
            "and is onboarded again."
        )
    elif target == S.ACTIVE:
        reason = _(
            "A partner becomes active when its onboarding ends, or when its "
            "suspension is lifted."
        )
    elif target == S.SUSPENDED:
        reason = _("Only an active partner can be suspended.")
    elif target == S.ONBOARDING:
        reason = _("Onboarding follows an application (or direct recruitment).")
    elif target == S.APPLICANT:
        reason = _("Only a prospect can become an applicant.")
    else:
        reason = _("Only an applicant goes back to prospect (or a terminated partner).")
    return TransitionCheck(
        False,
        _("Cannot change from %(current)s to %(target)s: %(reason)s")
        % {
            "current": S(current).label,
            "target": S(target).label,
            "reason": reason,
        },
    )
