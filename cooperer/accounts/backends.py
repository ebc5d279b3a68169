from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from cooperer.accounts import throttle
from cooperer.audit.context import client_address


class ThrottledModelBackend(ModelBackend):
    """Django's backend, except that no password is checked while the account or the address is locked out:
    every login path (the login page, the admin) obeys the same lockout."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self.get_user_model().USERNAME_FIELD)
        if throttle.login_lock(username, client_address(request)):
            raise PermissionDenied  # authenticate() stops here and sends user_login_failed
        return super().authenticate(request, username=username, password=password, **kwargs)
