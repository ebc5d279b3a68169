from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from cooperer.accounts.views import LoginView, PasswordResetConfirmView, PasswordResetView, my_account, unlock

app_name = "accounts"
urlpatterns = [
    path("moi/", my_account, name="messages"),
    path("connexion/", LoginView.as_view(), name="login"),
    path("debloquer/", unlock, name="unlock"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/oublie/",
        PasswordResetView.as_view(success_url=reverse_lazy("accounts:password_reset_done")),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(success_url=reverse_lazy("accounts:password_reset_complete")),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
