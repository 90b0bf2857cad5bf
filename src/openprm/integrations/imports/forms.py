from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.integrations.imports import reading as importing


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or XLSX; the first row names the columns. "
            "Rows with an external id or domain already known update that partner."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            importing.check_name(upload.name, upload.size)
        except importing.FileProblem as problem:
            raise forms.ValidationError(problem.text) from None
        return upload
