from django.urls import path

from openprm.core import views

urlpatterns: list = [
    path("audit/", views.console_audit_list, name="audit_list"),
    path("audit/<int:entry_id>/", views.console_audit_detail, name="audit_detail"),
    path("events/", views.event_list, name="event_list"),
    path("events/<uuid:event_id>/", views.event_detail, name="event_detail"),
    path("events/<uuid:event_id>/replay/", views.event_replay, name="event_replay"),
    path("settings/branding/", views.branding_settings, name="branding"),
]
