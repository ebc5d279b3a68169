"""« Mesure » : where each role starts — the bilans to file or to examine, the contracts it follows, open data."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from cooperer.accounts.enums import Role
from cooperer.accounts.permissions import is_platform_admin, roles_of
from cooperer.calls.permissions import member_structure_ids
from cooperer.measurement.home import bilan_counts
from cooperer.measurement.models import Bilan
from cooperer.measurement.uploads import can_upload
from cooperer.territories.models import ContratDeVille
from cooperer.visions.models import Vision
from cooperer.visions.permissions import visible_to


@login_required
def home(request):
    user = request.user
    context = {"nav": "measurement", "can_upload": can_upload(user)}
    if member_structure_ids(user):
        context["mine"] = bilan_counts(Bilan.objects.of_member(user))
    if any(r.role == Role.INSTRUCTION for r in roles_of(user)):
        context["reviewing"] = bilan_counts(Bilan.objects.reviewable_by(user))
    epci_ids = {r.epci_id for r in roles_of(user) if r.role in (Role.ANIMATION, Role.INSTRUCTION)}
    contracts = ContratDeVille.objects.order_by("name")
    if not is_platform_admin(user):
        contracts = contracts.filter(pilot_epci_id__in=epci_ids)
    context["contracts"] = list(contracts[:50])
    context["visions"] = list(visible_to(user, Vision.objects.order_by("title")).only("pk", "title")[:50])
    return render(request, "measurement/home.html", context)


urlpatterns = [path("", home, name="home")]
