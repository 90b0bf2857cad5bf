from django.urls import path

from openprm.partners.profile import views

urlpatterns = [
    path(
        "partners/<uuid:public_id>/",
        views.partner_detail,
        name="partner_detail",
    ),
    path(
        "partners/<uuid:public_id>/edit/",
        views.partner_edit,
        name="partner_edit",
    ),
    path(
        "partners/<uuid:public_id>/contacts/new/",
        views.contact_create,
        name="partner_contact_create",
    ),
    path(
        "partners/<uuid:public_id>/contacts/<uuid:contact_id>/",
        views.contact_edit,
        name="partner_contact_edit",
    ),
    path(
        "partners/<uuid:public_id>/contacts/<uuid:contact_id>/delete/",
        views.contact_delete,
        name="partner_contact_delete",
    ),
    path(
        "settings/custom-fields/",
        views.custom_field_list,
        name="custom_field_list",
    ),
    path(
        "settings/custom-fields/new/",
        views.custom_field_create,
        name="custom_field_create",
    ),
    path(
        "settings/custom-fields/<slug:key>/",
        views.custom_field_edit,
        name="custom_field_edit",
    ),
    path(
        "settings/custom-fields/<slug:key>/deactivate/",
        views.custom_field_deactivate,
        name="custom_field_deactivate",
    ),
]
