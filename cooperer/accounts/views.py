from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cooperer.accounts import throttle
from cooperer.accounts.forms import LoginForm, ThrottledPasswordResetForm
from cooperer.accounts.models import User
from cooperer.accounts.permissions import is_platform_admin, roles_of
from cooperer.audit.enums import Action
from cooperer.audit.services import record


class LoginView(auth_views.LoginView):
    """Django's login page; a locked-out login is answered 429 (too many requests), with its French reason."""

    authentication_form = LoginForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.locked:
            response.status_code = 429
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("email", "throttled"):
            response.status_code = 429
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password from the e-mailed link proves the mailbox: the account's lock is lifted."""

    def form_valid(self, form):
        response = super().form_valid(form)
        throttle.unlock(form.user.get_username())
        return response


@login_required
@require_POST
def unlock(request):
    """A platform administrator unlocks an account's login before its window ends (from the journal page)."""
    if not is_platform_admin(request.user):
        raise PermissionDenied("Seul·es les administrateur·rices de la plateforme débloquent un compte.")
    username = request.POST.get("username", "").strip()
    if username and throttle.unlock(username):
        user = User.objects.filter(username__iexact=username).first()
        record(Action.ACCOUNT_UNLOCKED, user, label=username)
        messages.success(request, f"La connexion de « {username} » est débloquée.")
    else:
        messages.info(request, f"La connexion de « {username} » n'était pas bloquée.")
    return redirect("audit:journal")


MESSAGES_PAGE = 30


@login_required
def my_account(request):
    sent = request.user.notifications.all()
    page = Paginator(sent, MESSAGES_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/my_account.html", {"page": page, "roles": roles_of(request.user)})
