from django.urls import path

from openprm.partners import views

urlpatterns = [
    path("partners/picker/", views.portal_partner_picker, name="partner_picker"),
]
