"""Failed logins move the lockout counters; role grants and removals go to the journal, whatever made them (the
admin, the demo loader, a script)."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from cooperer.accounts import throttle
from cooperer.accounts.models import RoleAssignment
from cooperer.audit.context import client_address
from cooperer.audit.enums import Action
from cooperer.audit.services import record


@receiver(user_login_failed, dispatch_uid="accounts_count_failure")
def _count_failure(sender, credentials, request=None, **kwargs):
    username, address = str(credentials.get("username", "")), client_address(request)
    for what in throttle.count_login_failure(username, address):
        label = username if what == "compte" else address
        record(Action.ACCOUNT_LOCKED, label=label[:254], address=address, after={"bloqué": what})


@receiver(user_logged_in, dispatch_uid="accounts_forget_failures")
def _forget_failures(sender, request, user, **kwargs):
    throttle.forget_failures(user.get_username())


def _state(role: RoleAssignment) -> dict:
    try:
        person = role.user.get_username()
    except RoleAssignment.user.RelatedObjectDoesNotExist:  # the account is being deleted with its roles
        person = f"compte n° {role.user_id}"
    return {
        "personne": person,
        "rôle": role.get_role_display(),
        "financeur": role.get_funder_display() if role.funder else "",
        "structure": role.structure_id,
        "organisation": role.organisation,
    }


@receiver(pre_save, sender=RoleAssignment, dispatch_uid="accounts_role_before")
def _role_before(sender, instance, **kwargs):
    previous = (
        RoleAssignment.objects.filter(pk=instance.pk).select_related("user").first() if instance.pk else None
    )
    instance._audit_before = _state(previous) if previous else None


@receiver(post_save, sender=RoleAssignment, dispatch_uid="accounts_role_saved")
def _role_saved(sender, instance, created, **kwargs):
    before = getattr(instance, "_audit_before", None)
    after = _state(instance)
    if not created and before == after:
        return
    action = Action.ROLE_GRANTED if created else Action.ROLE_CHANGED
    record(action, instance, epci_id=instance.epci_id, before=before, after=after)


@receiver(post_delete, sender=RoleAssignment, dispatch_uid="accounts_role_removed")
def _role_removed(sender, instance, **kwargs):
    record(Action.ROLE_REMOVED, instance, epci_id=instance.epci_id, before=_state(instance))
