from django.urls import path

from openprm.partners import views_lifecycle

urlpatterns = [
    path(
        "partners/duplicates/",
        views_lifecycle.partner_duplicates,
        name="partner_duplicates",
    ),
    path(
        "partners/<uuid:public_id>/status/",
        views_lifecycle.partner_status_change,
        name="partner_status_change",
    ),
    path(
        "partners/<uuid:public_id>/move/",
        views_lifecycle.partner_move,
        name="partner_move",
    ),
    path(
        "partners/<uuid:public_id>/merge/",
        views_lifecycle.partner_merge,
        name="partner_merge",
    ),
]
