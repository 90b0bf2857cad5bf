"""Forms of the journey pages: input only; the rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import ServiceForm
from openprm.journeys.choices import TaskKind


class TaskTemplateForm(ServiceForm):
    """A task of a programme's journey; the kind-specific settings are separate
    inputs, gathered into the task's ``config`` (the service checks them)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=TaskKind.choices)
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    due_days = forms.IntegerField(
        label=_("Due after (days)"), required=False, min_value=0
    )
    fields = forms.CharField(
        label=_("Profile fields (for profile tasks)"), required=False
    )
    count = forms.IntegerField(label=_("Colleagues"), required=False, initial=1)
    course = forms.CharField(label=_("Course code"), required=False, max_length=100)
    is_required = forms.BooleanField(label=_("Required"), required=False, initial=True)

    def service_field(self, name: str) -> str | None:
        # The service reports the kind-specific settings as "config".
        return None if name == "config" else super().service_field(name)

    @staticmethod
    def task(data: dict) -> dict:
        """The service's arguments from the cleaned data."""
        return {
            "kind": data["kind"],
            "title": data["title"],
            "is_required": data["is_required"],
            "due_days": data["due_days"],
            "config": {
                "fields": data["fields"].replace(",", " ").split(),
                "count": data["count"] or 1,
                "course": data["course"],
            },
        }


class SignOffForm(ServiceForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class DocumentUploadForm(ServiceForm):
    file = forms.FileField(
        label=_("File"), error_messages={"required": _("Choose a file.")}
    )
