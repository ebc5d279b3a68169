"""Lockout after repeated failures, by account and by address (docs/adr/014-audit-and-hardening.md).

Each failed login counts once for the account typed and once for the address it came from, in a fixed window
(`COOPERER_LOGIN_WINDOW_MINUTES`). Once either count reaches its limit, no password is checked for that account
or from that address until the window ends, until an administrator unlocks the account, or until its owner chooses a new password
from the e-mailed link. Password-reset
requests are counted the same way (each request counts), so the form cannot be used to flood a mailbox."""

from django.conf import settings

from cooperer.core import throttle

LOGIN_ACCOUNT, LOGIN_ADDRESS = "login-account", "login-address"
RESET_ACCOUNT, RESET_ADDRESS = "reset-account", "reset-address"


def _account(username) -> str:
    return str(username or "").strip().lower()


def _window() -> int:
    return settings.COOPERER_LOGIN_WINDOW_MINUTES * 60


def _minutes(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


def _lock_message(seconds: int, what: str) -> str:
    return (
        f"Trop de tentatives ont échoué {what} : la connexion est bloquée pendant encore {_minutes(seconds)}. "
        "Réessayez ensuite, ou demandez à un·e administrateur·rice de la plateforme de débloquer votre compte. "
        "Si vous avez oublié votre mot de passe, utilisez « Mot de passe oublié ? »."
    )


def login_lock(username, address: str) -> str:
    """The French reason logins are refused for this account or from this address now, or ""."""
    account = _account(username)
    if account and throttle.current(LOGIN_ACCOUNT, account) >= settings.COOPERER_LOGIN_FAILURES_PER_ACCOUNT:
        return _lock_message(throttle.remaining_seconds(LOGIN_ACCOUNT, account), "pour ce compte")
    if address and throttle.current(LOGIN_ADDRESS, address) >= settings.COOPERER_LOGIN_FAILURES_PER_ADDRESS:
        return _lock_message(throttle.remaining_seconds(LOGIN_ADDRESS, address), "depuis cette connexion")
    return ""


def count_login_failure(username, address: str) -> list[str]:
    """Counts a failure; what it locks (« compte », « adresse »), when it is the one that reaches a limit."""
    window, account = _window(), _account(username)
    locked = []
    if (
        account
        and throttle.hit(LOGIN_ACCOUNT, account, window) == settings.COOPERER_LOGIN_FAILURES_PER_ACCOUNT
    ):
        locked.append("compte")
    if (
        address
        and throttle.hit(LOGIN_ADDRESS, address, window) == settings.COOPERER_LOGIN_FAILURES_PER_ADDRESS
    ):
        locked.append("adresse")
    return locked


def forget_failures(username) -> None:
    """After a successful login the account starts afresh (the address does not)."""
    throttle.reset(LOGIN_ACCOUNT, _account(username))


def unlock(username) -> bool:
    """An administrator unlocks an account: its failed logins and reset requests are forgotten."""
    account = _account(username)
    login = throttle.reset(LOGIN_ACCOUNT, account)
    reset = throttle.reset(RESET_ACCOUNT, account)
    return login or reset


def reset_refusal(email, address: str) -> str:
    """Counts one password-reset request; the French reason it is refused, or "" when it may be sent."""
    window, account = _window(), _account(email)
    too_many = (
        account
        and throttle.hit(RESET_ACCOUNT, account, window) > settings.COOPERER_LOGIN_FAILURES_PER_ACCOUNT
    )
    if (
        address
        and throttle.hit(RESET_ADDRESS, address, window) > settings.COOPERER_LOGIN_FAILURES_PER_ADDRESS
    ):
        too_many = True
    if not too_many:
        return ""
    return (
        "Trop de demandes de nouveau mot de passe viennent d'être faites : patientez "
        f"{_minutes(window)} avant d'en refaire une. Le dernier lien reçu reste valable."
    )
