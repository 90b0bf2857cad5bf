from django.urls import path

from openprm.accounts.tokens import views as token_views

urlpatterns: list = [
    path("tokens/", token_views.api_token_list, name="api_tokens"),
    path("tokens/new/", token_views.api_token_create, name="api_token_create"),
    path(
        "tokens/<int:token_id>/revoke/",
        token_views.api_token_revoke,
        name="api_token_revoke",
    ),
]
