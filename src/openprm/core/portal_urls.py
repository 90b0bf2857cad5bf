from django.urls import path

from openprm.core import views

urlpatterns: list = [
    path("audit/", views.portal_audit_list, name="audit_list"),
    path("audit/<int:entry_id>/", views.portal_audit_detail, name="audit_detail"),
]
