from django.urls import path

from openprm.integrations.crm import views

urlpatterns = [
    path("crm-sync/", views.connection_list, name="crm_connection_list"),
    path("crm-sync/new/", views.connection_create, name="crm_connection_create"),
    path(
        "crm-sync/<uuid:public_id>/",
        views.connection_detail,
        name="crm_connection_detail",
    ),
    path(
        "crm-sync/<uuid:public_id>/edit/",
        views.connection_update,
        name="crm_connection_update",
    ),
    path(
        "crm-sync/<uuid:public_id>/mapping/",
        views.mapping_edit,
        name="crm_mapping_edit",
    ),
    path("crm-sync/<uuid:public_id>/run/", views.run_start, name="crm_run_start"),
    path(
        "crm-sync/<uuid:public_id>/resync/",
        views.record_resync,
        name="crm_record_resync",
    ),
    path(
        "crm-sync/<uuid:public_id>/dead-letters/<int:pk>/retry/",
        views.dead_letter_retry,
        name="crm_dead_letter_retry",
    ),
    path(
        "crm-sync/decisions/<uuid:public_id>/",
        views.decision_resolve,
        name="crm_decision_resolve",
    ),
    path(
        "crm-sync/conflicts/<uuid:public_id>/",
        views.conflict_resolve,
        name="crm_conflict_resolve",
    ),
]
