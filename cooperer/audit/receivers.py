"""Logins, failed logins and logouts, from Django's authentication signals."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from cooperer.audit.context import client_address
from cooperer.audit.enums import Action
from cooperer.audit.services import record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    record(Action.LOGIN, actor=user, label=user.get_username(), address=client_address(request))


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(Action.LOGOUT, actor=user, label=user.get_username(), address=client_address(request))


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; the name typed is what the journal keeps.
    typed = str(credentials.get("username", ""))[:254]
    record(Action.LOGIN_FAILED, label=typed, address=client_address(request))
