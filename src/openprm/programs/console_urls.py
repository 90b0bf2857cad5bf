from django.urls import path

from openprm.programs import views

urlpatterns = [
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/enrol/", views.enrolment_create, name="programme_enrol"),
    path(
        "programmes/enrolments/<uuid:public_id>/",
        views.enrolment_detail,
        name="programme_enrolment",
    ),
    path(
        "programmes/enrolments/<uuid:public_id>/change-tier/",
        views.enrolment_change_tier,
        name="programme_enrolment_change_tier",
    ),
    path(
        "programmes/enrolments/<uuid:public_id>/end/",
        views.enrolment_end,
        name="programme_enrolment_end",
    ),
    path(
        "programmes/<uuid:public_id>/", views.programme_detail, name="programme_detail"
    ),
    path(
        "programmes/<uuid:public_id>/edit/",
        views.programme_update,
        name="programme_update",
    ),
    path(
        "programmes/<uuid:public_id>/tiers/new/",
        views.tier_create,
        name="programme_tier_create",
    ),
    path(
        "programmes/<uuid:public_id>/tiers/<int:tier_id>/",
        views.tier_detail,
        name="programme_tier",
    ),
    path(
        "programmes/<uuid:public_id>/tiers/<int:tier_id>/requirements/",
        views.tier_requirement_create,
        name="programme_tier_requirement_create",
    ),
    path(
        "programmes/<uuid:public_id>/tiers/<int:tier_id>/requirements/"
        "<int:requirement_id>/delete/",
        views.tier_requirement_delete,
        name="programme_tier_requirement_delete",
    ),
    path(
        "programmes/<uuid:public_id>/tiers/<int:tier_id>/benefits/",
        views.tier_benefit_set,
        name="programme_tier_benefit_set",
    ),
    path(
        "programmes/<uuid:public_id>/tiers/<int:tier_id>/benefits/"
        "<int:benefit_id>/delete/",
        views.tier_benefit_delete,
        name="programme_tier_benefit_delete",
    ),
]
