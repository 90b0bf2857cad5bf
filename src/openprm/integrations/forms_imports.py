from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.integrations import importing


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or XLSX, at most 5 MB; the first row names the columns. "
            "Rows with an external id or domain already known update that partner."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith(importing.EXTENSIONS):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload
