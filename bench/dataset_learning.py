"""The course catalogue of the benchmark data set (issue 14; see bench/dataset.py
for the partners and bench/dataset_content.py for the audiences it reuses).

Shape: ``--courses`` courses (default 2,000) spread evenly over the audiences
the library's generator made (so about 15 % of them are for the bench partner
admin), 90 % published; each with two modules of one to four lessons; a path
per 50 courses (three to five of them in order), 90 % published.
"""

import random
from collections.abc import Callable
from typing import Any

DEFAULT_COURSES = 2_000
COURSES_PER_PATH = 50
CHUNK = 5_000

COURSE_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "public_id",
    "code",
    "title",
    "summary",
    "product_line",
    "language",
    "audience_id",
    "is_published",
)
MODULE_COLUMNS = ("id", "created_at", "updated_at", "course_id", "title", "position")
LESSON_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "public_id",
    "module_id",
    "title",
    "kind",
    "position",
    "body",
)
PATH_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "public_id",
    "title",
    "summary",
    "audience_id",
    "is_published",
)
PATH_COURSE_COLUMNS = ("id", "path_id", "course_id", "position")

LEVELS = ("Foundations", "Essentials", "Advanced", "Expert", "Hands-on")
TOPICS = ("Firewall", "SD-WAN", "Backup", "Zero trust", "Data lake", "Edge", "Vault")
PRODUCT_LINES = ("security", "networking", "storage", "cloud", "analytics", "")
LANGUAGES = ("en", "en", "en", "de", "fr", "es", "ja", "")


def generate(
    *,
    courses: int,
    audiences: int,
    rng: random.Random,
    when: Callable[[float], Any],
    insert: Callable[[Any, list[tuple]], None],
    new_uuid: Callable[[], Any],
) -> None:
    """Insert the courses, their modules and lessons, and the paths over
    audiences ``1..audiences`` (made by ``dataset_content.generate``)."""
    from bench.dataset import Table
    from openprm.learning.models import (
        Course,
        LearningPath,
        Lesson,
        Module,
        PathCourse,
    )

    if not courses or not audiences:
        return
    course_rows, module_rows, lesson_rows = [], [], []
    for course_id in range(1, courses + 1):
        created = when(course_id / courses)
        topic, level = rng.choice(TOPICS), rng.choice(LEVELS)
        title = f"{topic} {level.lower()} {course_id}"
        course_rows.append(
            (
                course_id,
                created,
                created,
                new_uuid(),
                f"course-{course_id}",
                title,
                f"{level} course on {topic}: what to say, what to show and how to "
                "deploy it for your customers.",
                rng.choice(PRODUCT_LINES),
                rng.choice(LANGUAGES),
                rng.randrange(1, audiences + 1),
                rng.random() < 0.9,
            )
        )
        for module_position in range(2):
            module_id = len(module_rows) + 1
            title = f"Part {module_position + 1}"
            module_rows.append(
                (module_id, created, created, course_id, title, module_position)
            )
            for position in range(rng.randrange(1, 5)):
                lesson_rows.append(
                    (
                        len(lesson_rows) + 1,
                        created,
                        created,
                        new_uuid(),
                        module_id,
                        f"Lesson {position + 1}",
                        "text",
                        position,
                        "<p>Read this.</p>",
                    )
                )
    insert(Table.of(Course, COURSE_COLUMNS), course_rows)
    insert(Table.of(Module, MODULE_COLUMNS), module_rows)
    lesson_table = Table.of(Lesson, LESSON_COLUMNS)
    for start in range(0, len(lesson_rows), CHUNK):
        insert(lesson_table, lesson_rows[start : start + CHUNK])

    path_rows, step_rows = [], []
    for path_id in range(1, courses // COURSES_PER_PATH + 1):
        created = when(0.5)
        path_rows.append(
            (
                path_id,
                created,
                created,
                new_uuid(),
                f"{rng.choice(TOPICS)} path {path_id}",
                "Take these courses in order.",
                rng.randrange(1, audiences + 1),
                rng.random() < 0.9,
            )
        )
        for position, course_id in enumerate(
            rng.sample(range(1, courses + 1), rng.randrange(3, 6))
        ):
            step_rows.append((len(step_rows) + 1, path_id, course_id, position))
    insert(Table.of(LearningPath, PATH_COLUMNS), path_rows)
    insert(Table.of(PathCourse, PATH_COURSE_COLUMNS), step_rows)


def models() -> list:
    """The models whose id sequences move past the inserted rows (PostgreSQL)."""
    from openprm.learning.models import (
        Course,
        LearningPath,
        Lesson,
        Module,
        PathCourse,
    )

    return [Course, Module, Lesson, LearningPath, PathCourse]


def counts(bench_partner_id: int) -> dict[str, int]:
    """Row counts, and the published courses the bench partner admin may see
    (what the catalogue scenario pages through)."""
    from bench.dataset_content import BENCH_ROLES
    from openprm.learning.models import Course
    from openprm.segments.audiences import AudienceReader, matching_audience_ids

    reader = AudienceReader(partner_id=bench_partner_id, roles=BENCH_ROLES)
    held = matching_audience_ids(reader) if bench_partner_id else []
    return {
        "courses": Course.objects.count(),
        "bench_partner_catalogue_courses": Course.objects.filter(
            audience_id__in=held, is_published=True
        ).count(),
    }
