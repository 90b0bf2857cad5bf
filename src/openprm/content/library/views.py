"""Pages of the asset library: its management in the console (channel marketing
writes, every vendor role reads) and the library in the portal (the live assets of
the reader's audiences)."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.content import permissions
from openprm.content.choices import ActivityKind, AssetKind
from openprm.content.library import selectors, services, serving
from openprm.content.library.forms import (
    AssetForm,
    FolderForm,
    LibraryFilterForm,
    VersionForm,
    asset_initial,
)
from openprm.core import uploads
from openprm.core.iso import language_name
from openprm.core.pagination import CappedPaginator, capped_count, requested_page
from openprm.core.web import act, console_page, form_page, portal_page, uuid_urls
from openprm.partners.selectors import partner_get
from openprm.segments.audiences import audience_reader

PER_PAGE = 24
NEWEST_SHOWN = 5
CARD_SUMMARY_CHARS = 140


def _page(request, queryset, *, rows=None, count=None):
    """A page of ``queryset``, counted up to a cap (``core.pagination``);
    ``rows(window)`` reads the page's rows when given (the portal reads them keys
    first, see ``selectors.PortalLibrary.cards``), and ``count`` is how many there
    are when already known."""
    if rows is None:
        page = requested_page(request, queryset, per_page=PER_PAGE)
        page.object_list = selectors.with_status(page.object_list)
        return page
    number = request.GET.get("page")
    paginator = CappedPaginator(
        PER_PAGE,
        page=number,
        count_up_to=lambda limit: (
            capped_count(queryset, limit) if count is None else min(count, limit)
        ),
    )
    page = paginator.get_page(number)
    window = slice(page.start_index() - 1, page.end_index())
    page.object_list = rows(window) if paginator.count else []
    return page


def _asset_url(asset) -> str:
    return reverse("console:library_asset", args=[asset.public_id])


def _asset_form(request, *, editing=False, kind="", initial=None):
    return AssetForm(
        request.POST or None,
        request.FILES or None,
        audiences=selectors.audiences_for_choice(user=request.user),
        folders=selectors.folder_choices(user=request.user),
        owners=selectors.owners_for_choice(user=request.user),
        editing=editing,
        kind=kind,
        initial=initial,
    )


# --- console


@console_page(rule=permissions.READ)
def library(request):
    staff_assets = selectors.assets_for_staff(user=request.user)
    form = LibraryFilterForm(
        request.GET or None,
        facets=selectors.facet_values(staff_assets),
        with_new=False,
    )
    filters = form.filters()
    return render(
        request,
        "content/library/console_library.html",
        {
            "form": form,
            "page": _page(request, selectors.narrowed(staff_assets, filters)),
            "can_manage": permissions.MANAGE.allows(request.user),
            "is_filtered": form.is_filtered(),
        },
    )


@console_page(rule=permissions.MANAGE)
def asset_create(request):
    form = _asset_form(request, initial={"owner": request.user.pk})
    return form_page(
        request,
        form,
        template="content/library/asset_form.html",
        save=lambda data: services.asset_create(actor=request.user, **form.values()),
        success=_("The asset was created."),
        next=_asset_url,
        context={"creating": True},
    )


@console_page(rule=permissions.READ)
def asset_detail(request, public_id):
    asset = selectors.asset_get(user=request.user, public_id=public_id)
    return render(
        request,
        "content/library/console_asset.html",
        {
            "asset": asset,
            "versions": selectors.versions_of(asset),
            "version_form": VersionForm(),
            "can_manage": permissions.MANAGE.allows(request.user),
            "is_live": asset.is_live(),
            "status": selectors.status_of(asset),
            "body": mark_safe(services.sanitise_body(asset.body)),  # noqa: S308
        },
    )


@console_page(rule=permissions.MANAGE)
def asset_edit(request, public_id):
    asset = selectors.asset_get(user=request.user, public_id=public_id)
    form = _asset_form(
        request, editing=True, kind=asset.kind, initial=asset_initial(asset)
    )
    return form_page(
        request,
        form,
        template="content/library/asset_form.html",
        save=lambda data: services.asset_update(
            actor=request.user, asset=asset, **form.values()
        ),
        success=_("The asset was saved."),
        next=_asset_url,
        context={"asset": asset},
    )


@console_page(rule=permissions.MANAGE)
@require_POST
def asset_version_add(request, public_id):
    asset = selectors.asset_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: services.asset_version_add(
            actor=request.user, asset=asset, file=data["file"]
        ),
        form=VersionForm(request.POST, request.FILES),
        success=lambda version: (
            _("Version %(number)s is now the one partners get.")
            % {"number": version.number}
        ),
        next=_asset_url(asset),
    )


@console_page(rule=permissions.MANAGE)
@require_POST
def asset_unpublish(request, public_id):
    asset = selectors.asset_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: services.asset_unpublish(actor=request.user, asset=asset),
        success=_("The asset is off the portal."),
        next=_asset_url(asset),
    )


@console_page(rule=permissions.READ)
def asset_version_download(request, public_id, number):
    asset = selectors.asset_get(user=request.user, public_id=public_id)
    version = next(
        (item for item in selectors.versions_of(asset) if item.number == number), None
    )
    if version is None:
        raise Http404
    return serving.file_response(
        request,
        version.file,
        content_type=version.content_type,
        filename=version.original_name,
    )


@console_page(rule=permissions.READ)
def asset_thumbnail(request, public_id):
    asset = selectors.asset_get(user=request.user, public_id=public_id)
    return _thumbnail(asset)


def _thumbnail(asset):
    if not asset.thumbnail:
        raise Http404
    with asset.thumbnail.open("rb") as handle:
        found = uploads.sniff(handle, name=asset.thumbnail.name)
    return serving.image_response(asset.thumbnail, content_type=found.content_type)


@console_page(rule=permissions.READ)
def expired(request):
    mine = request.GET.get("mine") == "1"
    return render(
        request,
        "content/library/console_expired.html",
        {
            "page": _page(
                request,
                selectors.expired_assets(
                    user=request.user, owner=request.user if mine else None
                ),
            ),
            "mine": mine,
        },
    )


@console_page(rule=permissions.READ)
def folders(request):
    return render(
        request,
        "content/library/console_folders.html",
        {
            "folders": selectors.folders_list(user=request.user),
            "form": FolderForm(folders=selectors.folder_choices(user=request.user)),
            "can_manage": permissions.MANAGE.allows(request.user),
        },
    )


@console_page(rule=permissions.MANAGE)
def folder_create(request):
    form = FolderForm(
        request.POST or None, folders=selectors.folder_choices(user=request.user)
    )
    return form_page(
        request,
        form,
        template="content/library/folder_form.html",
        save=lambda data: services.folder_create(
            actor=request.user, name=data["name"], parent=data["parent"]
        ),
        success=_("The folder was created."),
        next=reverse("console:library_folders"),
    )


@console_page(rule=permissions.READ)
def asset_usage(request, public_id):
    asset = selectors.asset_get(user=request.user, public_id=public_id)
    return render(
        request,
        "content/library/console_usage.html",
        {
            "asset": asset,
            "usage": selectors.asset_usage(user=request.user, asset=asset),
        },
    )


@console_page(rule=permissions.READ)
def partner_engagement(request, public_id):
    """A partner's engagement block (a fragment its console profile can load)."""
    partner = partner_get(user=request.user, public_id=public_id)
    return render(
        request,
        "content/library/_partner_engagement.html",
        {
            "partner": partner,
            "engagement": selectors.partner_engagement(
                user=request.user, partner=partner
            ),
        },
    )


