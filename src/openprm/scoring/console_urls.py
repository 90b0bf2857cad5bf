from django.urls import path

from openprm.scoring import views

urlpatterns = [
    path("scorecards/", views.scorecard_list, name="scorecard_list"),
    path("scorecards/new/", views.scorecard_create, name="scorecard_create"),
    path("scorecards/recompute/", views.score_run_start, name="score_run_start"),
    path("scorecards/runs/<uuid:public_id>/", views.score_run_detail, name="score_run"),
    path(
        "scorecards/<uuid:public_id>/", views.scorecard_detail, name="scorecard_detail"
    ),
    path(
        "scorecards/<uuid:public_id>/edit/",
        views.scorecard_update,
        name="scorecard_update",
    ),
    path(
        "scorecards/<uuid:public_id>/criteria/",
        views.criterion_create,
        name="scorecard_criterion_create",
    ),
    path(
        "scorecards/<uuid:public_id>/criteria/<int:criterion_id>/edit/",
        views.criterion_update,
        name="scorecard_criterion_update",
    ),
    path(
        "scorecards/<uuid:public_id>/criteria/<int:criterion_id>/delete/",
        views.criterion_delete,
        name="scorecard_criterion_delete",
    ),
    path(
        "scorecards/<uuid:public_id>/ranking/",
        views.scorecard_ranking,
        name="scorecard_ranking",
    ),
]
