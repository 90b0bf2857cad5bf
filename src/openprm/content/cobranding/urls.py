"""Co-branding pages: ``console_urlpatterns`` join "console:", ``portal_urlpatterns``
join "portal:"."""

from django.urls import path

from openprm.content.cobranding import views

console_urlpatterns = [
    path(
        "content/cobranding/",
        views.cobranding_list,
        name="content_cobranding",
    ),
    path(
        "content/cobranding/<uuid:public_id>/",
        views.cobranding_edit,
        name="content_cobranding_edit",
    ),
    path(
        "content/cobranding/<uuid:public_id>/preview/",
        views.cobranding_preview,
        name="content_cobranding_preview",
    ),
]

portal_urlpatterns = [
    path(
        "content/cobranded/",
        views.portal_cobranded_list,
        name="content_cobranded",
    ),
    path(
        "content/cobranded/<uuid:public_id>/download/",
        views.portal_cobranded_download,
        name="content_cobranded_download",
    ),
]
