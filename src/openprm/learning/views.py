"""The learning pages: authoring in the console (courses, modules and lessons,
quizzes, SCORM packages, paths, enrolments) and the portal's catalogue, my
learning, the course player, quizzes, SCORM launch and the transcript."""

import json
import mimetypes

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST, require_safe

from openprm.content.library import serving
from openprm.core import exports
from openprm.core.errors import ApplicationError, ValidationFailed
from openprm.core.iso import language_name
from openprm.core.pagination import CappedPaginator, requested_page
from openprm.core.web import act, console_page, form_page, portal_page, uuid_urls
from openprm.learning import permissions, reports, scorm, selectors, services
from openprm.learning.choices import LessonKind
from openprm.learning.forms import (
    CatalogueFilterForm,
    ColleagueForm,
    CourseForm,
    LessonForm,
    ModuleForm,
    PackageForm,
    PathForm,
    QuestionForm,
    QuizForm,
    ReportFilterForm,
    course_initial,
)
from openprm.segments.audiences import audience_reader

PER_PAGE = 25
CARD_SUMMARY_CHARS = 160


# --- console: courses


def _course_url(course) -> str:
    return reverse("console:learning_course", args=[course.public_id])


def _course_form(request, **kwargs):
    return CourseForm(
        request.POST or None,
        audiences=selectors.audiences_for_choice(user=request.user),
        courses=selectors.courses_for_staff(user=request.user).order_by("title"),
        **kwargs,
    )


@console_page(rule=permissions.READ)
def courses(request):
    return render(
        request,
        "learning/console_courses.html",
        {
            "page": requested_page(
                request,
                selectors.courses_for_staff(user=request.user),
                per_page=PER_PAGE,
            ),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


@console_page(rule=permissions.MANAGE)
def course_create(request):
    form = _course_form(request)

    def save(data):
        return services.course_create(
            actor=request.user, owner=request.user, **_course_values(data)
        )

    return form_page(
        request,
        form,
        template="learning/form.html",
        save=save,
        success=_("The course was created."),
        next=_course_url,
        context={
            "heading": _("New course"),
            "back": reverse("console:learning_courses"),
        },
    )


def _course_values(data) -> dict:
    return {
        "title": data["title"],
        "code": data["code"],
        "summary": data["summary"],
        "product_line": data["product_line"],
        "language": data["language"].lower(),
        "audience": data["audience"],
        "is_published": data["is_published"],
        "prerequisites": list(data["prerequisites"]),
    }


@console_page(rule=permissions.READ)
def course_detail(request, public_id):
    course = selectors.course_get(user=request.user, public_id=public_id)
    return render(
        request,
        "learning/console_course.html",
        {
            "course": course,
            "modules": selectors.outline(course),
            "module_form": ModuleForm(),
            "can_manage": permissions.MANAGE.allows(request.user),
            "prerequisites": list(course.prerequisites.all()),
        },
    )


@console_page(rule=permissions.MANAGE)
def course_edit(request, public_id):
    course = selectors.course_get(user=request.user, public_id=public_id)
    form = _course_form(request, initial=course_initial(course))
    return form_page(
        request,
        form,
        template="learning/form.html",
        save=lambda data: services.course_update(
            actor=request.user, course=course, **_course_values(data)
        ),
        success=_("The course was saved."),
        next=_course_url,
        context={"heading": course.title, "back": _course_url(course)},
    )


@console_page(rule=permissions.MANAGE)
@require_POST
def module_create(request, public_id):
    course = selectors.course_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: services.module_create(
            actor=request.user, course=course, title=data["title"]
        ),
        form=ModuleForm(request.POST),
        success=_("The module was added."),
        next=_course_url(course),
    )


@console_page(rule=permissions.MANAGE)
@require_POST
def module_move(request, pk, direction):
    module = selectors.module_get(user=request.user, pk=pk)
    return act(
        request,
        lambda: services.module_move(
            actor=request.user, module=module, offset=1 if direction == "down" else -1
        ),
        success=_("The module was moved."),
        next=_course_url(module.course),
    )


def _lesson_form(request, **kwargs):
    return LessonForm(
        request.POST or None,
        request.FILES or None,
        packages=selectors.packages_for_staff(user=request.user),
        quizzes=selectors.quizzes_for_staff(user=request.user),
        **kwargs,
    )


def _lesson_values(data) -> dict:
    """A lesson form's input as the services take it (the kind aside)."""
    return {
        "title": data["title"],
        "body": data["body"],
        "url": data["url"],
        "file": data.get("file"),
        "scorm_package": data["scorm_package"],
        "quiz": data["quiz"],
    }


@console_page(rule=permissions.MANAGE)
def lesson_create(request, pk):
    module = selectors.module_get(user=request.user, pk=pk)
    form = _lesson_form(request)
    return form_page(
        request,
        form,
        template="learning/form.html",
        save=lambda data: services.lesson_create(
            actor=request.user, module=module, kind=data["kind"], **_lesson_values(data)
        ),
        success=_("The lesson was added."),
        next=_course_url(module.course),
        context={
            "heading": _("New lesson in %(module)s") % {"module": module.title},
            "back": _course_url(module.course),
            "multipart": True,
        },
    )


@console_page(rule=permissions.MANAGE)
def lesson_edit(request, public_id):
    lesson = selectors.lesson_get(user=request.user, public_id=public_id)
    form = _lesson_form(
        request,
        editing=True,
        initial={
            "title": lesson.title,
            "body": lesson.body,
            "url": lesson.url,
            "scorm_package": lesson.scorm_package.public_id
            if lesson.scorm_package_id
            else None,
            "quiz": lesson.quiz.public_id if lesson.quiz_id else None,
        },
    )
    course = lesson.module.course
    return form_page(
        request,
        form,
        template="learning/form.html",
        save=lambda data: services.lesson_update(
            actor=request.user, lesson=lesson, **_lesson_values(data)
        ),
        success=_("The lesson was saved."),
        next=_course_url(course),
        context={
            "heading": lesson.title,
            "back": _course_url(course),
            "multipart": True,
        },
    )


@console_page(rule=permissions.MANAGE)
@require_POST
def lesson_move(request, public_id, direction):
    lesson = selectors.lesson_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: services.lesson_move(
            actor=request.user, lesson=lesson, offset=1 if direction == "down" else -1
        ),
        success=_("The lesson was moved."),
        next=_course_url(lesson.module.course),
    )


