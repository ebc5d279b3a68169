from django.urls import path

from cooperer.api.tokens import token_list, token_revoke

app_name = "api_tokens"
urlpatterns = [
    path("", token_list, name="list"),
    path("<int:pk>/revoquer/", token_revoke, name="revoke"),
]
