"""Console pages of onboarding's configuration (names join "console:")."""

from django.urls import path

from openprm.onboarding.config import views

urlpatterns = [
    path("applications/routing/", views.routing_rules, name="application_routing"),
    path(
        "applications/routing/<int:rule_id>/",
        views.routing_rule_edit,
        name="application_routing_edit",
    ),
    path(
        "applications/routing/<int:rule_id>/delete/",
        views.routing_rule_delete,
        name="application_routing_delete",
    ),
    path("applications/queues/", views.queues, name="application_queues"),
    path(
        "applications/queues/<int:queue_id>/",
        views.queue_edit,
        name="application_queue_edit",
    ),
    path("applications/chains/", views.chains, name="application_chains"),
    path(
        "applications/chains/<uuid:public_id>/",
        views.chain,
        name="application_chain",
    ),
    path(
        "applications/chains/<uuid:public_id>/steps/<int:step_id>/",
        views.chain_step_edit,
        name="application_chain_step_edit",
    ),
    path(
        "applications/chains/<uuid:public_id>/steps/<int:step_id>/delete/",
        views.chain_step_delete,
        name="application_chain_step_delete",
    ),
    path(
        "applications/chains/<uuid:public_id>/questions/<int:question_id>/delete/",
        views.chain_question_delete,
        name="application_chain_question_delete",
    ),
]
