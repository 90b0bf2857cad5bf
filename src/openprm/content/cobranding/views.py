"""Co-branding pages: the console's zone editor and preview, the portal's list of
co-brandable assets and the download of the partner's copy."""

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openprm.content import permissions
from openprm.content.cobranding import generation, selectors, services, zones
from openprm.content.cobranding.forms import (
    CobrandingForm,
    ZoneFormSet,
    show_service_error,
    zone_rows,
)
from openprm.core.errors import ApplicationError
from openprm.core.web import console_page, portal_page, refusal_messages

ZONE_FIELDS = ("kind", "page", "x", "y", "width", "height", "field", "font_size")


# --- console


@console_page(rule=permissions.READ)
def cobranding_list(request):
    return render(
        request,
        "content/cobranding/console_list.html",
        {
            "assets": list(selectors.assets_for_cobranding(user=request.user)),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


def _layout(asset) -> tuple[list[dict], str, str]:
    """The current version's pages (for the drawing of the zones), their unit, and
    a problem reading the file, if any."""
    if asset.current_version is None:
        return [], "pt", str(_("Upload a version of this asset first."))
    try:
        boxes, unit = generation.page_boxes(
            selectors.original_bytes(asset.current_version)
        )
    except ApplicationError as error:
        return [], "pt", str(error.message)
    pages = []
    for number, (left, bottom, right, top) in enumerate(boxes, start=1):
        width, height = right - left, top - bottom
        placed = []
        for index, zone in enumerate(asset.cobrand_zones, start=1):
            if not isinstance(zone, dict) or zone.get("page") != number:
                continue
            try:
                placed.append(
                    {
                        "number": index,
                        "kind": zone.get("kind"),
                        "label": zone.get("field") or zone.get("kind"),
                        "left": 100 * (float(zone["x"]) - left) / width,
                        "top": 100
                        * (top - float(zone["y"]) - float(zone["height"]))
                        / height,
                        "width": 100 * float(zone["width"]) / width,
                        "height": 100 * float(zone["height"]) / height,
                    }
                )
            except (KeyError, TypeError, ValueError, ZeroDivisionError):
                continue
        if placed or number == 1:
            pages.append(
                {
                    "number": number,
                    "width": f"{width:g}",
                    "height": f"{height:g}",
                    "ratio": 100 * height / width if width else 100,
                    "zones": placed,
                }
            )
    return pages, unit, ""


def _suggested_zones(asset) -> list[dict]:
    """A starting layout for an asset without zones (saved only with Save)."""
    if asset.current_version is None:
        return []
    try:
        boxes, _unit = generation.page_boxes(
            selectors.original_bytes(asset.current_version)
        )
    except ApplicationError:
        return []
    return zones.sample_zones(boxes)


@console_page(rule=permissions.MANAGE)
def cobranding_edit(request, public_id):
    asset = selectors.asset_for_cobranding(user=request.user, public_id=public_id)
    if request.method == "POST":
        form = CobrandingForm(request.POST)
        formset = ZoneFormSet(request.POST, prefix="zones")
        if form.is_valid() and formset.is_valid():
            raw, rows = zone_rows(formset)
            try:
                services.asset_cobranding_update(
                    actor=request.user,
                    asset=asset,
                    is_cobrandable=form.cleaned_data["is_cobrandable"],
                    zones_raw=raw,
                )
            except ApplicationError as error:
                if error.status in (403, 404):
                    raise
                show_service_error(error, form=form, formset=formset, rows=rows)
            else:
                messages.success(request, _("The co-branding is saved."))
                return redirect("console:content_cobranding_edit", asset.public_id)
    else:
        form = CobrandingForm(initial={"is_cobrandable": asset.is_cobrandable})
        formset = ZoneFormSet(
            prefix="zones",
            initial=[
                {key: zone.get(key) for key in ZONE_FIELDS}
                for zone in asset.cobrand_zones or _suggested_zones(asset)
                if isinstance(zone, dict)
            ],
        )
    pages, unit, problem = _layout(asset)
    return render(
        request,
        "content/cobranding/console_edit.html",
        {
            "asset": asset,
            "form": form,
            "formset": formset,
            "pages": pages,
            "unit": unit,
            "file_problem": problem,
        },
    )


@console_page(rule=permissions.MANAGE)
def cobranding_preview(request, public_id):
    asset = selectors.asset_for_cobranding(user=request.user, public_id=public_id)
    back = reverse("console:content_cobranding_edit", args=[asset.public_id])
    try:
        data, content_type = services.preview(actor=request.user, asset=asset)
    except ApplicationError as error:
        if error.status in (403, 404):
            raise
        refusal_messages(request, error)
        return redirect(back)
    response = HttpResponse(data, content_type=content_type)
    extension = generation.EXTENSIONS[content_type]
    disposition = "attachment" if extension == "pdf" else "inline"
    response["Content-Disposition"] = (
        f'{disposition}; filename="preview-{asset.public_id}.{extension}"'
    )
    return response


# --- portal


@portal_page
def portal_cobranded_list(request):
    return render(
        request,
        "content/cobranding/portal_list.html",
        {
            "assets": list(
                selectors.cobrandable_assets_for_reader(membership=request.membership)
            )
        },
    )


@portal_page
def portal_cobranded_download(request, public_id):
    asset = selectors.cobrandable_asset_for_reader(
        membership=request.membership, public_id=public_id
    )
    try:
        copy, _made = services.cobranded_copy_download(
            actor=request.user, membership=request.membership, asset=asset
        )
    except ApplicationError as error:
        if error.status in (403, 404):
            raise
        refusal_messages(request, error)
        return redirect("portal:content_cobranded")
    return FileResponse(
        copy.file.open("rb"),
        as_attachment=True,
        filename=services.download_name(
            asset=asset, partner=request.partner, copy=copy
        ),
        content_type=generation.content_type_of_name(copy.file.name),
    )
