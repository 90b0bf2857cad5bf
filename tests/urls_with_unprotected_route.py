"""The real URLs plus one route nobody declared a policy for (matrix self-test)."""

from django.http import HttpResponse
from django.urls import path

from openprm.urls import urlpatterns as real_urlpatterns

urlpatterns = [
    *real_urlpatterns,
    path(
        "console/unprotected/",
        lambda request: HttpResponse("oops"),
        name="unprotected-report",
    ),
]
