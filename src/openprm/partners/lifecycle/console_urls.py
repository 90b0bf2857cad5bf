from django.urls import path

from openprm.partners.lifecycle import views

urlpatterns = [
    path(
        "partners/duplicates/",
        views.partner_duplicates,
        name="partner_duplicates",
    ),
    path(
        "partners/<uuid:public_id>/status/",
        views.partner_status_change,
        name="partner_status_change",
    ),
    path(
        "partners/<uuid:public_id>/move/",
        views.partner_move,
        name="partner_move",
    ),
    path(
        "partners/<uuid:public_id>/merge/",
        views.partner_merge,
        name="partner_merge",
    ),
]
