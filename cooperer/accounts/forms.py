from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError

from cooperer.accounts import throttle
from cooperer.audit.context import client_address


class LockoutMessageMixin:
    """Says that the login is locked (and for how long) rather than « mot de passe incorrect »."""

    locked = False

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            lock = throttle.login_lock(self.cleaned_data.get("username"), client_address(self.request))
            if lock:
                self.locked = True
                raise ValidationError(lock, code="locked") from None
            raise


class LoginForm(LockoutMessageMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Identifiant ou mot de passe incorrect. Les deux champs tiennent compte des majuscules.",
        "inactive": "Ce compte est désactivé.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Identifiant (adresse électronique)"
        self.fields["password"].label = "Mot de passe"


class AdminLoginForm(LockoutMessageMixin, AdminAuthenticationForm):
    pass


class ThrottledPasswordResetForm(PasswordResetForm):
    """Each request counts, for the address typed and for the connection; over the limit, nothing is sent."""

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"]
        refusal = throttle.reset_refusal(email, client_address(self.request))
        if refusal:
            raise ValidationError(refusal, code="throttled")
        return email
