"""The upload form of partner imports: the file's type and size are checked here, its
rows in the worker."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import ServiceForm
from openprm.integrations.imports import reading


class ImportUploadForm(ServiceForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or XLSX; the first row names the columns. "
            "Rows with an external id or domain already known update that partner."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            reading.check_name(upload.name, upload.size)
        except reading.FileProblem as problem:
            raise forms.ValidationError(problem.text) from None
        return upload

    def service_field(self, name: str) -> str | None:
        """Whatever the service finds wrong is about the file."""
        return "file"
