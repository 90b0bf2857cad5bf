from django.urls import path

from openprm.partners import views_profile

urlpatterns = [
    path(
        "partners/<uuid:public_id>/",
        views_profile.partner_detail,
        name="partner_detail",
    ),
    path(
        "partners/<uuid:public_id>/edit/",
        views_profile.partner_edit,
        name="partner_edit",
    ),
    path(
        "partners/<uuid:public_id>/contacts/new/",
        views_profile.contact_create,
        name="partner_contact_create",
    ),
    path(
        "partners/<uuid:public_id>/contacts/<uuid:contact_id>/",
        views_profile.contact_edit,
        name="partner_contact_edit",
    ),
    path(
        "partners/<uuid:public_id>/contacts/<uuid:contact_id>/delete/",
        views_profile.contact_delete,
        name="partner_contact_delete",
    ),
    path(
        "settings/custom-fields/",
        views_profile.custom_field_list,
        name="custom_field_list",
    ),
    path(
        "settings/custom-fields/new/",
        views_profile.custom_field_create,
        name="custom_field_create",
    ),
    path(
        "settings/custom-fields/<slug:key>/",
        views_profile.custom_field_edit,
        name="custom_field_edit",
    ),
    path(
        "settings/custom-fields/<slug:key>/deactivate/",
        views_profile.custom_field_deactivate,
        name="custom_field_deactivate",
    ),
]