# --- portal


def _reader(request):
    return audience_reader(membership=request.membership)


def _cards(cards, *, since=None) -> list:
    """The page's assets (``PortalLibrary.cards``) with what their cards show, in
    words, written here once per card rather than by a template filter each: the
    link and the thumbnail's, the kind and language, whether it is new since the
    last visit, the summary cut to its length, the date and product lines."""
    asset_url = uuid_urls("portal:library_asset")
    thumbnail_url = uuid_urls("portal:library_thumbnail")
    date_format = get_format("SHORT_DATE_FORMAT")
    for asset in cards:
        asset.portal_url = asset_url(asset.public_id)
        asset.thumbnail_url = thumbnail_url(asset.public_id) if asset.thumbnail else ""
        asset.card_kind = (
            f"{asset.type_label} · {language_name(asset.language)}"
            if asset.language
            else asset.type_label
        )
        asset.is_new = since is not None and asset.publish_at > since
        asset.card_summary = (
            asset.summary
            if len(asset.summary) <= CARD_SUMMARY_CHARS
            else Truncator(asset.summary).chars(CARD_SUMMARY_CHARS)
        )
        published = format_date(localtime(asset.publish_at), date_format)
        asset.card_footer = (
            f"{published} · {', '.join(asset.product_lines)}"
            if asset.product_lines
            else published
        )
    return cards


@portal_page
def portal_library(request):
    since = services.library_visit_record(user=request.user)
    library = selectors.PortalLibrary.of(_reader(request))
    facets = library.facets()
    form = LibraryFilterForm(request.GET or None, facets=facets)
    filters = form.filters(since=since)
    return render(
        request,
        "content/library/portal_library.html",
        {
            "form": form,
            "page": _page(
                request,
                library.assets(filters),
                rows=lambda window: _cards(library.cards(filters, window), since=since),
                count=None if filters.narrows() else facets["total"],
            ),
            "since": since,
            "is_filtered": form.is_filtered(),
        },
    )


@portal_page
def portal_newest(request):
    """The newest assets for the reader: a fragment the portal home loads."""
    assets = selectors.assets_for_reader(reader=_reader(request))[:NEWEST_SHOWN]
    return render(
        request,
        "content/library/_portal_newest.html",
        {"assets": selectors.with_status(assets)},
    )


@portal_page
def portal_asset(request, public_id):
    asset = selectors.asset_for_reader(reader=_reader(request), public_id=public_id)
    services.asset_activity_record(
        actor=request.user,
        partner_id=request.partner.pk,
        asset=asset,
        kind=ActivityKind.VIEW,
    )
    version = asset.current_version
    return render(
        request,
        "content/library/portal_asset.html",
        {
            "asset": asset,
            "type_label": selectors.type_label(asset),
            "version": version,
            "is_video": bool(version and version.content_type.startswith("video/")),
            "is_image": bool(
                version
                and version.content_type.startswith("image/")
                and version.content_type != "image/svg+xml"
            ),
            "body": mark_safe(services.sanitise_body(asset.body)),  # noqa: S308
        },
    )


@portal_page
def portal_download(request, public_id):
    asset = selectors.asset_for_reader(reader=_reader(request), public_id=public_id)
    version = asset.current_version
    if asset.kind != AssetKind.FILE or version is None:
        raise Http404
    if serving.is_first_request(request):
        services.asset_activity_record(
            actor=request.user,
            partner_id=request.partner.pk,
            asset=asset,
            kind=ActivityKind.DOWNLOAD,
        )
    return serving.file_response(
        request,
        version.file,
        content_type=version.content_type,
        filename=version.original_name,
    )


@portal_page
def portal_thumbnail(request, public_id):
    asset = selectors.asset_for_reader(reader=_reader(request), public_id=public_id)
    return _thumbnail(asset)
