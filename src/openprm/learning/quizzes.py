"""Quiz decisions without I/O: which questions an attempt draws (answers shuffled)
and how a submission is graded."""

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class BankQuestion:
    """A question of the bank as the drawing and the grading need it."""

    id: int
    choice_ids: tuple[int, ...]
    correct_ids: frozenset[int]


def draw(
    questions: Iterable[BankQuestion], count: int, rng: random.Random
) -> list[dict]:
    """``count`` questions of the bank (all when it holds fewer), in a random order,
    each with its choices shuffled: ``[{"question": id, "choices": [ids]}]``."""
    bank = list(questions)
    picked = rng.sample(bank, min(count, len(bank)))
    drawn = []
    for question in picked:
        choices = list(question.choice_ids)
        rng.shuffle(choices)
        drawn.append({"question": question.id, "choices": choices})
    return drawn


def unknown_answers(drawn: list[dict], answers: Mapping[str, list[int]]) -> list[str]:
    """The answered questions that were not drawn, and answers naming a choice the
    question did not offer (the keys of ``answers`` that are wrong)."""
    offered = {str(item["question"]): set(item["choices"]) for item in drawn}
    wrong = []
    for key, chosen in answers.items():
        if key not in offered or not set(chosen) <= offered[key]:
            wrong.append(key)
    return sorted(wrong)


def grade(
    drawn: list[dict],
    answers: Mapping[str, list[int]],
    bank: Mapping[int, BankQuestion],
) -> int:
    """The score in percent (rounded down): a question counts when exactly its
    right choices were chosen."""
    if not drawn:
        return 0
    right = 0
    for item in drawn:
        question = bank[item["question"]]
        chosen = frozenset(answers.get(str(item["question"]), []))
        if chosen and chosen == question.correct_ids:
            right += 1
    return right * 100 // len(drawn)