@console_page(rule=permissions.MANAGE)
@require_POST
def lesson_delete(request, public_id):
    lesson = selectors.lesson_get(user=request.user, public_id=public_id)
    course = lesson.module.course
    return act(
        request,
        lambda: services.lesson_delete(actor=request.user, lesson=lesson),
        success=_("The lesson was removed."),
        next=_course_url(course),
    )


@console_page(rule=permissions.READ)
def enrolments(request):
    return render(
        request,
        "learning/console_enrolments.html",
        {
            "page": requested_page(
                request,
                selectors.enrolments_for_staff(user=request.user),
                per_page=PER_PAGE,
            )
        },
    )


def _report_charts(figures: dict, quizzes: list[dict]) -> dict:
    """What the report's charts draw (static/openprm/metrics_charts.js); the
    tables beside them hold the same figures."""

    def bars(chart_id, rows, *series):
        return {
            "id": chart_id,
            "type": "bar",
            "labels": [row["label"] for row in rows],
            "datasets": [
                {"label": str(label), "data": [row[key] for row in rows]}
                for key, label in series
            ],
        }

    enrolled, completed = ("enrolled", _("Enrolled")), ("completed", _("Completed"))
    months = [
        {"label": row["month"].strftime("%Y-%m"), "completed": row["completed"]}
        for row in figures["by_month"]
    ]
    return {
        "charts": [
            bars("learning-chart-courses", figures["by_course"], enrolled, completed),
            bars("learning-chart-partners", figures["by_partner"], completed),
            {**bars("learning-chart-months", months, completed), "type": "line"},
            bars("learning-chart-quizzes", quizzes, ("rate", _("Pass rate (%)"))),
        ]
    }


