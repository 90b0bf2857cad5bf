import pytest

from openprm.partners.choices import PartnerStatus as S
from openprm.partners.lifecycle.transitions import allowed_targets, check_transition


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.PROSPECT, S.APPLICANT),
        (S.PROSPECT, S.ONBOARDING),
        (S.APPLICANT, S.ONBOARDING),
        (S.APPLICANT, S.PROSPECT),
        (S.ONBOARDING, S.ACTIVE),
        (S.ACTIVE, S.SUSPENDED),
        (S.SUSPENDED, S.ACTIVE),
        (S.ACTIVE, S.TERMINATED),
        (S.TERMINATED, S.PROSPECT),
    ],
)
def test_allowed_transitions(current, target):
    assert check_transition(current, target).allowed is True


@pytest.mark.parametrize(
    ("current", "target", "words"),
    [
        (S.PROSPECT, S.ACTIVE, "onboarding ends"),
        (S.APPLICANT, S.SUSPENDED, "Only an active partner can be suspended"),
        (S.TERMINATED, S.ACTIVE, "re-recruited as a prospect"),
        (S.ACTIVE, S.ONBOARDING, "Onboarding follows an application"),
        (S.ACTIVE, S.PROSPECT, "Only an applicant goes back"),
        (S.ACTIVE, S.APPLICANT, "Only a prospect can become an applicant"),
    ],
)
def test_refused_transitions_say_why(current, target, words):
    check = check_transition(current, target)

    assert check.allowed is False
    assert words in str(check.reason)


def test_a_transition_to_the_same_status_is_refused():
    check = check_transition(S.ACTIVE, S.ACTIVE)

    assert (check.allowed, str(check.reason)) == (
        False,
        "The partner is already Active.",
    )


def test_an_unknown_status_is_refused():
    assert check_transition(S.ACTIVE, "retired").allowed is False


def test_allowed_targets_are_in_lifecycle_order():
    assert allowed_targets(S.PROSPECT) == [S.APPLICANT, S.ONBOARDING, S.TERMINATED]
    assert allowed_targets(S.TERMINATED) == [S.PROSPECT]
