"""Forms of the learning pages: input only; the rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import ServiceForm, StyledForm
from openprm.learning import reports
from openprm.learning.choices import LessonKind, QuestionKind
from openprm.partners.choices import Region


class CourseForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    code = forms.SlugField(
        label=_("Code"),
        max_length=100,
        help_text=_("What an onboarding task names, e.g. sales-101."),
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    product_line = forms.CharField(
        label=_("Product line"), required=False, max_length=100
    )
    language = forms.CharField(
        label=_("Language"),
        required=False,
        max_length=8,
        help_text=_("A language code such as en or de; empty for any."),
    )
    audience = forms.ModelChoiceField(
        label=_("Audience"), queryset=None, to_field_name="public_id"
    )
    prerequisites = forms.ModelMultipleChoiceField(
        label=_("Prerequisites"),
        queryset=None,
        required=False,
        to_field_name="public_id",
        help_text=_("Courses a learner completes before starting this one."),
    )
    is_published = forms.BooleanField(label=_("Published"), required=False)

    def __init__(self, *args, audiences, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].queryset = audiences
        self.fields["prerequisites"].queryset = courses


def course_initial(course) -> dict:
    return {
        "title": course.title,
        "code": course.code,
        "summary": course.summary,
        "product_line": course.product_line,
        "language": course.language,
        "audience": course.audience.public_id,
        "prerequisites": [item.public_id for item in course.prerequisites.all()],
        "is_published": course.is_published,
    }


class ModuleForm(ServiceForm):
    title = forms.CharField(label=_("New module"), max_length=200)


class LessonForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=LessonKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text (HTML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Scripts and unsafe markup are removed when it is saved."),
    )
    url = forms.URLField(
        label=_("Link address"), required=False, max_length=2000, assume_scheme="https"
    )
    file = forms.FileField(label=_("File"), required=False)
    scorm_package = forms.ModelChoiceField(
        label=_("SCORM package"),
        queryset=None,
        required=False,
        to_field_name="public_id",
    )
    quiz = forms.ModelChoiceField(
        label=_("Quiz"), queryset=None, required=False, to_field_name="public_id"
    )

    def __init__(self, *args, packages, quizzes, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scorm_package"].queryset = packages
        self.fields["quiz"].queryset = quizzes
        if editing:
            del self.fields["kind"]


class QuizForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    questions_per_attempt = forms.IntegerField(
        label=_("Questions per attempt"), min_value=1, initial=5
    )
    pass_mark = forms.IntegerField(
        label=_("Pass mark (%)"), min_value=0, max_value=100, initial=70
    )
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"), min_value=1, required=False
    )
    max_attempts = forms.IntegerField(
        label=_("Attempts allowed"), min_value=1, required=False
    )
    wait_minutes = forms.IntegerField(
        label=_("Wait between attempts (minutes)"), min_value=0, initial=0
    )


class QuestionForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    text = forms.CharField(
        label=_("Question"), widget=forms.Textarea(attrs={"rows": 2})
    )
    choices = forms.CharField(
        label=_("Answers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line; start the right ones with *. For true or false, "
            "write True or False."
        ),
    )

    def choice_list(self) -> list[tuple[str, bool]]:
        from openprm.learning.services import true_false_choices

        data = self.cleaned_data
        lines = [line.strip() for line in data.get("choices", "").splitlines()]
        lines = [line for line in lines if line]
        if data.get("kind") == QuestionKind.TRUE_FALSE:
            answer = lines[0].lstrip("*").strip().lower() if lines else ""
            if answer not in ("true", "false"):
                return []
            return true_false_choices(is_true=answer == "true")
        return [(line.lstrip("*").strip(), line.startswith("*")) for line in lines]


class PackageForm(ServiceForm):
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("Empty: the manifest's title."),
    )
    file = forms.FileField(label=_("SCORM 1.2 package (zip)"))


class PathForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    audience = forms.ModelChoiceField(
        label=_("Audience"), queryset=None, to_field_name="public_id"
    )
    courses = forms.CharField(
        label=_("Courses, in order"),
        help_text=_("Course codes separated by commas; each requires the one before."),
    )
    is_published = forms.BooleanField(label=_("Published"), required=False)
    auto_enrol = forms.BooleanField(
        label=_("Enrol the audience automatically"), required=False
    )

    def __init__(self, *args, audiences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].queryset = audiences


class CatalogueFilterForm(StyledForm):
    compact = True

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    product_line = forms.ChoiceField(
        label=_("Product line"), required=False, choices=[]
    )
    language = forms.ChoiceField(label=_("Language"), required=False, choices=[])

    def __init__(self, *args, facets: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_line"].choices = [
            ("", _("Any product line")),
            *[(value, value) for value in facets.get("product_lines", [])],
        ]
        self.fields["language"].choices = [
            ("", _("Any language")),
            *[(value, value) for value in facets.get("languages", [])],
        ]

    def values(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": data.get("q", ""),
            "product_line": data.get("product_line", ""),
            "language": data.get("language", ""),
        }


class ColleagueForm(ServiceForm):
    learner = forms.ModelChoiceField(
        label=_("Colleague"), queryset=None, to_field_name="public_id"
    )

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learner"].queryset = colleagues


class ReportFilterForm(StyledForm):
    """The learning reports' filters (GET, every field optional)."""

    compact = True

    months = forms.TypedChoiceField(
        label=_("Period"),
        required=False,
        coerce=int,
        empty_value=reports.DEFAULT_MONTHS,
        choices=[
            (months, _("Last %(months)s months") % {"months": months})
            for months in reports.PERIODS
        ],
        initial=reports.DEFAULT_MONTHS,
    )
    course = forms.ModelChoiceField(
        label=_("Course"),
        required=False,
        queryset=None,
        to_field_name="public_id",
        empty_label=_("All courses"),
    )
    product_line = forms.ChoiceField(label=_("Product line"), required=False)
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        choices=[("", _("All regions")), *Region.choices],
    )

    def __init__(self, *args, courses, product_lines: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
        self.fields["product_line"].choices = [
            ("", _("All product lines")),
            *[(line, line) for line in product_lines],
        ]

    def filters(self) -> reports.ReportFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return reports.ReportFilters(
            months=data.get("months") or reports.DEFAULT_MONTHS,
            course=data.get("course"),
            product_line=data.get("product_line", ""),
            region=data.get("region", ""),
        )