@require_safe
@console_page(rule=permissions.READ)
def learning_reports(request):
    """Completions by course, partner and month, and quiz pass rates, with
    charts, tables and each table's CSV and XLSX export."""
    form = ReportFilterForm(
        request.GET or None,
        courses=reports.courses_for_filter(user=request.user),
        product_lines=reports.product_lines(user=request.user),
    )
    filters = form.filters()
    file_format = request.GET.get("export", "")
    table = request.GET.get("table", "")
    if file_format in exports.FORMATS and table in reports.TABLES:
        columns, rows = reports.table(user=request.user, filters=filters, name=table)
        return exports.download(
            columns=columns,
            rows=rows,
            file_format=file_format,
            name=f"learning-{table}",
            sheet=table,
        )
    figures = reports.completions(user=request.user, filters=filters)
    quizzes = reports.quiz_pass_rates(user=request.user, filters=filters)
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("table", None)
    return render(
        request,
        "learning/console_reports.html",
        {
            "form": form,
            "figures": figures,
            "quizzes": quizzes,
            "chart_data": _report_charts(figures, quizzes),
            "query": query.urlencode(),
        },
    )


# --- console: quizzes


def _quiz_url(quiz) -> str:
    return reverse("console:learning_quiz", args=[quiz.public_id])


