"""A contact's rights outside the Django admin: correction and deletion (whoever may edit the structure), and
the access export of a contact or of a user account (administrators; the animation for its territory's contacts).
Each act is recorded in the journal without the personal data itself: it would outlive a correction or deletion."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cooperer.accounts.models import User
from cooperer.accounts.permissions import animated_epci_ids, can_edit_structure, is_platform_admin
from cooperer.actors.access import contact_data, user_data
from cooperer.actors.forms import ContactForm
from cooperer.actors.models import Person
from cooperer.audit.enums import Action
from cooperer.audit.services import record


def _epci_id(person: Person) -> int | None:
    return person.structure.commune.epci_id if person.structure.commune_id else None


def _label(person: Person) -> str:
    return f"Contact n° {person.pk} de {person.structure}"


def _editable_contact(request, pk) -> Person:
    person = get_object_or_404(Person.objects.select_related("structure__commune"), pk=pk)
    if not can_edit_structure(request.user, person.structure):
        raise PermissionDenied("Vous ne pouvez pas modifier les contacts de cette structure.")
    return person


def can_export_contact(user, person: Person) -> bool:
    return is_platform_admin(user) or (
        _epci_id(person) is not None and _epci_id(person) in animated_epci_ids(user)
    )


@login_required
def person_edit(request, pk):
    person = _editable_contact(request, pk)
    form = ContactForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            record(Action.CONTACT_CORRECTED, person, epci_id=_epci_id(person), label=_label(person),
                   after={"champs corrigés": sorted(form.changed_data)})  # fmt: skip
        messages.success(request, f"Le contact {person} a été corrigé.")
        return redirect(person.structure)
    return render(request, "actors/contact.html", {
        "form": form, "person": person, "structure": person.structure, "nav": "actors",
        "can_export": can_export_contact(request.user, person),
    })  # fmt: skip


@login_required
@require_POST
def person_delete(request, pk):
    person = _editable_contact(request, pk)
    structure, label, epci_id, person_pk = person.structure, _label(person), _epci_id(person), person.pk
    with transaction.atomic():
        person.delete()
        record(Action.CONTACT_DELETED, epci_id=epci_id, label=label, after={"contact": person_pk})
    messages.success(request, "Le contact a été supprimé.")
    return redirect(structure)


def _download(data: dict, name: str) -> HttpResponse:
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


@login_required
def person_export(request, pk):
    person = get_object_or_404(Person.objects.select_related("structure__commune"), pk=pk)
    if not can_export_contact(request.user, person):
        raise PermissionDenied(
            "Seuls les administrateurs et l'animation du territoire exportent ces données."
        )
    data = contact_data(person)
    record(Action.ACCESS_EXPORTED, person, epci_id=_epci_id(person), label=_label(person))
    return _download(data, f"donnees-contact-{person.pk}")


@login_required
def user_export(request, pk):
    if not is_platform_admin(request.user):
        raise PermissionDenied("Seuls les administrateurs exportent les données d'un compte.")
    user = get_object_or_404(User, pk=pk)
    data = user_data(user)
    record(Action.ACCESS_EXPORTED, user, label=f"Compte n° {user.pk}")
    return _download(data, f"donnees-compte-{user.pk}")
