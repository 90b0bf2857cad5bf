"""The portal pages of SPIFFs and money earned (names join "portal:")."""

from django.urls import path

from openprm.accruals import views

urlpatterns = [
    path("spiffs/", views.portal_spiffs, name="spiffs"),
    path("money/", views.portal_money, name="money"),
]