@console_page(rule=permissions.READ)
def quizzes(request):
    return render(
        request,
        "learning/console_quizzes.html",
        {
            "page": requested_page(
                request,
                selectors.quizzes_for_staff(user=request.user),
                per_page=PER_PAGE,
            ),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


@console_page(rule=permissions.MANAGE)
def quiz_create(request):
    form = QuizForm(request.POST or None)
    return form_page(
        request,
        form,
        template="learning/form.html",
        save=lambda data: services.quiz_create(actor=request.user, **data),
        success=_("The quiz was created: add its questions."),
        next=_quiz_url,
        context={"heading": _("New quiz"), "back": reverse("console:learning_quizzes")},
    )


@console_page(rule=permissions.READ)
def quiz_detail(request, public_id):
    quiz = selectors.quiz_get(user=request.user, public_id=public_id)
    return render(
        request,
        "learning/console_quiz.html",
        {
            "quiz": quiz,
            "questions": selectors.questions_of(quiz),
            "form": QuestionForm(),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


@console_page(rule=permissions.MANAGE)
@require_POST
def question_add(request, public_id):
    quiz = selectors.quiz_get(user=request.user, public_id=public_id)
    form = QuestionForm(request.POST)
    return act(
        request,
        lambda data: services.question_add(
            actor=request.user,
            quiz=quiz,
            kind=data["kind"],
            text=data["text"],
            choices=form.choice_list(),
        ),
        form=form,
        success=_("The question was added."),
        next=_quiz_url(quiz),
    )


# --- console: packages and paths


@console_page(rule=permissions.READ)
def packages(request):
    return render(
        request,
        "learning/console_packages.html",
        {
            "page": requested_page(
                request,
                selectors.packages_for_staff(user=request.user),
                per_page=PER_PAGE,
            ),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


@console_page(rule=permissions.MANAGE)
def package_create(request):
    form = PackageForm(request.POST or None, request.FILES or None)
    return form_page(
        request,
        form,
        template="learning/form.html",
        save=lambda data: services.scorm_package_upload(
            actor=request.user, file=data["file"], title=data["title"]
        ),
        success=_("The package was checked and unpacked."),
        next=reverse("console:learning_packages"),
        context={
            "heading": _("Upload a SCORM package"),
            "back": reverse("console:learning_packages"),
            "multipart": True,
        },
    )


@console_page(rule=permissions.READ)
def paths(request):
    return render(
        request,
        "learning/console_paths.html",
        {
            "page": requested_page(
                request, selectors.paths_for_staff(user=request.user), per_page=PER_PAGE
            ),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


def _path_values(request, data) -> dict:
    codes = [
        code.strip().lower() for code in data["courses"].split(",") if code.strip()
    ]
    found = {
        course.code: course
        for course in selectors.courses_for_staff(user=request.user).filter(
            code__in=codes
        )
    }
    missing = [code for code in codes if code not in found]
    if missing:
        raise ValidationFailed(
            field_errors={
                "courses": [
                    str(_("No course has the code %(codes)s."))
                    % {"codes": ", ".join(missing)}
                ]
            }
        )
    return {
        "title": data["title"],
        "summary": data["summary"],
        "audience": data["audience"],
        "is_published": data["is_published"],
        "auto_enrol": data["auto_enrol"],
        "courses": [found[code] for code in codes],
    }


def _path_form(request, **kwargs):
    return PathForm(
        request.POST or None,
        audiences=selectors.audiences_for_choice(user=request.user),
        **kwargs,
    )


@console_page(rule=permissions.MANAGE)
def path_create(request):
    form = _path_form(request)
    return form_page(
        request,
        form,
        template="learning/form.html",
        save=lambda data: services.path_create(
            actor=request.user, **_path_values(request, data)
        ),
        success=_("The path was created."),
        next=reverse("console:learning_paths"),
        context={
            "heading": _("New learning path"),
            "back": reverse("console:learning_paths"),
        },
    )


@console_page(rule=permissions.MANAGE)
def path_edit(request, public_id):
    path = selectors.path_get(user=request.user, public_id=public_id)
    form = _path_form(
        request,
        initial={
            "title": path.title,
            "summary": path.summary,
            "audience": path.audience.public_id,
            "courses": ", ".join(c.code for c in selectors.path_courses(path)),
            "is_published": path.is_published,
            "auto_enrol": path.auto_enrol,
        },
    )
    return form_page(
        request,
        form,
        template="learning/form.html",
        save=lambda data: services.path_update(
            actor=request.user, path=path, **_path_values(request, data)
        ),
        success=_("The path was saved."),
        next=reverse("console:learning_paths"),
        context={"heading": path.title, "back": reverse("console:learning_paths")},
    )


# --- portal


def _reader(request):
    return audience_reader(membership=request.membership)


def _portal_course_url(course) -> str:
    return reverse("portal:learning_course", args=[course.public_id])


def _course_cards(cards: list) -> list:
    """The page's course cards with what they show in words, written here once
    per card rather than by template filters: the link, the lessons and language
    line, the summary cut to its length."""
    course_url = uuid_urls("portal:learning_course")
    for card in cards:
        card.url = course_url(card.public_id)
        # The template's former msgid ("{{ n }} lesson"), so translations hold.
        lessons = ngettext("%(n)s lesson", "%(n)s lessons", card.lesson_count) % {
            "n": card.lesson_count
        }
        card.line = (
            f"{lessons} · {language_name(card.language)}" if card.language else lessons
        )
        card.card_summary = (
            card.summary
            if len(card.summary) <= CARD_SUMMARY_CHARS
            else Truncator(card.summary).chars(CARD_SUMMARY_CHARS)
        )
    return cards


def _path_cards(cards: list) -> list:
    path_url = uuid_urls("portal:learning_path")
    for card in cards:
        card.url = path_url(card.public_id)
    return cards


@portal_page
def catalogue(request):
    catalogue = selectors.PortalCatalogue.of(_reader(request))
    facets = catalogue.facets()
    form = CatalogueFilterForm(request.GET or None, facets=facets)
    values = form.values()
    filters = selectors.CatalogueFilters(**values)
    narrows = any(values.values())
    number = request.GET.get("page")
    paginator = CappedPaginator(
        PER_PAGE,
        page=number,
        count_up_to=lambda limit: (
            catalogue.count(filters, limit) if narrows else min(facets["total"], limit)
        ),
    )
    page = paginator.get_page(number)
    window = slice(page.start_index() - 1, page.end_index())
    page.object_list = (
        _course_cards(catalogue.cards(filters, window)) if paginator.count else []
    )
    return render(
        request,
        "learning/portal_catalogue.html",
        {
            "form": form,
            "page": page,
            "paths": _path_cards(catalogue.paths()),
            "is_filtered": narrows,
            "team_tab": _team_tab(request),
        },
    )


def _team_tab(request) -> bool:
    """Whether the learning tabs offer the team's progress (partner admins)."""
    return permissions.ENROL_TEAM.allows_roles(partner_roles=request.membership.roles)


@portal_page
def my_learning(request):
    return render(
        request,
        "learning/portal_mine.html",
        {
            "enrolments": list(
                selectors.my_enrolments(
                    user=request.user, partner_id=request.partner.pk
                )
            ),
            "team_tab": _team_tab(request),
        },
    )


TEAM_STATUSES = {"open", "completed"}


@require_safe
@portal_page(rule=permissions.ENROL_TEAM)
def team_learning(request):
    """A partner admin's view of who in their organisation takes what, and how
    far each has got."""
    status = request.GET.get("status", "")
    rows = selectors.team_progress(
        user=request.user,
        partner_id=request.partner.pk,
        status=status if status in TEAM_STATUSES else "",
    )
    return render(
        request,
        "learning/portal_team.html",
        {
            "page": requested_page(request, rows, per_page=PER_PAGE),
            "status": status,
            "team_tab": True,
        },
    )


@portal_page
def transcript(request):
    return render(
        request,
        "learning/portal_transcript.html",
        {
            **selectors.transcript(user=request.user, partner_id=request.partner.pk),
            "team_tab": _team_tab(request),
        },
    )


def _course_context(request, course):
    enrolment = selectors.enrolment_of(user=request.user, course=course)
    modules = selectors.outline(course)
    lessons = selectors.lessons_in_order(modules)
    progress = selectors.progress_of(enrolment)
    done = {pk for pk, item in progress.items() if item.completed_at}
    return enrolment, modules, lessons, progress, done


@portal_page
def course_page(request, public_id):
    course = selectors.course_for_reader(reader=_reader(request), public_id=public_id)
    enrolment, modules, lessons, _progress, done = _course_context(request, course)
    missing = services.missing_prerequisites(enrolment=enrolment) if enrolment else []
    can_enrol_team = permissions.ENROL_TEAM.allows(
        request.user, partner_id=request.partner.pk
    )
    return render(
        request,
        "learning/portal_course.html",
        {
            "course": course,
            "enrolment": enrolment,
            "modules": modules,
            "done": done,
            "lesson_count": len(lessons),
            "resume": selectors.resume_lesson(enrolment, lessons, done)
            if enrolment
            else None,
            "missing": missing,
            "colleague_form": ColleagueForm(colleagues=_colleagues(request))
            if can_enrol_team
            else None,
        },
    )


def _colleagues(request):
    from openprm.accounts.models import User

    return User.objects.filter(
        memberships__partner=request.partner,
        memberships__is_active=True,
        is_active=True,
    ).order_by("full_name", "email")


@portal_page
@require_POST
def course_enrol(request, public_id):
    course = selectors.course_for_reader(reader=_reader(request), public_id=public_id)
    return act(
        request,
        lambda: services.course_enrol(
            actor=request.user, course=course, partner_id=request.partner.pk
        ),
        success=_("You are enrolled."),
        next=_portal_course_url(course),
    )


@portal_page(rule=permissions.ENROL_TEAM)
@require_POST
def course_enrol_colleague(request, public_id):
    course = selectors.course_for_reader(reader=_reader(request), public_id=public_id)
    return act(
        request,
        lambda data: services.course_enrol(
            actor=request.user,
            course=course,
            partner_id=request.partner.pk,
            learner=data["learner"],
        ),
        form=ColleagueForm(request.POST, colleagues=_colleagues(request)),
        success=_("Your colleague is enrolled."),
        next=_portal_course_url(course),
    )


def _learner_lesson(request, public_id, lesson_id):
    course = selectors.course_for_reader(reader=_reader(request), public_id=public_id)
    enrolment = selectors.enrolment_of(user=request.user, course=course)
    if enrolment is None:
        raise Http404
    lesson = selectors.lesson_for_enrolment(enrolment=enrolment, public_id=lesson_id)
    return course, enrolment, lesson


@portal_page
def lesson_page(request, public_id, lesson_id):
    course, enrolment, lesson = _learner_lesson(request, public_id, lesson_id)
    try:
        services.lesson_open(actor=request.user, enrolment=enrolment, lesson=lesson)
    except ApplicationError as error:
        from openprm.core.web import refusal_messages

        refusal_messages(request, error)
        return redirect(_portal_course_url(course))
    _, modules, lessons, _progress, done = _course_context(request, course)
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    context = {
        "course": course,
        "enrolment": enrolment,
        "lesson": lesson,
        "modules": modules,
        "done": done,
        "previous": lessons[index - 1] if index > 0 else None,
        "next": lessons[index + 1] if index + 1 < len(lessons) else None,
        "position": index + 1,
        "lesson_count": len(lessons),
        "is_done": lesson.pk in done,
        "hand_completed": selectors.is_hand_completed(lesson),
        "body": mark_safe(lesson.body),  # noqa: S308 - sanitised when saved
    }
    if lesson.kind == LessonKind.QUIZ:
        attempts = selectors.attempts_of(user=request.user, quiz=lesson.quiz)
        context["attempts"] = attempts
        context["attempts_left"] = (
            None
            if lesson.quiz.max_attempts is None
            else max(0, lesson.quiz.max_attempts - len(attempts))
        )
    if lesson.kind == LessonKind.SCORM:
        attempt = services.scorm_attempt_for(
            actor=request.user, enrolment=enrolment, lesson=lesson
        )
        package = lesson.scorm_package
        context["scorm"] = {
            "attempt": attempt,
            "launch": reverse(
                "portal:learning_scorm_file", args=[package.public_id, package.entry]
            ),
            "commit": reverse("portal:learning_scorm_commit", args=[attempt.public_id]),
            "initial": json.dumps(
                {
                    "cmi.core.student_id": str(request.user.public_id),
                    "cmi.core.student_name": request.user.full_name
                    or request.user.email,
                    "cmi.core.lesson_status": attempt.lesson_status,
                    "cmi.core.lesson_location": attempt.lesson_location,
                    "cmi.core.score.raw": ""
                    if attempt.score_raw is None
                    else str(attempt.score_raw),
                    "cmi.core.entry": "resume" if attempt.suspend_data else "ab-initio",
                    "cmi.suspend_data": attempt.suspend_data,
                    "cmi.core.total_time": _timespan(attempt.total_seconds),
                }
            ),
        }
    return render(request, "learning/portal_lesson.html", context)


def _timespan(seconds: int) -> str:
    return f"{seconds // 3600:04d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


@portal_page
@require_POST
def lesson_done(request, public_id, lesson_id):
    course, enrolment, lesson = _learner_lesson(request, public_id, lesson_id)
    lessons = selectors.lessons_in_order(selectors.outline(course))
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    following = lessons[index + 1] if index + 1 < len(lessons) else None
    target = (
        reverse("portal:learning_lesson", args=[course.public_id, following.public_id])
        if following
        else _portal_course_url(course)
    )
    return act(
        request,
        lambda: services.lesson_complete(
            actor=request.user, enrolment=enrolment, lesson=lesson
        ),
        success=_("Lesson done."),
        next=target,
        on_refusal=reverse(
            "portal:learning_lesson", args=[course.public_id, lesson.public_id]
        ),
    )


@portal_page
def lesson_file(request, public_id, lesson_id):
    _course, _enrolment, lesson = _learner_lesson(request, public_id, lesson_id)
    if lesson.kind != LessonKind.FILE or not lesson.file:
        raise Http404
    return serving.file_response(
        request, lesson.file, content_type=lesson.file_type, filename=lesson.file_name
    )


@portal_page
@require_POST
def quiz_start(request, public_id, lesson_id):
    course, enrolment, lesson = _learner_lesson(request, public_id, lesson_id)
    if lesson.kind != LessonKind.QUIZ:
        raise Http404
    return act(
        request,
        lambda: services.quiz_attempt_start(
            actor=request.user,
            quiz=lesson.quiz,
            partner_id=request.partner.pk,
            enrolment=enrolment,
            lesson=lesson,
        ),
        success=_("Good luck."),
        next=lambda attempt: reverse(
            "portal:learning_attempt", args=[attempt.public_id]
        ),
        on_refusal=reverse(
            "portal:learning_lesson", args=[course.public_id, lesson.public_id]
        ),
    )


@portal_page
def attempt_page(request, public_id):
    attempt = selectors.attempt_for_learner(user=request.user, public_id=public_id)
    lesson = attempt.lesson
    course = lesson.module.course if lesson else None
    back = (
        reverse("portal:learning_lesson", args=[course.public_id, lesson.public_id])
        if lesson
        else reverse("portal:learning")
    )
    if request.method == "POST":
        answers = {}
        for key in request.POST:
            if key.startswith("q-"):
                answers[key[2:]] = request.POST.getlist(key)
        enrolment = (
            selectors.enrolment_of(user=request.user, course=course) if course else None
        )
        return act(
            request,
            lambda: services.quiz_attempt_submit(
                actor=request.user,
                attempt=attempt,
                answers=answers,
                enrolment=enrolment,
            ),
            success=lambda result: (
                (
                    _("Passed with %(score)s%%.")
                    if result.is_passed
                    else _("Not passed: %(score)s%%.")
                )
                % {"score": result.score}
            ),
            next=back,
            on_refusal=back,
        )
    return render(
        request,
        "learning/portal_attempt.html",
        {
            "attempt": attempt,
            "questions": selectors.attempt_questions(attempt),
            "back": back,
        },
    )


@portal_page
@require_POST
def scorm_commit(request, public_id):
    """The SCORM runtime's commit of the learner's own attempt (JSON in and out)."""
    attempt = selectors.scorm_attempt_for_learner(
        user=request.user, public_id=public_id
    )
    if request.content_type == "application/json":
        try:
            values = json.loads(request.body or b"{}")
        except ValueError:
            values = None
        if not isinstance(values, dict):
            return JsonResponse({"error": str(_("Send a JSON object."))}, status=400)
    else:
        values = {
            key: value for key, value in request.POST.items() if key.startswith("cmi.")
        }
    try:
        attempt = services.scorm_commit(
            actor=request.user,
            attempt=attempt,
            values={key: str(value) for key, value in values.items()},
        )
    except ValidationFailed as error:
        return JsonResponse(
            {"error": str(error.message), "fields": error.field_errors}, status=422
        )
    return JsonResponse(
        {"lesson_status": attempt.lesson_status, "total_seconds": attempt.total_seconds}
    )


_SCORM_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".xml": "application/xml",
}


@portal_page
@xframe_options_sameorigin
def scorm_file(request, public_id, path):
    """A file of a package, for learners enrolled in a course that launches it:
    framed by our own pages only, its type from its name, never sniffed."""
    package = selectors.scorm_package_for_learner(
        user=request.user, public_id=public_id
    )
    inside = scorm.safe_path(path)
    if inside is None:
        raise Http404
    name = f"{package.storage_prefix}/{inside}"
    if not default_storage.exists(name):
        raise Http404
    extension = "." + inside.rsplit(".", 1)[-1].lower() if "." in inside else ""
    content_type = _SCORM_TYPES.get(extension) or (
        mimetypes.guess_type(inside)[0] or "application/octet-stream"
    )
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    response["Referrer-Policy"] = "same-origin"
    # The package's own scripts run (packages inline theirs), framed only by our
    # player, talking to nothing but the runtime in the parent page.
    response._csp_replace = {
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "connect-src": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'self'"],
    }
    return response


@portal_page
def path_page(request, public_id):
    path = selectors.path_for_reader(reader=_reader(request), public_id=public_id)
    enrolment = selectors.path_enrolment_of(user=request.user, path=path)
    done = selectors.completed_course_ids(user=request.user)
    return render(
        request,
        "learning/portal_path.html",
        {
            "path": path,
            "enrolment": enrolment,
            "courses": selectors.path_courses(path),
            "done": done,
        },
    )


@portal_page
@require_POST
def path_enrol(request, public_id):
    path = selectors.path_for_reader(reader=_reader(request), public_id=public_id)
    return act(
        request,
        lambda: services.path_enrol(
            actor=request.user, path=path, partner_id=request.partner.pk
        ),
        success=_("You are enrolled in the path and its courses."),
        next=reverse("portal:learning_path", args=[path.public_id]),
    )
