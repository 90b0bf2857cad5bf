"""A segment's partners as a CSV or XLSX download, in the directory export's
layout (``partners.directory.exports``), for the console page and the API alike."""

from django.http import HttpResponseBase
from django.utils.text import slugify

from openprm.partners.directory.exports import export_custom_keys, partners_download
from openprm.segments import selectors
from openprm.segments.models import Segment


def segment_download(*, user, segment: Segment, file_format: str) -> HttpResponseBase:
    """The segment's partners in the user's scope, streamed."""
    custom_keys = export_custom_keys(user=user)
    return partners_download(
        custom_keys=custom_keys,
        rows=selectors.segment_export_rows(
            user=user, segment=segment, custom_keys=custom_keys
        ),
        file_format=file_format,
        name=f"segment-{slugify(segment.name) or segment.public_id}",
    )
