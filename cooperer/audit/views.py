"""The journal page: administrators read every entry, the animation of a territory those of its EPCI."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from cooperer.accounts.permissions import animated_epci_ids, is_platform_admin
from cooperer.audit.enums import Action
from cooperer.audit.forms import JournalFilterForm
from cooperer.audit.models import AuditEntry
from cooperer.audit.services import record
from cooperer.core.exports import csv_download, csv_text

PAGE_SIZE = 50
NOT_ALLOWED = "Le journal est réservé aux administrateur·rices et à l'animation de chaque territoire."
EXPORT_HEADER = ["date", "personne", "acte", "type d'objet", "identifiant", "objet", "territoire", "adresse",
                 "avant", "après"]  # fmt: skip


def _readable(request):
    """The entries the user may read, and the territories they may filter on (id, name)."""
    from cooperer.territories.models import Epci

    if is_platform_admin(request.user):
        entries, epcis = AuditEntry.objects.all(), Epci.objects.all()
    else:
        epci_ids = animated_epci_ids(request.user)
        if not epci_ids:
            raise PermissionDenied(NOT_ALLOWED)
        entries, epcis = AuditEntry.objects.visible_to_epcis(epci_ids), Epci.objects.filter(pk__in=epci_ids)
    return entries, list(epcis.order_by("name").values_list("pk", "name"))


@login_required
def journal(request):
    entries, epcis = _readable(request)
    form = JournalFilterForm(request.GET or None, epcis=epcis)
    page = Paginator(form.filter(entries), PAGE_SIZE).get_page(request.GET.get("page"))
    names = dict(epcis)
    for entry in page:
        entry.epci_name = names.get(entry.epci_id, "")
    return render(
        request,
        "audit/journal.html",
        {"form": form, "page": page, "can_unlock": is_platform_admin(request.user), "nav": "journal"},
    )


@login_required
def journal_export(request):
    entries, epcis = _readable(request)
    form = JournalFilterForm(request.GET or None, epcis=epcis)
    names = dict(epcis)
    rows = (
        [timezone.localtime(e.created_at).isoformat(timespec="seconds"), e.actor_label, e.get_action_display(),
         e.object_type, e.object_id, e.object_label, names.get(e.epci_id, ""), e.address,
         e.before_text, e.after_text]
        for e in form.filter(entries).iterator(chunk_size=2000)
    )  # fmt: skip
    text = csv_text(EXPORT_HEADER, rows)
    filters = {key: value for key, value in request.GET.items() if value}
    record(Action.DATA_EXPORTED, label="Journal des actes", after={"format": "csv", "filtres": filters})
    return csv_download(text, f"journal-{timezone.localdate():%Y-%m-%d}.csv")
