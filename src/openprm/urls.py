from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from openprm.api import api
from openprm.core import home, views

urlpatterns = [
    path("", home.home, name="home"),
    path("health/", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("branding.css", views.branding_css, name="branding_css"),
    # Account pages of our own (API tokens, invitations) before allauth's.
    path("accounts/", include("openprm.accounts.account_urls")),
    path("accounts/", include("openprm.tenancy.account_urls")),
    path("accounts/", include("allauth.urls")),
    path("console/", include("openprm.console.urls")),
    path("portal/", include("openprm.portal.urls")),
    path("", include("openprm.public_urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.OPENPRM_BENCH_ENDPOINTS:
    urlpatterns.append(path("_bench/", include("openprm.bench_urls")))
