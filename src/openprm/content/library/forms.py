"""Forms of the library pages: input only; the rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.content.choices import AssetKind
from openprm.content.library.selectors import LibraryFilters
from openprm.core.forms import ServiceForm, StyledForm

DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)


def _words(value: str) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


class AssetForm(ServiceForm):
    """A new asset, or an asset's fields (without its kind and file) when editing."""

    kind = forms.ChoiceField(label=_("Kind"), choices=AssetKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "PDF, Office document, image, video, ZIP or text; checked by its content."
        ),
    )
    url = forms.URLField(
        label=_("Link address"), required=False, max_length=2000, assume_scheme="https"
    )
    body = forms.CharField(
        label=_("Page text (HTML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Scripts and unsafe markup are removed when it is saved."),
    )
    audience = forms.ModelChoiceField(
        label=_("Audience"), queryset=None, to_field_name="public_id"
    )
    folder = forms.ModelChoiceField(
        label=_("Folder"), queryset=None, required=False, to_field_name="public_id"
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas.")
    )
    language = forms.CharField(
        label=_("Language"),
        required=False,
        max_length=8,
        help_text=_("A language code such as en or de; empty for any."),
    )
    product_lines = forms.CharField(
        label=_("Product lines"), required=False, help_text=_("Separated by commas.")
    )
    thumbnail = forms.FileField(
        label=_("Thumbnail"), required=False, help_text=_("PNG, JPEG, GIF or WebP.")
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    publish_at = forms.DateTimeField(
        label=_("Publish from"),
        required=False,
        widget=DATETIME,
        help_text=_("Empty keeps it a draft."),
    )
    expires_at = forms.DateTimeField(
        label=_("Expires at"), required=False, widget=DATETIME
    )

    def __init__(
        self, *args, audiences, folders, owners, editing=False, kind="", **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["audience"].queryset = audiences
        self.fields["folder"].queryset = folders
        self.fields["owner"].queryset = owners
        if editing:
            del self.fields["kind"]
            del self.fields["file"]
            if kind != AssetKind.LINK:
                del self.fields["url"]
            if kind != AssetKind.PAGE:
                del self.fields["body"]

    def service_field(self, name: str) -> str | None:
        return name if name in self.fields else None

    def values(self) -> dict:
        """The cleaned input as the services take it."""
        data = dict(self.cleaned_data)
        data["tags"] = _words(data.get("tags", ""))
        data["product_lines"] = _words(data.get("product_lines", ""))
        for name in ("thumbnail", "file"):
            if name in data and not data[name]:
                data.pop(name)
        return data


def asset_initial(asset) -> dict:
    return {
        "title": asset.title,
        "summary": asset.summary,
        "url": asset.url,
        "body": asset.body,
        "audience": asset.audience.public_id if asset.audience_id else None,
        "folder": asset.folder.public_id if asset.folder_id else None,
        "tags": ", ".join(tag.name for tag in asset.tags.all()),
        "language": asset.language,
        "product_lines": ", ".join(asset.product_lines or []),
        "owner": asset.owner_id,
        "publish_at": asset.publish_at,
        "expires_at": asset.expires_at,
    }


class VersionForm(ServiceForm):
    file = forms.FileField(label=_("New version"))


class FolderForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    parent = forms.ModelChoiceField(
        label=_("Inside"),
        queryset=None,
        required=False,
        to_field_name="public_id",
        empty_label=_("(top level)"),
    )

    def __init__(self, *args, folders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = folders


class LibraryFilterForm(StyledForm):
    """The library's search and filters (console and portal)."""

    compact = True

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Any kind")), *AssetKind.choices],
    )
    product_line = forms.ChoiceField(
        label=_("Product line"), required=False, choices=[]
    )
    language = forms.ChoiceField(label=_("Language"), required=False, choices=[])
    folder = forms.ChoiceField(label=_("Folder"), required=False, choices=[])
    new = forms.BooleanField(label=_("New since my last visit"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[("newest", _("Newest")), ("most_used", _("Most used"))],
    )

    def __init__(self, *args, facets: dict, with_new: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_line"].choices = [
            ("", _("Any product line")),
            *[(value, value) for value in facets.get("product_lines", [])],
        ]
        self.fields["language"].choices = [
            ("", _("Any language")),
            *[(value, value) for value in facets.get("languages", [])],
        ]
        self.fields["folder"].choices = [
            ("", _("Any folder")),
            *facets.get("folders", []),
        ]
        if not with_new:
            del self.fields["new"]

    def filters(self, *, since=None) -> LibraryFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return LibraryFilters(
            q=data.get("q", ""),
            kind=data.get("kind", ""),
            product_line=data.get("product_line", ""),
            language=data.get("language", ""),
            folder=data.get("folder", ""),
            since=since if data.get("new") else None,
            sort=data.get("sort") or "newest",
        )

    def is_filtered(self) -> bool:
        data = self.cleaned_data if self.is_valid() else {}
        return any(
            data.get(name) for name in ("q", "kind", "product_line", "language", "new")
        )
