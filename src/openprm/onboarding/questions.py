"""A programme's own application questions: checking the answers (pure logic).

Answers are JSON by kind: text → str, number → a number, choice → one of the
choices, multi_choice → a list of them, boolean → true/false.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from openprm.onboarding.choices import QuestionKind

MAX_TEXT_LENGTH = 2000


@dataclass
class CheckedAnswers:
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value is False


def _one(question, value) -> Any:
    """The answer as stored; raises ValueError with a message for people."""
    kind = question.kind
    if kind == QuestionKind.TEXT:
        text = str(value).strip()
        if len(text) > MAX_TEXT_LENGTH:
            raise ValueError(
                _("At most %(count)s characters.") % {"count": MAX_TEXT_LENGTH}
            )
        return text
    if kind == QuestionKind.NUMBER:
        if isinstance(value, bool):
            raise ValueError(_("Enter a number."))
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation as error:
            raise ValueError(_("Enter a number.")) from error
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == QuestionKind.CHOICE:
        if value not in question.choices:
            raise ValueError(_("Choose one of the listed answers."))
        return value
    if kind == QuestionKind.MULTI_CHOICE:
        values = [value] if isinstance(value, str) else list(value or [])
        if any(item not in question.choices for item in values):
            raise ValueError(_("Choose among the listed answers."))
        return [item for item in question.choices if item in values]
    if kind == QuestionKind.BOOLEAN:
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "on", "1", "yes"):
            return True
        if str(value).lower() in ("false", "off", "0", "no", ""):
            return False
        raise ValueError(_("Answer yes or no."))
    raise ValueError(_("Unknown question type."))


def _required(question) -> str:
    if question.kind == QuestionKind.BOOLEAN:
        return _("This must be confirmed.")
    return _("This question is required.")


def check_answers(questions: Iterable, answers: Mapping[str, Any]) -> CheckedAnswers:
    """Check ``answers`` against ``questions``: required ones answered, each of the
    right type, no answer to a question that does not exist. Errors are keyed
    ``answers.<key>``."""
    result = CheckedAnswers()
    questions = list(questions)
    known = {question.key for question in questions}
    for key in answers:
        if key not in known:
            result.errors[f"answers.{key}"] = [_("There is no such question.")]
    for question in questions:
        raw = answers.get(question.key)
        # A yes/no answer may be "no" (false, ""), which is an answer; left out
        # (None) it is no answer at all.
        left_out = raw is None if question.kind == QuestionKind.BOOLEAN else _empty(raw)
        if left_out:
            if question.is_required:
                result.errors[f"answers.{question.key}"] = [_required(question)]
            continue
        try:
            value = _one(question, raw)
        except ValueError as error:
            result.errors[f"answers.{question.key}"] = [str(error.args[0])]
            continue
        if question.kind == QuestionKind.BOOLEAN and question.is_required and not value:
            result.errors[f"answers.{question.key}"] = [_required(question)]
            continue
        result.values[question.key] = value
    return result
