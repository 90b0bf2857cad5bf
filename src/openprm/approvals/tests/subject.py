"""A subject kind the engine's tests register, as an app would from its hooks.py:
it records what it was told, and can be made to refuse a decision."""

from openprm.approvals import subjects

KIND = "tests.expense"
told: list = []
refuse_decisions: list = []


def _decided(outcome):
    if refuse_decisions:
        raise RuntimeError("the subject refused the decision")
    told.append((outcome.change, outcome.request.object_id, outcome.note))
    return "committed" if outcome.change == "approved" else None


def _changed(outcome):
    told.append((outcome.change, outcome.request.object_id, outcome.note))


subjects.register(
    subjects.SubjectKind(
        key=KIND,
        label="Expense",
        url=lambda request: f"/expenses/{request.object_id}/",
        on_decided=_decided,
        on_change=_changed,
    )
)
