"""`record()` is the one way entries are written. It imports no other app of the project, so that any app may
call it; an entry is written in the caller's transaction, so an act that is rolled back leaves no entry."""

from django.db import models

from cooperer.audit.context import client_address, current_request
from cooperer.audit.enums import Action
from cooperer.audit.models import AuditEntry


def _actor(actor, request):
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    return actor


def record(
    action: Action, obj: models.Model | None = None, *, actor=None, epci_id: int | None = None,
    before: dict | None = None, after: dict | None = None, label: str = "", address: str | None = None,
) -> AuditEntry:  # fmt: skip
    """Appends one entry. `actor` and `address` default to those of the request being served, if any;
    `label` to the object's text as it is now."""
    request = current_request()
    actor = _actor(actor, request)
    return AuditEntry.objects.create(
        action=action,
        actor_id=actor.pk if actor is not None else None,
        actor_label=(actor.get_username() if actor is not None else "")[:254],
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_label=(label or (str(obj) if obj is not None else ""))[:300],
        epci_id=epci_id,
        before=before,
        after=after,
        address=(address if address is not None else client_address(request))[:45],
    )


def record_api_token_created(token, *, user, scopes=(), epci_id: int | None = None) -> AuditEntry:
    """To be called by the API when a person creates an access token (never the secret itself: its label,
    what it allows and its end of validity)."""
    expires = getattr(token, "expires_at", None)
    return record(
        Action.API_TOKEN_CREATED, token if isinstance(token, models.Model) else None, actor=user,
        epci_id=epci_id, label=str(token), after={"droits": sorted(scopes), "expire": expires},
    )  # fmt: skip
